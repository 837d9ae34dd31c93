"""How the xAPI door answers: JSON bodies of its own, and the headers every response carries."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Mapping
from typing import Any

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from lang_portal.database import DatabaseUnavailableError
from lang_portal.errors import ApiError
from lang_portal.xapi.errors import XapiError

logger = logging.getLogger("lang_portal.xapi")

JSON = "application/json"


def json_bytes(content: Any) -> bytes:
    return orjson.dumps(content)


class XapiJson(Response):
    media_type = JSON

    def render(self, content: Any) -> bytes:
        return json_bytes(content)


def error_response(
    status: int, body: Mapping[str, Any], headers: Mapping[str, str] | None = None
) -> Response:
    return XapiJson(dict(body), status_code=status, headers=dict(headers or {}))


async def _xapi_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, XapiError)
    return error_response(exc.status, exc.body(), exc.headers)


async def _portal_error(request: Request, exc: Exception) -> Response:
    # The answer pipeline speaks the portal's errors (an expired session, a word's limit).
    assert isinstance(exc, ApiError)
    status = exc.status_code if exc.status_code >= 500 else 400
    if exc.status_code == 409:
        status = 409
    body = {"message": exc.message, "code": exc.code, "details": exc.details_in("en")}
    return error_response(status, body)


async def _request_validation(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    first = exc.errors()[0] if exc.errors() else {"loc": (), "msg": "invalid request"}
    where = ".".join(str(part) for part in first["loc"])
    return error_response(400, {"message": f"{where}: {first['msg']}", "path": where})


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    message = exc.detail if isinstance(exc.detail, str) else "request refused"
    if exc.status_code == 404:
        message = f"no xAPI resource at {request.method} {request.url.path}"
    return error_response(exc.status_code, {"message": message}, getattr(exc, "headers", None))


async def _database_error(request: Request, exc: Exception) -> Response:
    logger.error("database unavailable on %s: %s", request.url.path, exc, exc_info=exc)
    return error_response(503, {"message": "the database is unavailable; try again shortly"})


async def _unexpected(request: Request, exc: Exception) -> Response:
    logger.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(500, {"message": "an internal error occurred"})


def install_xapi_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(XapiError, _xapi_error)
    app.add_exception_handler(ApiError, _portal_error)
    app.add_exception_handler(RequestValidationError, _request_validation)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(DatabaseUnavailableError, _database_error)
    app.add_exception_handler(sqlite3.OperationalError, _database_error)
    app.add_exception_handler(Exception, _unexpected)
