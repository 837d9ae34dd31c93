"""What the routes and the middleware both need to answer a request in its mount's shape.

The request's id, the mount a request is answered through, JSON rendering, and the error body
of each mount. The routes (`api/`) and the middleware (`middleware/`) import this module and
neither imports the other.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, MutableMapping
from contextvars import ContextVar, Token
from datetime import UTC, datetime
from typing import Any

import orjson
from fastapi import Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.routing import BaseRoute, Match

from lang_portal import API_VERSION
from lang_portal.i18n import Text, localize

JSON_MEDIA_TYPE = "application/json"


class Mount(enum.Enum):
    V1 = "v1"  # /api/v1: the spec's envelope
    BARE = "bare"  # /api: the spec's per-endpoint examples, unwrapped
    LEGACY = "legacy"  # the school's earlier Flask contract: {"error": "message"}


# Prefixes a path is matched against, first match wins; longest first.
PREFIX_MOUNTS: tuple[tuple[str, Mount], ...] = (("/api/v1", Mount.V1), ("/api", Mount.BARE))

# -- the request id -----------------------------------------------------------------------------

_request_id: ContextVar[str | None] = ContextVar("request_id", default=None)


def current_request_id() -> str | None:
    return _request_id.get()


def bind_request_id(request_id: str) -> Token[str | None]:
    return _request_id.set(request_id)


def unbind_request_id(token: Token[str | None]) -> None:
    _request_id.reset(token)


# -- bodies -------------------------------------------------------------------------------------


def _encode(value: Any) -> Any:
    """What orjson cannot write itself (it does dataclasses): a pydantic model, by alias.

    Its fields by name or alias, the values left to orjson (a nested model comes back here):
    several times cheaper than `model_dump`. Result models hold JSON types and dataclasses only.
    """
    if isinstance(value, BaseModel):
        return {
            field.alias or name: getattr(value, name)
            for name, field in type(value).model_fields.items()
        }
    if isinstance(value, Text):
        return str(value)  # a message no handler localised: English
    raise TypeError(f"cannot serialise {type(value).__name__} as JSON")


def dump_json(content: Any) -> bytes:
    return orjson.dumps(content, default=_encode, option=orjson.OPT_NON_STR_KEYS)


class JsonResponse(JSONResponse):
    """JSON serialised by orjson: several times faster than the framework's default path."""

    def render(self, content: Any) -> bytes:
        return dump_json(content)


def meta() -> dict[str, Any]:
    return {
        "timestamp": datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        "version": API_VERSION,
        "request_id": current_request_id(),
    }


def error_body(
    mount: Mount, code: str, message: str, details: Mapping[str, Any] | None
) -> dict[str, Any]:
    error = {"code": code, "message": message, "details": dict(details or {})}
    if mount is Mount.V1:
        return {"status": "error", "error": error, "meta": meta()}
    if mount is Mount.LEGACY:
        return {"error": message}
    return {"error": error}


def language_headers(language: str) -> dict[str, str]:
    """What a body in the request's language says about it, for clients and caches."""
    return {"Content-Language": language, "Vary": "Accept-Language"}


def render_error(
    mount: Mount,
    status_code: int,
    code: str,
    message: Text,
    details: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
    *,
    language: str,
) -> JsonResponse:
    """The mount's error body, its message (and any `Text` in `details`) in `language`."""
    body = error_body(mount, code, message.render(language), localize(details or {}, language))
    return JsonResponse(
        body, status_code=status_code, headers={**language_headers(language), **(headers or {})}
    )


# -- which mount, which route -------------------------------------------------------------------


def mount_for_path(path: str) -> Mount:
    for prefix, candidate in PREFIX_MOUNTS:
        if path == prefix or path.startswith(prefix + "/"):
            return candidate
    return Mount.V1


def matched_route(scope: MutableMapping[str, Any]) -> tuple[Match, BaseRoute | None]:
    """The route a request will reach, for middleware that runs before routing.

    A full match wins; else the first partial one (the path matched, the method did not).
    Groups of routes (api.route_table) put the member that matched in the child scope.
    """
    app = scope.get("app")
    partial: BaseRoute | None = None
    for route in getattr(getattr(app, "router", None), "routes", ()):
        match, child_scope = route.matches(scope)
        if match is Match.FULL:
            return match, child_scope.get("route", route)
        if match is Match.PARTIAL and partial is None:
            partial = child_scope.get("route", route)
    return (Match.NONE, None) if partial is None else (Match.PARTIAL, partial)


def route_mount(route: object, path: str) -> Mount:
    """The mount of a route (its error shape too); for no route, the mount of its path."""
    mount = getattr(route, "mount", None)
    if isinstance(mount, Mount):
        return mount
    return mount_for_path(path)


def mount_for_scope(scope: MutableMapping[str, Any]) -> Mount:
    """The mount of the route a request will reach, for middleware that answers before routing.

    The legacy mount shares paths with no prefix (`/words`, `/api/study-sessions`): only the
    app's routes know that `/study_sessions` is legacy, so a refusal there (413, 429, 504) must
    be shaped by the matching route, not the prefix.
    """
    return route_mount(matched_route(scope)[1], str(scope.get("path", "")))


def mount_of(request: Request) -> Mount:
    """The mount whose error shape a routed request gets."""
    return route_mount(request.scope.get("route"), request.url.path)
