"""The OpenAPI document states what the server checks, and the server checks what it states."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient


def _operation(document: dict[str, Any], path: str, method: str) -> dict[str, Any]:
    operation: dict[str, Any] = document["paths"][path][method]
    return operation


def _parameter(operation: dict[str, Any], name: str) -> dict[str, Any]:
    (parameter,) = [item for item in operation["parameters"] if item["name"] == name]
    schema: dict[str, Any] = parameter["schema"]
    return schema


@pytest.mark.parametrize(
    "settings_overrides",
    [{"max_page_size": 37, "max_groups": 7, "max_words_per_group": 9}],
)
def test_bounds_from_settings_are_written_into_the_document(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    for prefix in ("/api/v1", "/api"):
        words = _operation(document, f"{prefix}/words", "get")
        assert _parameter(words, "per_page")["maximum"] == 37
        assert client.get(f"{prefix}/words?per_page=37").status_code == 200
        assert client.get(f"{prefix}/words?per_page=38").status_code == 422
        create_group = _operation(document, f"{prefix}/groups", "post")
        assert "when 7 groups exist" in create_group["description"]
        assert "more than 9 distinct `word_ids`" in create_group["responses"]["422"]["description"]
        assert create_group["x-refusals-beyond-schema"] is True


def test_ids_are_bounded_exactly_to_sqlite_integers(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    bound = document["components"]["schemas"]["SessionCreate"]["properties"]["group_id"]
    assert bound["maximum"] == 2**63 - 1 and isinstance(bound["maximum"], int)
    over = {"group_id": 2**63, "study_activity_id": 1}
    assert client.post("/api/v1/study_sessions", json=over).status_code == 422


@pytest.mark.parametrize("query", ["to=0", "to=20240101", "from=2024-W01-1", "to=2024-1-5"])
def test_a_date_is_written_yyyy_mm_dd_or_refused(client: TestClient, query: str) -> None:
    document = client.get("/openapi.json").json()
    progress = _operation(document, "/api/v1/analytics/progress", "get")
    assert _parameter(progress, "to")["anyOf"][0] == {"type": "string", "format": "date"}
    response = client.get(f"/api/v1/analytics/progress?{query}")
    assert response.status_code == 422, response.text
    assert response.json()["error"]["code"] == "VALIDATION_FAILED"


def test_the_range_limit_is_stated_and_enforced(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    progress = _operation(document, "/api/v1/analytics/progress", "get")
    assert "more than 3660 days" in progress["description"]
    assert "more than 3660 days" in progress["responses"]["422"]["description"]
    within = client.get("/api/v1/analytics/progress?from=2016-01-01&to=2026-01-07")
    assert within.status_code == 200 and len(within.json()["data"]["days"]) == 3660
    over = client.get("/api/v1/analytics/progress?from=2016-01-01&to=2026-01-08")
    assert over.status_code == 422


@pytest.mark.parametrize(
    ("path", "allowed", "shape"),
    [
        ("/api/v1/groups", "GET, POST", "v1"),
        ("/api/groups/1", "DELETE, GET, PATCH, PUT", "bare"),
        ("/groups/1", "GET", "legacy"),
        ("/api/study-sessions/reset", "POST", "legacy"),
    ],
)
@pytest.mark.parametrize("method", ["TRACE", "OPTIONS", "GET", "PATCH"])
def test_a_method_a_path_lacks_is_405_naming_the_methods_it_has(
    client: TestClient, path: str, allowed: str, shape: str, method: str
) -> None:
    if method in allowed.split(", "):
        return
    response = client.request(method, path)
    assert response.status_code == 405, response.text
    assert response.headers["allow"] == allowed
    body = response.json()
    if shape == "legacy":
        assert body == {"error": f"{method} is not allowed on {path}"}
    else:
        error = body["error"]
        assert error["code"] == "INVALID_INPUT"
        assert error["details"] == {"allowed_methods": allowed.split(", ")}
        assert ("status" in body) is (shape == "v1")


def test_a_word_update_refuses_null_as_the_document_says(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    japanese = document["components"]["schemas"]["WordUpdate"]["properties"]["japanese"]
    assert japanese["type"] == "string" and "anyOf" not in japanese
    assert japanese["maxLength"] == 100 and japanese["pattern"].startswith("^[")
    response = client.patch("/api/v1/words/1", json={"japanese": None})
    assert response.status_code == 422


def test_parts_past_64_bit_integers_are_stored_as_numbers(client: TestClient) -> None:
    response = client.patch("/api/v1/words/1", json={"parts": [{"n": 2**70}]})
    assert response.status_code == 200, response.text
    assert response.json()["data"]["parts"] == [{"n": float(2**70)}]
