"""The `api` fixture: a client of either mount (tests.helpers.MountClient), on both."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.helpers import MountClient


@pytest.fixture(params=["v1", "bare"])
def api(request: pytest.FixtureRequest, client: TestClient) -> MountClient:
    return MountClient(client, request.param)
