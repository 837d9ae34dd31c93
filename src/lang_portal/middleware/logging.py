"""Logs: one line per request in the spec's JSON shape, and every 5xx with its stack trace.

`configure_logging` installs the formatter on the root logger, so the server's own loggers
(uvicorn's) write the same shape, to stderr and, with LOG_FILE, to a file rotated at
LOG_FILE_MAX_MB with LOG_FILE_BACKUPS kept (safe with several workers: rotation takes a file
lock). Both formatters mask sensitive values (`mask`): passwords, tokens, API keys, secrets,
any Authorization header, in `details`, in messages and in stack traces alike. `log_request`
writes the request line; `UnhandledErrorMiddleware` sits innermost and turns an exception into
the mount's 500 body, so the outer middlewares (request id, security headers, metrics) still
see a response.
"""

from __future__ import annotations

import logging
import re
import sys
from datetime import UTC, datetime
from typing import Any

from concurrent_log_handler import ConcurrentRotatingFileHandler
from pythonjsonlogger.core import LogData
from pythonjsonlogger.orjson import OrjsonFormatter
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from lang_portal.i18n import Text, scope_language
from lang_portal.mounts import current_request_id, mount_for_scope, render_error
from lang_portal.settings import Settings

ACCESS_LOGGER = "lang_portal.access"
ERROR_LOGGER = "lang_portal.errors"

access_logger = logging.getLogger(ACCESS_LOGGER)
error_logger = logging.getLogger(ERROR_LOGGER)


MASK = "***"
# A key naming any of these (any case, - or _) has its value masked wherever it appears.
SENSITIVE_KEY_PARTS = (
    "password",
    "passwd",
    "secret",
    "token",
    "api_key",
    "apikey",
    "authorization",
    "cookie",
    "credential",
)
_SENSITIVE_IN_TEXT = [
    # Authorization: Basic dXNlcjpwYXNz / authorization=Bearer abc / ('authorization', 'Basic x')
    (
        re.compile(
            r"(?i)(\b(?:proxy-)?authorization\b[\"']?(?:\s*[:=,]\s*|\s+)(?:b?[\"'])?)"
            r"(?:(basic|bearer|digest|token)\s+)?[^\s\"',;)}]+"
        ),
        lambda m: f"{m[1]}{m[2] + ' ' if m[2] else ''}{MASK}",
    ),
    # password=..., "api_key": "...", token: ..., client_secret=...
    (
        re.compile(
            r"(?i)(\b[\w-]*(?:password|passwd|secret|token|api[_-]?key|apikey)[\w-]*[\"']?"
            r"\s*[:=]\s*(?:b?[\"'])?)[^\s\"'&,;)}]+"
        ),
        lambda m: f"{m[1]}{MASK}",
    ),
    # credentials in a URL: scheme://user:secret@host
    (re.compile(r"(://[^/\s:@]+:)[^@\s/]+@"), lambda m: f"{m[1]}{MASK}@"),
]


def sensitive_key(key: object) -> bool:
    name = str(key).lower().replace("-", "_")
    return any(part in name for part in SENSITIVE_KEY_PARTS)


def mask_text(text: str) -> str:
    for pattern, replacement in _SENSITIVE_IN_TEXT:
        text = pattern.sub(replacement, text)
    return text


def mask(value: Any) -> Any:
    """`value` with every sensitive part masked: by key in mappings, by pattern in text."""
    if isinstance(value, dict):
        return {k: MASK if sensitive_key(k) else mask(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        if (
            len(value) == 2
            and isinstance(value[0], str | bytes)
            and sensitive_key(
                value[0].decode("latin-1") if isinstance(value[0], bytes) else value[0]
            )
        ):
            return [value[0] if isinstance(value[0], str) else value[0].decode("latin-1"), MASK]
        return [mask(item) for item in value]
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, bytes):
        return mask_text(value.decode("latin-1"))
    return value


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
        details: dict[str, Any] = mask(dict(getattr(record, "details", None) or {}))
        if record.name != ACCESS_LOGGER:
            details.setdefault("logger", record.name)
        if "exc_info" in message_dict:
            details["stack_trace"] = mask_text(message_dict["exc_info"])
            if record.exc_info and record.exc_info[0] is not None:
                details.setdefault("error", record.exc_info[0].__name__)
        log_record["timestamp"] = _timestamp(record.created)
        log_record["level"] = record.levelname.lower()
        log_record["service"] = self.service
        log_record["trace_id"] = getattr(record, "trace_id", None) or current_request_id()
        log_record["message"] = mask_text(record.message)
        log_record["details"] = details


class TextFormatter(logging.Formatter):
    """Readable lines for development: time, level, trace id, message, details."""

    def format(self, record: logging.LogRecord) -> str:
        trace_id = getattr(record, "trace_id", None) or current_request_id() or "-"
        details = mask(dict(getattr(record, "details", None) or {}))
        extra = " ".join(f"{key}={value}" for key, value in details.items())
        line = (
            f"{_timestamp(record.created)} {record.levelname:<7} [{trace_id}] "
            f"{record.getMessage()}{' ' + extra if extra else ''}"
        )
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return mask_text(line)


def log_file_handler(settings: Settings) -> logging.Handler | None:
    """The rotating log file, or None without LOG_FILE. Every worker process writes to it;
    the handler's lock file keeps their rotations from colliding."""
    if settings.log_file is None:
        return None
    settings.log_file.parent.mkdir(parents=True, exist_ok=True)
    return ConcurrentRotatingFileHandler(
        str(settings.log_file),
        maxBytes=settings.log_file_max_mb * 1024 * 1024,
        backupCount=settings.log_file_backups,
        encoding="utf-8",
    )


def configure_logging(settings: Settings) -> None:
    """Route every logger through one handler on stderr (and the log file) in the format."""
    formatter: logging.Formatter = (
        SpecJsonFormatter(settings.log_service_name)
        if settings.log_format == "json"
        else TextFormatter()
    )
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    file_handler = log_file_handler(settings)
    if file_handler is not None:
        handlers.append(file_handler)
    root = logging.getLogger()
    for existing in list(root.handlers):
        root.removeHandler(existing)
        existing.close()
    for handler in handlers:
        handler.setFormatter(formatter)
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
                Text("errors.server.internal"),
                {},
                language=scope_language(scope),
            )
            await response(scope, receive, send)
