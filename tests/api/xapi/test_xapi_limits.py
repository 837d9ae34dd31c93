"""The portal's limits and xAPI's: no rate limit under /xapi, its own body limit."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.xapi.conftest import XapiClient
from tests.api.xapi.statements_data import statement


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {
        "rate_limit_enabled": True,
        "rate_limit_requests": 5,
        "rate_limit_burst": 0,
        "xapi_max_request_size": 2000,
        "max_request_size": 100,
    }


def test_xapi_is_not_rate_limited_where_the_portal_is(client: TestClient, xapi: XapiClient) -> None:
    for _ in range(12):
        assert xapi.get("/statements", params={"limit": 1}).status_code == 200
    statuses = [client.get("/api/v1/groups").status_code for _ in range(8)]
    assert 429 in statuses


def test_xapi_body_limit_is_its_own(xapi: XapiClient) -> None:
    # over the portal's 100 bytes, under xAPI's 2000
    assert xapi.post("/statements", json=statement()).status_code == 200
    big = statement(result={"response": "x" * 3000})
    response = xapi.post("/statements", json=big)
    assert response.status_code == 413
    assert "2000" in response.json()["message"]
    assert response.headers["X-Experience-API-Version"] == "1.0.3"
