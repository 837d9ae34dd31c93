"""An HTTP client that speaks either mount and checks each mount's shape on every answer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient

META_KEYS = {"timestamp", "version", "request_id"}
PAGINATION_KEYS = {"current_page", "total_pages", "total_items", "items_per_page"}


@dataclass
class Answer:
    status: int
    data: Any
    pagination: dict[str, int] | None
    error: dict[str, Any] | None
    headers: Any


class MountClient:
    """Calls `/api/v1` or `/api`, asserts the mount's envelope, and returns the unwrapped body."""

    def __init__(self, client: TestClient, mount: str) -> None:
        self.client = client
        self.mount = mount
        self.prefix = "/api/v1" if mount == "v1" else "/api"

    def call(self, method: str, path: str, **kwargs: Any) -> Answer:
        response = self.client.request(method, self.prefix + path, **kwargs)
        if response.status_code == 204:
            assert response.content == b""
            return Answer(204, None, None, None, response.headers)
        body = response.json()
        if response.status_code >= 400:
            return Answer(response.status_code, None, None, self._error(body), response.headers)
        if self.mount == "v1":
            assert body["status"] == "success"
            assert set(body["meta"]) == META_KEYS
            assert body["meta"]["request_id"] == response.headers["x-request-id"]
            pagination = body.get("pagination")
            assert set(body) <= {"status", "data", "meta", "pagination"}
            data = body["data"]
        else:
            pagination = body.get("pagination") if isinstance(body, dict) else None
            data = body["items"] if pagination is not None else body
            if pagination is not None:
                assert set(body) == {"items", "pagination"}
        if pagination is not None:
            assert set(pagination) == PAGINATION_KEYS
            assert isinstance(data, list)
        return Answer(response.status_code, data, pagination, None, response.headers)

    def _error(self, body: dict[str, Any]) -> dict[str, Any]:
        if self.mount == "v1":
            assert body["status"] == "error"
            assert set(body) == {"status", "error", "meta"}
            assert set(body["meta"]) == META_KEYS
        else:
            assert set(body) == {"error"}
        error: dict[str, Any] = body["error"]
        assert set(error) == {"code", "message", "details"}
        assert isinstance(error["message"], str) and error["message"]
        return error

    def get(self, path: str, **kwargs: Any) -> Answer:
        return self.call("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> Answer:
        return self.call("POST", path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> Answer:
        return self.call("PUT", path, **kwargs)

    def patch(self, path: str, **kwargs: Any) -> Answer:
        return self.call("PATCH", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> Answer:
        return self.call("DELETE", path, **kwargs)


@pytest.fixture(params=["v1", "bare"])
def api(request: pytest.FixtureRequest, client: TestClient) -> MountClient:
    return MountClient(client, request.param)
