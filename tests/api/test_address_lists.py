"""IP_ALLOWLIST: never rate limited; IP_BLOCKLIST: 403 in the mount's shape, before anything."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from lang_portal.app import create_app
from lang_portal.service.container import Services
from lang_portal.settings import SettingsError, load_settings


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {
        "rate_limit_enabled": True,
        "rate_limit_requests": 3,
        "rate_limit_duration": 3600,
        "rate_limit_burst": 0,
        "rate_limit_strategy": "moving-window",
        "ip_allowlist": "10.1.0.0/16, 192.0.2.7",
        "ip_blocklist": "203.0.113.0/24,2001:db8::/32",
    }


def _client(services: Services, address: str) -> TestClient:
    # Without `with`: the lifespan (which closes the database at the end) does not run.
    app = create_app(services.context.settings, services=services)
    return TestClient(app, client=(address, 5000))


def test_allowed_addresses_are_never_limited(services: Services) -> None:
    app = create_app(services.context.settings, services=services)
    allowed = TestClient(app, client=("10.1.44.2", 5000))
    single = TestClient(app, client=("192.0.2.7", 5000))
    other = TestClient(app, client=("10.2.0.1", 5000))
    for _ in range(10):
        response = allowed.get("/api/v1/words")
        assert response.status_code == 200
        assert "x-ratelimit-limit" not in response.headers  # not counted at all
    assert all(single.get("/api/v1/words").status_code == 200 for _ in range(5))
    assert [other.get("/api/v1/words").status_code for _ in range(4)] == [200, 200, 200, 429]


@pytest.mark.parametrize("address", ["203.0.113.9", "2001:db8::5", "::ffff:203.0.113.1"])
def test_blocked_addresses_get_403_in_each_mount_shape(services: Services, address: str) -> None:
    client = _client(services, address)
    v1 = client.get("/api/v1/words")
    assert v1.status_code == 403
    assert v1.json()["status"] == "error"
    assert v1.json()["error"]["code"] == "FORBIDDEN"
    assert v1.headers["x-request-id"] and v1.headers["x-frame-options"] == "DENY"
    bare = client.post("/api/groups", json={"name": "Blocked"})
    assert bare.status_code == 403
    assert set(bare.json()) == {"error"} and bare.json()["error"]["code"] == "FORBIDDEN"
    legacy = client.get("/words")
    assert legacy.status_code == 403
    assert legacy.json() == {"error": "requests from this address are refused"}
    assert client.get("/health").status_code == 403
    # the refused write stored nothing
    names = [g["name"] for g in _client(services, "10.1.0.1").get("/api/groups").json()["items"]]
    assert "Blocked" not in names


def test_neighbours_of_a_blocked_network_are_served(services: Services) -> None:
    assert _client(services, "203.0.114.1").get("/api/v1/words").status_code == 200


def test_a_bad_address_is_refused_at_start() -> None:
    with pytest.raises(SettingsError, match="IP_BLOCKLIST"):
        load_settings(ip_blocklist="10.0.0.300")
