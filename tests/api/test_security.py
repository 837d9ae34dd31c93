"""Security headers on every response, CORS for the local frontends, 413, gzip, timeout."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import anyio
import pytest
from fastapi.testclient import TestClient

from lang_portal.app import create_app
from lang_portal.service.container import Services
from tests.helpers import session_body

SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "x-xss-protection": "1; mode=block",
    "strict-transport-security": "max-age=31536000",
}


def _assert_security_headers(response: Any) -> None:
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get(name) == value, (response.url, name)
    assert response.headers["content-security-policy"].startswith("default-src 'self'")


@pytest.mark.parametrize(
    ("method", "path", "body", "status"),
    [
        ("GET", "/api/v1/words", None, 200),
        ("GET", "/api/groups/1", None, 200),
        ("POST", "/api/v1/study_sessions", session_body(), 201),
        ("GET", "/api/v1/words/999999", None, 404),
        ("GET", "/nowhere", None, 404),
        ("POST", "/api/v1/groups", {"name": ""}, 422),
        ("POST", "/api/v1/groups", "not json", 400),
        ("DELETE", "/health", None, 405),
        ("GET", "/health", None, 200),
        ("GET", "/metrics", None, 200),
        ("GET", "/swagger/index.html", None, 200),
        ("GET", "/openapi.json", None, 200),
    ],
)
def test_security_headers_on_every_response(
    client: TestClient, method: str, path: str, body: Any, status: int
) -> None:
    if isinstance(body, str):
        response = client.request(
            method, path, content=body, headers={"content-type": "application/json"}
        )
    else:
        response = client.request(method, path, json=body)
    assert response.status_code == status
    _assert_security_headers(response)
    assert response.headers["x-request-id"]


def test_swagger_page_may_run_its_inline_script(client: TestClient) -> None:
    page = client.get("/swagger/index.html")
    assert "script-src 'self' 'unsafe-inline'" in page.headers["content-security-policy"]
    assert client.get("/api/v1/words").headers["content-security-policy"] == "default-src 'self'"


def test_oversized_body_is_refused_with_413(client: TestClient) -> None:
    big = b'{"name": "' + b"a" * (1024 * 1024) + b'"}'
    response = client.post(
        "/api/v1/groups", content=big, headers={"content-type": "application/json"}
    )
    assert response.status_code == 413
    _assert_security_headers(response)
    assert response.json()["error"]["code"] == "INVALID_INPUT"
    assert response.json()["error"]["details"] == {"max_bytes": 1048576}
    assert client.get("/api/v1/groups").json()["pagination"]["total_items"] == 2


def test_oversized_streamed_body_is_refused_with_413(client: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"name": "'
        for _ in range(20):
            yield b"a" * 65536
        yield b'"}'

    response = client.post(
        "/api/groups", content=chunks(), headers={"content-type": "application/json"}
    )
    assert "content-length" not in response.request.headers
    assert response.status_code == 413
    assert set(response.json()) == {"error"}  # the bare mount's shape
    assert response.json()["error"]["code"] == "INVALID_INPUT"


def test_a_body_just_under_the_limit_is_read(client: TestClient) -> None:
    body = ('{"name": "Animals"' + " " * (1024 * 1024 - 100) + "}").encode()
    assert len(body) < 1024 * 1024
    response = client.post(
        "/api/v1/groups", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 201


@pytest.mark.parametrize("origin", ["http://localhost:5173", "http://localhost:8080"])
def test_cors_preflight_from_the_local_frontends(client: TestClient, origin: str) -> None:
    response = client.options(
        "/api/v1/study_sessions",
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type, x-request-id",
        },
    )
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == origin
    assert "POST" in response.headers["access-control-allow-methods"]
    assert "content-type" in response.headers["access-control-allow-headers"].lower()
    _assert_security_headers(response)

    actual = client.get("/api/v1/words", headers={"Origin": origin})
    assert actual.headers["access-control-allow-origin"] == origin
    assert "X-RateLimit-Remaining" in actual.headers["access-control-expose-headers"]


def test_cors_refuses_other_origins(client: TestClient) -> None:
    response = client.options(
        "/api/v1/words",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "GET"},
    )
    assert response.status_code == 400
    assert "access-control-allow-origin" not in response.headers


def test_large_responses_are_gzipped_small_ones_not(client: TestClient) -> None:
    large = client.get("/openapi.json", headers={"Accept-Encoding": "gzip"})
    assert large.headers["content-encoding"] == "gzip"
    assert large.json()["info"]["title"] == "lang-portal API"  # the client undid the gzip
    assert int(large.headers["content-length"]) < len(large.content)
    small = client.get("/api/v1/groups/1", headers={"Accept-Encoding": "gzip"})
    assert len(small.content) < 1024
    assert "content-encoding" not in small.headers


def test_a_request_over_the_timeout_gets_504(services: Services) -> None:
    quick = services.context.settings.model_copy(update={"request_timeout_seconds": 0.2})
    app = create_app(quick, services=services)
    never = anyio.Event()

    async def stuck() -> None:
        await never.wait()

    app.add_api_route("/api/v1/stuck", stuck)
    with TestClient(app) as client:
        response = client.get("/api/v1/stuck")
        assert response.status_code == 504
        assert response.json()["error"]["details"] == {"timeout_seconds": 0.2}
        _assert_security_headers(response)
        assert client.get("/api/v1/words").status_code == 200
