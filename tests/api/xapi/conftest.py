"""An HTTP client for /xapi that sends a key and the version header unless told otherwise."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from lang_portal.service.container import Services
from lang_portal.xapi.auth import NewKey, create_key


class XapiClient:
    def __init__(self, client: TestClient, key: NewKey, version: str = "1.0.3") -> None:
        self.client = client
        self.key = key
        self.version = version

    def headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        headers = {
            "Authorization": self.key.basic_header(),
            "X-Experience-API-Version": self.version,
        }
        headers.update(extra or {})
        return headers

    def request(
        self, method: str, path: str, headers: dict[str, str] | None = None, **kwargs: Any
    ) -> Response:
        return self.client.request(method, "/xapi" + path, headers=self.headers(headers), **kwargs)

    def get(self, path: str, **kwargs: Any) -> Response:
        return self.request("GET", path, **kwargs)

    def head(self, path: str, **kwargs: Any) -> Response:
        return self.request("HEAD", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> Response:
        return self.request("POST", path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> Response:
        return self.request("PUT", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> Response:
        return self.request("DELETE", path, **kwargs)


@pytest.fixture
def xapi_key(services: Services) -> NewKey:
    return create_key(services.context.db, "test suite", services.context.clock.now())


@pytest.fixture
def xapi(client: TestClient, xapi_key: NewKey) -> Iterator[XapiClient]:
    yield XapiClient(client, xapi_key)


@pytest.fixture
def xapi2(client: TestClient, xapi_key: NewKey) -> Iterator[XapiClient]:
    yield XapiClient(client, xapi_key, version="2.0.0")
