"""HTTP Basic on /xapi: neither the Authorization header nor the key's secret reaches a log,
whether the request is served, refused, or fails."""

from __future__ import annotations

import base64
import io
import logging
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from lang_portal.middleware.logging import SpecJsonFormatter
from lang_portal.xapi.auth import NewKey
from tests.api.xapi.conftest import XapiClient


@pytest.fixture
def every_log_line() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(SpecJsonFormatter("api"))
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield stream
    root.removeHandler(handler)
    root.setLevel(level)


def test_xapi_credentials_are_never_logged(
    client: TestClient, xapi: XapiClient, xapi_key: NewKey, every_log_line: io.StringIO
) -> None:
    assert xapi.get("/about").status_code == 200
    assert xapi.get("/statements").status_code == 200
    assert xapi.post("/statements", content=b"{not json").status_code == 400
    wrong = base64.b64encode(f"{xapi_key.username}:not-the-secret-x1".encode()).decode()
    refused = client.get(
        "/xapi/statements",
        headers={"Authorization": f"Basic {wrong}", "X-Experience-API-Version": "1.0.3"},
    )
    assert refused.status_code == 401
    text = every_log_line.getvalue()
    assert "Request processed" in text  # the lines were written
    for secret in (
        xapi_key.secret,
        xapi_key.basic_header().split()[1],
        wrong,
        "not-the-secret-x1",
    ):
        assert secret not in text
