"""Every error, the framework's own included, in the envelope of the mount it came through."""

from __future__ import annotations

import logging
import math
import sqlite3
from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from lang_portal.database import (
    DatabaseUnavailableError,
    WritesSuspendedError,
    storage_fault,
)
from lang_portal.errors import ApiError
from lang_portal.i18n import DEFAULT_LANGUAGE, Text, TextError, catalog, headers_language
from lang_portal.mounts import Mount, mount_of, render_error

logger = logging.getLogger("lang_portal.errors")

_HTTP_CODES = {
    400: "INVALID_INPUT",
    404: "RESOURCE_NOT_FOUND",
    405: "INVALID_INPUT",
    413: "INVALID_INPUT",
    415: "INVALID_INPUT",
    429: "RATE_LIMIT_EXCEEDED",
}


# The legacy contract knows three statuses. Anything else a client sent wrong is 400 (422 field
# checks and business rules, 409, 413, 415), and a server-side failure is 500 (503). 429 keeps
# its status: Retry-After means nothing on a 400; so does 405, whose `Allow` HTTP clients read.
_LEGACY_KEPT_STATUSES = frozenset({400, 404, 405, 429, 500})


def _respond(
    request: Request,
    status_code: int,
    code: str,
    message: Text,
    details: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    mount = mount_of(request)
    language = headers_language(request.headers)
    if mount is Mount.LEGACY:
        if status_code not in _LEGACY_KEPT_STATUSES:
            status_code = 500 if status_code >= 500 else 400
        # Its body is the message alone, so the message carries what each field did wrong.
        if code == "VALIDATION_FAILED" and details:
            message = Text(
                "errors.legacy.field_problems",
                problems=localized_problems(details, language),
            )
    return render_error(mount, status_code, code, message, details, headers, language=language)


def localized_problems(details: Mapping[str, Any], language: str) -> str:
    return "; ".join(
        f"{field}: {problem.render(language) if isinstance(problem, Text) else problem}"
        for field, problem in details.items()
    )


def _field_name(location: tuple[Any, ...]) -> str:
    parts = [str(part) for part in location if part not in ("body", "query", "path", "header")]
    return ".".join(parts) or "body"


async def handle_api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return _respond(request, exc.status_code, exc.code, exc.text, exc.details)


def field_problem(error: Mapping[str, Any], language: str) -> str | Text:
    """One field's problem from pydantic: ours by its message key, pydantic's by its `type`.

    English is pydantic's own text (clients read it); another language has the catalog's
    `pydantic.<type>` with the error's context values, or else pydantic's English.
    """
    cause = (error.get("ctx") or {}).get("error")
    if isinstance(cause, TextError):
        return cause.text
    message = str(error["msg"]).removeprefix("Value error, ")
    if language == DEFAULT_LANGUAGE:
        return message
    key = f"pydantic.{error['type']}"
    if key not in catalog(language):
        return message
    context = {name: _context_value(value) for name, value in (error.get("ctx") or {}).items()}
    return Text(key, **context)


def _context_value(value: Any) -> Any:
    return value if isinstance(value, int | float | str) else str(value)


async def handle_validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors = list(exc.errors())
    language = headers_language(request.headers)
    if any(error["loc"][:1] == ("path",) for error in errors):
        if request.scope.get("path", "") in _fixed_paths(request):
            # `GET /api/study-sessions/reset` is a method the fixed path lacks, not a session
            # id: the document knows the path by itself alone.
            return _method_not_allowed(request, {})
        return _respond(
            request,
            404,
            "RESOURCE_NOT_FOUND",
            Text("errors.not_found.resource_id"),
            {_field_name(e["loc"]): field_problem(e, language) for e in errors},
        )
    body_unreadable = any(
        error["type"] == "json_invalid"
        or (error["loc"] == ("body",) and error["type"] in ("missing", "model_attributes_type"))
        for error in errors
    )
    if body_unreadable:
        return _respond(
            request,
            400,
            "INVALID_INPUT",
            Text("errors.invalid_input.body_not_json_object"),
            {"body": field_problem(errors[0], language)},
        )
    details: dict[str, str | Text] = {}
    for error in errors:
        details.setdefault(_field_name(error["loc"]), field_problem(error, language))
    return _respond(
        request, 422, "VALIDATION_FAILED", Text("errors.validation.invalid_fields"), details
    )


async def handle_http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    code = _HTTP_CODES.get(
        exc.status_code, "INTERNAL_SERVER_ERROR" if exc.status_code >= 500 else "INVALID_INPUT"
    )
    headers = getattr(exc, "headers", None)
    details: dict[str, Any] = {}
    message = _http_message(exc)
    if exc.status_code == 404:
        message = Text("errors.not_found.route", method=request.method, path=request.url.path)
    elif exc.status_code == 405:
        return _method_not_allowed(request, headers or {})
    return _respond(request, exc.status_code, code, message, details, headers=headers)


def _method_not_allowed(request: Request, headers: Mapping[str, str]) -> Response:
    allowed = allowed_methods(request)
    return _respond(
        request,
        405,
        "INVALID_INPUT",
        Text(
            "errors.invalid_input.method_not_allowed", method=request.method, path=request.url.path
        ),
        {"allowed_methods": allowed},
        headers={**headers, "Allow": ", ".join(allowed)},
    )


def _http_message(exc: StarletteHTTPException) -> Text:
    """The framework's refusals: its English `detail`, in other languages a sentence around it."""
    limit = getattr(exc, "limit", None)
    if exc.status_code == 413 and limit is not None:
        return Text("errors.invalid_input.body_too_large", limit=limit)
    detail = exc.detail if isinstance(exc.detail, str) else "request refused"
    if exc.status_code in (400, 413, 415):
        return Text(f"errors.http.{exc.status_code}", detail=detail)
    return Text("errors.http.refused", detail=detail)


def _fixed_paths(request: Request) -> set[str]:
    return {
        path
        for route in request.app.routes
        if getattr(route, "methods", None) and "{" not in (path := getattr(route, "path", "{"))
    }


def allowed_methods(request: Request) -> list[str]:
    """Every method some route answers on the request's path (a path may span several routes).

    The router stops at the first route whose path matches, so its `Allow` would name that
    route's methods alone; a path such as `/api/groups` has a GET route and a POST route.
    """
    path = request.scope.get("path", "")
    by_parameters: dict[int, set[str]] = {}
    for route in request.app.routes:
        route_methods = getattr(route, "methods", None)
        path_regex = getattr(route, "path_regex", None)
        if route_methods and path_regex is not None and path_regex.match(path):
            parameters = getattr(route, "path", "").count("{")
            by_parameters.setdefault(parameters, set()).update(route_methods)
    # A fixed path is its own resource, as in the document: `/api/study-sessions/reset` is
    # not also `/api/study-sessions/{session_id}`.
    return sorted(by_parameters[min(by_parameters)]) if by_parameters else []


# Each storage fault's message is `errors.database.<reason>` in the catalog.
_FAULT_REASONS = frozenset(
    {"disk_full", "read_only", "io_error", "corrupt", "busy", "missing_directory", "unavailable"}
)


async def handle_database_error(request: Request, exc: Exception) -> Response:
    if isinstance(exc, WritesSuspendedError):
        retry_after = math.ceil(exc.retry_after)
        return _respond(
            request,
            503,
            "DATABASE_ERROR",
            Text("errors.database.writes_suspended"),
            {"reason": exc.reason, "mode": "read_only", "retry_after": retry_after},
            headers={"Retry-After": str(retry_after)},
        )
    busy = str(getattr(exc, "sqlite_errorname", "")).startswith("SQLITE_BUSY")
    reason = storage_fault(exc) or ("busy" if busy else "unavailable")
    if reason == "unavailable":
        # "cannot open" says little; the file system can say why (read-only, no directory).
        reason = request.app.state.services.context.db.write_problem() or reason
    logger.error("database unavailable (%s): %s", reason, exc, exc_info=exc)
    message = Text(f"errors.database.{reason if reason in _FAULT_REASONS else 'unavailable'}")
    return _respond(request, 503, "DATABASE_ERROR", message, {"reason": reason})


async def handle_unexpected(request: Request, exc: Exception) -> Response:
    logger.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return _respond(request, 500, "INTERNAL_SERVER_ERROR", Text("errors.server.internal"), {})


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ApiError, handle_api_error)
    app.add_exception_handler(RequestValidationError, handle_validation_error)
    app.add_exception_handler(StarletteHTTPException, handle_http_error)
    app.add_exception_handler(DatabaseUnavailableError, handle_database_error)
    app.add_exception_handler(sqlite3.OperationalError, handle_database_error)
    app.add_exception_handler(Exception, handle_unexpected)
