"""Logs: one line per request in the spec's JSON shape, and every 5xx with its stack trace.

`configure_logging` installs the formatter on the root logger, so the server's own loggers
(uvicorn's) write the same shape. `log_request` writes the request line;
`UnhandledErrorMiddleware` sits innermost and turns an exception into the mount's 500 body, so
the outer middlewares (request id, security headers, metrics) still see a response.
"""

from __future__ import annotations

import logging
import sys
from datetime import UTC, datetime
from typing import Any

from pythonjsonlogger.core import LogData
from pythonjsonlogger.orjson import OrjsonFormatter
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from lang_portal.mounts import current_request_id, mount_for_scope, render_error
from lang_portal.settings import Settings

ACCESS_LOGGER = "lang_portal.access"
ERROR_LOGGER = "lang_portal.errors"

access_logger = logging.getLogger(ACCESS_LOGGER)
error_logger = logging.getLogger(ERROR_LOGGER)


def _timestamp(created: float) -> str:
    moment = datetime.fromtimestamp(created, UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


class SpecJsonFormatter(OrjsonFormatter):
    """`{timestamp, level, service, trace_id, message, details}`, the spec's logging format."""

    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def add_fields(
        self, log_record: LogData, record: logging.LogRecord, message_dict: dict[str, Any]
    ) -> None:
        details: dict[str, Any] = dict(getattr(record, "details", None) or {})
        if record.name != ACCESS_LOGGER:
            details.setdefault("logger", record.name)
        if "exc_info" in message_dict:
            details["stack_trace"] = message_dict["exc_info"]
            if record.exc_info and record.exc_info[0] is not None:
                details.setdefault("error", record.exc_info[0].__name__)
        log_record["timestamp"] = _timestamp(record.created)
        log_record["level"] = record.levelname.lower()
        log_record["service"] = self.service
        log_record["trace_id"] = getattr(record, "trace_id", None) or current_request_id()
        log_record["message"] = record.message
        log_record["details"] = details


class TextFormatter(logging.Formatter):
    """Readable lines for development: time, level, trace id, message, details."""

    def format(self, record: logging.LogRecord) -> str:
        trace_id = getattr(record, "trace_id", None) or current_request_id() or "-"
        details = getattr(record, "details", None) or {}
        extra = " ".join(f"{key}={value}" for key, value in details.items())
        line = (
            f"{_timestamp(record.created)} {record.levelname:<7} [{trace_id}] "
            f"{record.getMessage()}{' ' + extra if extra else ''}"
        )
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


def configure_logging(settings: Settings) -> None:
    """Route every logger through one handler on stderr in the configured format."""
    handler = logging.StreamHandler(sys.stderr)
    formatter: logging.Formatter = (
        SpecJsonFormatter(settings.log_service_name)
        if settings.log_format == "json"
        else TextFormatter()
    )
    handler.setFormatter(formatter)
    root = logging.getLogger()
    for existing in list(root.handlers):
        root.removeHandler(existing)
    root.addHandler(handler)
    root.setLevel(settings.log_level.upper())
    # The server's loggers write through ours; its access log repeats ours, so it is off.
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        server_logger = logging.getLogger(name)
        server_logger.handlers.clear()
        server_logger.propagate = True
    logging.getLogger("uvicorn.access").disabled = True


def _client(scope: Scope) -> str | None:
    client = scope.get("client")
    return str(client[0]) if client else None


def log_request(scope: Scope, status: int, seconds: float) -> None:
    """The access log line of one HTTP request (an observer of middleware.observe)."""
    level = logging.ERROR if status >= 500 else logging.INFO
    if access_logger.isEnabledFor(level):
        access_logger.log(
            level,
            "Request processed",
            extra={
                "details": {
                    "method": scope["method"],
                    "path": scope["path"],
                    "duration_ms": round(seconds * 1000, 3),
                    "status": status,
                    "client": _client(scope),
                    "user_agent": _header(scope, b"user-agent"),
                }
            },
        )


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            return str(value.decode("latin-1"))
    return None


class UnhandledErrorMiddleware:
    """Innermost: an exception that escaped every handler becomes a logged 500 in the mount's
    shape here, rather than in the framework's outermost layer where our headers are lost."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        response_started = False

        async def send_tracking(message: Message) -> None:
            nonlocal response_started
            if message["type"] == "http.response.start":
                response_started = True
            await send(message)

        try:
            await self.app(scope, receive, send_tracking)
        except Exception as exc:
            error_logger.error(
                "unhandled error on %s %s",
                scope["method"],
                scope["path"],
                exc_info=exc,
                extra={"details": {"method": scope["method"], "path": scope["path"]}},
            )
            if response_started:
                raise  # too late for a clean 500: let the server drop the connection
            response = render_error(
                mount_for_scope(scope),
                500,
                "INTERNAL_SERVER_ERROR",
                "an internal error occurred",
                {},
            )
            await response(scope, receive, send)
