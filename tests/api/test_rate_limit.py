"""Rate limits per client: 429 in the mount's shape with Retry-After and X-RateLimit-*."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
import redis
from fastapi.testclient import TestClient

from lang_portal.app import create_app
from lang_portal.service.container import Services
from lang_portal.settings import Settings
from tests.helpers import app_client

REDIS_URI = "redis://127.0.0.1:6379/0"

# A long window and the exact strategy: no count can expire or be rounded away mid-test.
LIMITED = {
    "rate_limit_enabled": True,
    "rate_limit_requests": 5,
    "rate_limit_duration": 3600,
    "rate_limit_burst": 0,
    "rate_limit_write_requests": 2,
    "rate_limit_study_session_requests": 3,
    "rate_limit_strategy": "moving-window",
}


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return dict(LIMITED)


def _limit_headers(response: Any) -> tuple[int, int, int]:
    return (
        int(response.headers["x-ratelimit-limit"]),
        int(response.headers["x-ratelimit-remaining"]),
        int(response.headers["x-ratelimit-reset"]),
    )


def test_429_after_the_limit_with_headers_and_body(client: TestClient) -> None:
    remaining = []
    for _ in range(5):
        response = client.get("/api/v1/words")
        assert response.status_code == 200
        limit, left, reset = _limit_headers(response)
        assert limit == 5
        remaining.append(left)
    assert remaining == [4, 3, 2, 1, 0]

    refused = client.get("/api/v1/groups")
    assert refused.status_code == 429
    retry_after = int(refused.headers["retry-after"])
    assert 3500 < retry_after <= 3600
    limit, left, reset = _limit_headers(refused)
    assert (limit, left) == (5, 0)
    body = refused.json()
    assert body["status"] == "error"
    assert body["meta"]["request_id"] == refused.headers["x-request-id"]
    error = body["error"]
    assert error["code"] == "RATE_LIMIT_EXCEEDED"
    assert error["message"] == "Too many requests"
    details = error["details"]
    assert details["retry_after"] == retry_after
    assert (details["limit"], details["remaining"]) == (5, 0)
    assert datetime.fromisoformat(details["reset"].replace("Z", "+00:00")).timestamp() == reset

    # The bare mount refuses in its own shape.
    bare = client.get("/api/words")
    assert bare.status_code == 429
    assert set(bare.json()) == {"error"}
    assert bare.json()["error"]["code"] == "RATE_LIMIT_EXCEEDED"
    # and so does the legacy mount, under /api too: `{"error": message}`
    for path in ("/words", "/api/study-sessions"):
        legacy = client.get(path)
        assert legacy.status_code == 429
        assert legacy.json() == {"error": "Too many requests"}


def test_health_and_metrics_are_exempt(client: TestClient) -> None:
    for _ in range(12):
        for path in ("/health", "/metrics"):
            response = client.get(path)
            assert response.status_code == 200
            assert "x-ratelimit-limit" not in response.headers
    assert client.get("/api/v1/words").headers["x-ratelimit-remaining"] == "4"


def test_page_files_are_exempt(client: TestClient) -> None:
    for _ in range(6):
        for path in ("/", "/portal/portal.js", "/swagger/static/swagger-ui.css", "/favicon.ico"):
            response = client.get(path)
            assert response.status_code == 200, path
            assert "x-ratelimit-limit" not in response.headers
    # the API they read is still counted
    assert client.get("/api/v1/words").headers["x-ratelimit-remaining"] == "4"
    assert client.get("/swagger/doc.json").headers["x-ratelimit-remaining"] == "3"


def test_writes_have_their_own_tighter_limit(client: TestClient) -> None:
    for name in ("Animals", "Colours"):
        created = client.post("/api/v1/groups", json={"name": name})
        assert created.status_code == 201
    assert created.headers["x-ratelimit-limit"] == "2"
    assert created.headers["x-ratelimit-remaining"] == "0"

    refused = client.post("/api/v1/groups", json={"name": "Food"})
    assert refused.status_code == 429
    assert refused.json()["error"]["details"]["limit"] == 2
    # Reads still have their budget (5 overall; 3 used, the refused write included).
    read = client.get("/api/v1/groups")
    assert read.status_code == 200
    assert _limit_headers(read)[:2] == (5, 1)
    names = [group["name"] for group in read.json()["data"]]
    assert "Food" not in names


def test_study_session_calls_have_their_own_limit(client: TestClient) -> None:
    for _ in range(3):
        assert client.get("/api/v1/study_sessions").status_code == 200
    refused = client.get("/api/v1/study_sessions/1")
    assert refused.status_code == 429
    assert refused.json()["error"]["details"]["limit"] == 3
    assert client.get("/api/v1/words").status_code == 200


def test_what_counts_as_a_study_session_call(client: TestClient) -> None:
    # a group's list of sessions is a read of the group, not a session call
    assert client.get("/api/v1/groups/1/study_sessions").status_code == 200
    # the legacy mount's session list is one, and so is launching (it starts a session)
    assert client.get("/api/study-sessions").status_code == 200
    launched = client.post("/api/v1/study_activities/1/launch", json={"group_id": 1})
    assert launched.status_code == 201
    assert client.get("/api/v1/study_sessions").status_code == 200
    # the fourth session call is refused by its own limit, though the overall one has room
    refused = client.get("/api/v1/study_sessions/1")
    assert refused.status_code == 429
    assert refused.json()["error"]["details"]["limit"] == 3


def test_clients_are_counted_apart(services: Services) -> None:
    app = create_app(services.context.settings, services=services)
    # Without `with`: the lifespan (which closes the database at the end) does not run.
    first = TestClient(app, client=("10.0.0.1", 5000))
    second = TestClient(app, client=("10.0.0.2", 5000))
    for _ in range(5):
        assert first.get("/api/v1/words").status_code == 200
    assert first.get("/api/v1/words").status_code == 429
    assert second.get("/api/v1/words").status_code == 200
    assert first.get("/api/v1/words").status_code == 429


@pytest.fixture
def redis_prefix() -> Iterator[str]:
    connection = redis.Redis.from_url(REDIS_URI)
    try:
        connection.ping()
    except redis.ConnectionError:
        pytest.skip(f"Redis is not reachable at {REDIS_URI}")
    prefix = f"lang-portal-test-{uuid.uuid4().hex}"
    yield prefix
    for key in connection.scan_iter(f"{prefix}*"):
        connection.delete(key)
    connection.close()


def test_redis_store_shares_counts_between_processes(
    services: Services, settings: Settings, redis_prefix: str
) -> None:
    shared = settings.model_copy(
        update={"rate_limit_storage_uri": REDIS_URI, "rate_limit_key_prefix": redis_prefix}
    )
    # Two apps with their own limiters stand for two worker processes or two hosts.
    with (
        app_client(services, shared) as first,
        app_client(services, shared) as second,
    ):
        for _ in range(3):
            assert first.get("/api/v1/words").status_code == 200
        answers = [second.get("/api/v1/words") for _ in range(3)]
    assert [answer.status_code for answer in answers] == [200, 200, 429]
    assert answers[1].headers["x-ratelimit-remaining"] == "0"
    assert int(answers[2].headers["retry-after"]) > 0
    keys = redis.Redis.from_url(REDIS_URI).keys(f"{redis_prefix}*")
    assert keys, "the counts live in Redis under the configured prefix"
