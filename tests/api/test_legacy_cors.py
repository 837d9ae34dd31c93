"""CORS for the school's frontend (:5173) and typing app (:8080) on the legacy mount.

The middleware itself comes from the ops branch (settings-driven origins whose defaults include
both); these tests pin what the legacy clients need from it.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.helpers import session_body

FRONTEND = "http://localhost:5173"
TYPING_APP = "http://localhost:8080"


@pytest.mark.parametrize("origin", [FRONTEND, TYPING_APP])
@pytest.mark.parametrize("path", ["/study_sessions", "/study_sessions/1/review"])
def test_preflight_of_the_json_posts(client: TestClient, origin: str, path: str) -> None:
    response = client.options(
        path,
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert response.status_code in (200, 204)
    assert response.headers["access-control-allow-origin"] == origin
    assert "POST" in response.headers["access-control-allow-methods"]
    assert "content-type" in response.headers["access-control-allow-headers"].lower()


@pytest.mark.parametrize("origin", [FRONTEND, TYPING_APP])
def test_simple_requests_carry_the_origin(client: TestClient, origin: str) -> None:
    response = client.get("/groups/1/words/raw", headers={"Origin": origin})
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == origin
    created = client.post("/study_sessions", json=session_body(), headers={"Origin": origin})
    assert created.status_code == 201
    assert created.headers["access-control-allow-origin"] == origin


def test_other_origins_are_not_allowed(client: TestClient) -> None:
    response = client.options(
        "/study_sessions",
        headers={"Origin": "http://evil.example", "Access-Control-Request-Method": "POST"},
    )
    assert response.headers.get("access-control-allow-origin") != "http://evil.example"
