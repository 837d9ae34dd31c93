"""The version lifecycle: the API version in /health and meta, deprecated routes' headers and
their OpenAPI entries (docs/versioning.md)."""

from __future__ import annotations

from datetime import date

import pytest
from fastapi.testclient import TestClient

from lang_portal import API_VERSION
from lang_portal.route_policy import Deprecation

OLD, NEW = "/dashboard/quick_stats", "/dashboard/quick-stats"


def test_api_version_in_health_and_meta(client: TestClient) -> None:
    assert client.get("/health").json()["api_version"] == API_VERSION == "1.0"
    assert client.get("/api/v1/words").json()["meta"]["version"] == API_VERSION


@pytest.mark.parametrize("prefix", ["/api/v1", "/api"])
def test_a_deprecated_route_answers_with_deprecation_and_sunset(
    client: TestClient, prefix: str
) -> None:
    old = client.get(prefix + OLD)
    assert old.status_code == 200
    assert old.headers["deprecation"] == "@1796083200"  # 2026-12-01T00:00:00Z (RFC 9745)
    assert old.headers["sunset"] == "Tue, 01 Jun 2027 00:00:00 GMT"  # RFC 8594
    assert old.headers["link"] == f'<{prefix}{NEW}>; rel="successor-version"'
    new = client.get(prefix + NEW)
    assert new.json() == old.json() or prefix == "/api/v1"  # the envelope's meta differs
    assert "deprecation" not in new.headers and "sunset" not in new.headers


def test_openapi_marks_deprecated_routes(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for prefix in ("/api/v1", "/api"):
        operation = paths[prefix + OLD]["get"]
        assert operation["deprecated"] is True
        assert operation["x-sunset"] == "2027-06-01"
        assert "removed after 2027-06-01" in operation["description"]
        assert "deprecated" not in paths[prefix + NEW]["get"]


def test_six_months_notice_at_least() -> None:
    with pytest.raises(ValueError, match="six months"):
        Deprecation(since=date(2026, 12, 1), sunset=date(2027, 3, 1))


def test_a_browser_script_may_read_the_deprecation_headers(client: TestClient) -> None:
    origin = "http://localhost:5173"
    response = client.get("/api/v1" + OLD, headers={"Origin": origin})
    exposed = {h.strip() for h in response.headers["access-control-expose-headers"].split(",")}
    assert {"Deprecation", "Sunset", "Link"} <= exposed
