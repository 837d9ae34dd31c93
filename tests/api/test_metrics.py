"""/metrics: requests by route template, database time, active sessions, memory."""

from __future__ import annotations

from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from lang_portal.clock import FixedClock
from tests.helpers import record_answer, start_session

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def _samples(client: TestClient) -> Samples:
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    found = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            found[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return found


def _value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def test_requests_are_counted_by_route_template(client: TestClient) -> None:
    route = {"route": "/api/v1/words/{word_id}", "method": "GET", "status": "200"}
    missing = {"route": "/api/v1/words/{word_id}", "method": "GET", "status": "404"}
    unmatched = {"route": "<unmatched>", "method": "GET", "status": "404"}
    before = _samples(client)
    for word_id in (1, 2, 3):
        assert client.get(f"/api/v1/words/{word_id}").status_code == 200
    assert client.get("/api/v1/words/999999").status_code == 404
    assert client.get("/no/such/page/1234").status_code == 404
    after = _samples(client)

    def delta(name: str, labels: dict[str, str]) -> float:
        return _value(after, name, **labels) - _value(before, name, **labels)

    assert delta("http_requests_total", route) == 3
    assert delta("http_requests_total", missing) == 1
    assert delta("http_requests_total", unmatched) == 1
    assert delta("http_request_duration_seconds_count", route) == 3
    assert delta("http_request_duration_seconds_bucket", {**route, "le": "+Inf"}) == 3
    assert delta("http_request_duration_seconds_sum", route) > 0
    # No label per concrete path: cardinality stays bounded.
    assert not any(dict(labels).get("route") == "/api/v1/words/1" for _, labels in after)
    database_blocks = sum(
        delta("database_query_duration_seconds_count", {"operation": operation})
        for operation in ("read", "snapshot")
    )
    assert database_blocks >= 4
    assert _value(after, "memory_usage_bytes") > 10_000_000


def test_active_sessions_are_those_not_yet_expired(client: TestClient, clock: FixedClock) -> None:
    assert _value(_samples(client), "study_sessions_active") == 0
    first_id = start_session(client, prefix="/api/v1")
    start_session(client, prefix="/api/v1")
    assert _value(_samples(client), "study_sessions_active") == 2

    clock.advance(minutes=20)
    record_answer(client, first_id, 1, True, prefix="/api/v1")
    clock.advance(minutes=15)  # the second session idle 35 min: expired; the first 15 min
    assert _value(_samples(client), "study_sessions_active") == 1
