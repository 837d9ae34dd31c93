"""The log line's fields, the request id in the response and meta, 5xx with a stack trace."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from lang_portal.app import create_app
from lang_portal.middleware.logging import SpecJsonFormatter, TextFormatter
from lang_portal.service.container import Services


@pytest.fixture
def log_stream() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(SpecJsonFormatter("api"))
    loggers = [logging.getLogger("lang_portal.access"), logging.getLogger("lang_portal.errors")]
    for logger in loggers:
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
    yield stream
    for logger in loggers:
        logger.removeHandler(handler)


def _lines(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_request_line_has_the_spec_fields(client: TestClient, log_stream: io.StringIO) -> None:
    response = client.get("/api/v1/words?page=1", headers={"X-Request-ID": "abc123"})
    assert response.status_code == 200
    assert response.headers["x-request-id"] == "abc123"
    assert response.json()["meta"]["request_id"] == "abc123"

    (line,) = _lines(log_stream)
    assert set(line) == {"timestamp", "level", "service", "trace_id", "message", "details"}
    assert line["level"] == "info"
    assert line["service"] == "api"
    assert line["trace_id"] == "abc123"
    assert line["message"] == "Request processed"
    assert line["timestamp"].endswith("Z")
    details = line["details"]
    assert (details["method"], details["path"], details["status"]) == ("GET", "/api/v1/words", 200)
    assert isinstance(details["duration_ms"], float) and details["duration_ms"] >= 0


def test_request_id_is_made_when_missing_or_unsafe(
    client: TestClient, log_stream: io.StringIO
) -> None:
    made = client.get("/api/v1/words/999999")
    unsafe = client.get("/api/v1/words/999999", headers={"X-Request-ID": "bad id;forged"})
    for response in (made, unsafe):
        assert response.status_code == 404
        request_id = response.headers["x-request-id"]
        assert len(request_id) == 32 and request_id.isalnum()
        assert response.json()["meta"]["request_id"] == request_id
    assert [line["trace_id"] for line in _lines(log_stream)] == [
        made.headers["x-request-id"],
        unsafe.headers["x-request-id"],
    ]
    assert [line["details"]["status"] for line in _lines(log_stream)] == [404, 404]


def test_a_5xx_is_logged_with_its_stack_trace(services: Services, log_stream: io.StringIO) -> None:
    app = create_app(services.context.settings, services=services)

    def explode() -> None:
        raise RuntimeError("the disk is on fire")

    app.add_api_route("/api/v1/explode", explode)
    with TestClient(app) as client:
        response = client.get("/api/v1/explode", headers={"X-Request-ID": "boom-1"})

    assert response.status_code == 500
    body = response.json()
    assert body["error"] == {
        "code": "INTERNAL_SERVER_ERROR",
        "message": "an internal error occurred",
        "details": {},
    }
    assert body["meta"]["request_id"] == "boom-1"
    assert "fire" not in response.text  # no internals in the body
    assert response.headers["x-request-id"] == "boom-1"
    assert response.headers["x-frame-options"] == "DENY"

    error_line, access_line = _lines(log_stream)
    assert error_line["level"] == "error"
    assert error_line["trace_id"] == "boom-1"
    assert error_line["details"]["error"] == "RuntimeError"
    assert "Traceback" in error_line["details"]["stack_trace"]
    assert "RuntimeError: the disk is on fire" in error_line["details"]["stack_trace"]
    assert access_line["level"] == "error"
    assert access_line["details"]["status"] == 500


def test_text_format_is_readable() -> None:
    record = logging.LogRecord(
        "lang_portal.access", logging.INFO, __file__, 1, "Request processed", None, None
    )
    record.details = {"method": "GET", "status": 200}
    record.trace_id = "t-1"
    line = TextFormatter().format(record)
    assert line.endswith(" INFO    [t-1] Request processed method=GET status=200")
