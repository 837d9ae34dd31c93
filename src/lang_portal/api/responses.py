"""How a handler's result becomes a body: the one place where each mount's shape is applied.

Handlers return `ApiResult` (data, optional pagination, status). The route class of each mount
renders it: `/api/v1` wraps it in the spec's envelope, `/api` returns it bare, the legacy mount
returns whatever its own module built. Errors take the same path through `render_error`.
"""

from __future__ import annotations

import enum
import functools
import inspect
from collections.abc import Callable, Coroutine, Mapping, MutableMapping, Sequence
from datetime import UTC, datetime
from typing import Any

import orjson
from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from pydantic import BaseModel
from starlette.routing import Match

from lang_portal import API_VERSION
from lang_portal.api.cache import CACHED_ROUTES, CachedBody, ResponseCache, etag_matches
from lang_portal.middleware.request_id import current_request_id
from lang_portal.models.common import (
    BareError,
    Envelope,
    ErrorEnvelope,
    LegacyError,
    ListEnvelope,
    Page,
    Pagination,
)


class Mount(enum.Enum):
    V1 = "v1"  # /api/v1: the spec's envelope
    BARE = "bare"  # /api: the spec's per-endpoint examples, unwrapped
    LEGACY = "legacy"  # the school's earlier Flask contract: {"error": "message"}


JSON_MEDIA_TYPE = "application/json"


def _model_dump(value: Any) -> Any:
    # services and routes may return response models as they are: dumped as the model's JSON
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def dump_json(content: Any) -> bytes:
    return orjson.dumps(content, default=_model_dump, option=orjson.OPT_NON_STR_KEYS)


class JsonResponse(JSONResponse):
    """JSON serialised by orjson: several times faster than the framework's default path."""

    def render(self, content: Any) -> bytes:
        return dump_json(content)


class ApiResult(Response):
    """A handler's result whose body is rendered by the mount that served it."""

    media_type = JSON_MEDIA_TYPE

    def __init__(
        self,
        data: Any,
        *,
        status_code: int = 200,
        pagination: Pagination | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.data = data
        self.pagination = pagination
        super().__init__(content=b"", status_code=status_code, headers=headers)

    def shape(self, mount: Mount) -> None:
        if self.status_code == 204:
            self.body = b""
            self.headers["content-length"] = "0"
            del self.headers["content-type"]
            return
        pagination = None if self.pagination is None else dump_json(self.pagination.as_dict())
        self.set_body(mount, dump_json(self.data), pagination)

    def set_body(self, mount: Mount, data: bytes, pagination: bytes | None) -> None:
        """The mount's body around already serialised parts (the response cache keeps those)."""
        if mount is Mount.V1:
            body = b'{"status":"success","data":' + data + b',"meta":' + dump_json(meta())
            if pagination is not None:
                body += b',"pagination":' + pagination
            body += b"}"
        elif pagination is not None:
            body = b'{"items":' + data + b',"pagination":' + pagination + b"}"
        else:
            body = data
        self.body = body
        self.headers["content-length"] = str(len(body))

    @classmethod
    def from_cache(cls, mount: Mount, entry: CachedBody) -> ApiResult:
        result = cls(None, headers=_cache_headers(entry))
        result.set_body(mount, entry.data, entry.pagination)
        return result


def _cache_headers(entry: CachedBody) -> dict[str, str]:
    # no-cache: a client may keep the body but must revalidate (cheap: 304) before reusing it,
    # because any write can change it.
    return {"etag": entry.etag, "cache-control": "no-cache"}


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


def render_error(
    mount: Mount,
    status_code: int,
    code: str,
    message: str,
    details: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
) -> JsonResponse:
    return JsonResponse(
        error_body(mount, code, message, details), status_code=status_code, headers=headers
    )


# Prefixes a path is matched against, first match wins; longest first.
_PREFIX_MOUNTS: list[tuple[str, Mount]] = [("/api/v1", Mount.V1), ("/api", Mount.BARE)]


def mount_for_path(path: str) -> Mount:
    for prefix, candidate in _PREFIX_MOUNTS:
        if path == prefix or path.startswith(prefix + "/"):
            return candidate
    return Mount.V1


def mount_for_scope(scope: MutableMapping[str, Any]) -> Mount:
    """The mount of the route a request will reach, for middleware that answers before routing.

    The legacy mount shares paths with no prefix (`/words`, `/api/study-sessions`): only the
    app's routes know that `/study_sessions` is legacy, so a refusal there (413, 429, 504) must
    be shaped by the matching route, not the prefix.
    """
    app = scope.get("app")
    for route in getattr(getattr(app, "router", None), "routes", ()):
        mount = getattr(route, "mount", None) or getattr(route, "fixed_mount", None)
        if isinstance(mount, Mount) and isinstance(route, APIRoute):
            match, _ = route.matches(scope)
            if match is not Match.NONE:
                return mount
    return mount_for_path(str(scope.get("path", "")))


def mount_of(request: Request) -> Mount:
    """The mount whose error shape a request gets: its route's, else its path's."""
    mount = getattr(request.scope.get("route"), "mount", None)
    if isinstance(mount, Mount):
        return mount
    return mount_for_path(request.url.path)


_ERROR_STATUSES = {
    400: "The body is not JSON",
    404: "Unknown id or route",
    409: "Duplicate entry",
    413: "The body is over the size limit",
    422: "A field or a business rule refused the request",
    429: "Rate limit exceeded",
    500: "Internal error (no internals in the body)",
    503: "The database is unavailable",
}


def _shape_model(declared: Any, mount: Mount) -> Any:
    """The documented body for a mount: `Page[X]` marks a list, anything else one resource."""
    metadata = getattr(declared, "__pydantic_generic_metadata__", None) or {}
    if metadata.get("origin") is Page:
        (item,) = metadata["args"]
        return ListEnvelope[item] if mount is Mount.V1 else declared  # type: ignore[valid-type]
    return Envelope[declared] if mount is Mount.V1 else declared


# GETs that stay in the thread pool: bulk downloads take seconds and would stall every other
# request of their worker if run on the event loop.
THREAD_POOL_PATHS = ("/export/",)


def on_event_loop(endpoint: Callable[..., Any]) -> Callable[..., Any]:
    """Run a sync read handler on the event loop instead of in the thread pool.

    A GET here is a few indexed SQLite reads (well under a millisecond) that never wait on a
    lock (WAL readers do not block), so the thread hop costs more than the work: measured with
    `make bench`, it more than halves a worker's GET throughput. Writes stay in the pool, where
    waiting for the write lock cannot stall other requests.
    """

    @functools.wraps(endpoint)
    async def run_inline(*args: Any, **kwargs: Any) -> Any:
        return endpoint(*args, **kwargs)

    return run_inline


class ShapedRoute(APIRoute):
    """A route that renders `ApiResult`s, and documents its bodies, in its mount's shape."""

    fixed_mount: Mount = Mount.V1
    mount: Mount

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        mount = self.fixed_mount
        methods = {method.upper() for method in kwargs.get("methods") or ()}
        if (
            methods
            and methods <= {"GET", "HEAD"}
            and not _is_async(endpoint)
            and not any(part in path for part in THREAD_POOL_PATHS)
        ):
            endpoint = on_event_loop(endpoint)
        response_model = kwargs.get("response_model")
        # `list[X]` is no `type` but is a body to wrap all the same (it was served enveloped
        # while documented bare).
        if response_model is not None and mount is not Mount.LEGACY:
            kwargs["response_model"] = _shape_model(response_model, mount)
        # Every mount documents its errors: a client (and the fuzzing) learns each status and
        # its body from the document, the legacy mount's `{"error": message}` included.
        error_model = {Mount.V1: ErrorEnvelope, Mount.BARE: BareError}.get(mount, LegacyError)
        responses = dict(kwargs.get("responses") or {})
        for status, description in _ERROR_STATUSES.items():
            responses.setdefault(status, {"model": error_model, "description": description})
        kwargs["responses"] = responses
        super().__init__(path, endpoint, **kwargs)

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        self.mount = mount = self.fixed_mount
        handler = super().get_route_handler()

        if self._cached(mount):
            return self._cached_handler(mount, handler)

        async def shaped_handler(request: Request) -> Response:
            response = await handler(request)
            if isinstance(response, ApiResult):
                response.shape(mount)
            return response

        return shaped_handler

    def _cached(self, mount: Mount) -> bool:
        if mount is Mount.LEGACY or not (self.methods or set()) <= {"GET", "HEAD"}:
            return False
        prefix = next((p for p, m in _PREFIX_MOUNTS if m is mount), None)
        return prefix is not None and self.path.removeprefix(prefix) in CACHED_ROUTES

    @staticmethod
    def _cached_handler(
        mount: Mount, handler: Callable[[Request], Coroutine[Any, Any, Response]]
    ) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        """Answer from the response cache (api.cache) while the database has not changed."""

        async def cached_handler(request: Request) -> Response:
            state = request.app.state
            cache: ResponseCache | None = getattr(state, "response_cache", None)
            if cache is None:
                cache = state.response_cache = ResponseCache()
            # read before the handler's queries: an entry is never older than its token
            token = state.services.context.db.data_version()
            key = (mount.value, request.url.path, request.url.query)
            entry = cache.get(key, token)
            if entry is None:
                response = await handler(request)
                if not isinstance(response, ApiResult):
                    return response
                if response.status_code != 200:
                    response.shape(mount)
                    return response
                pagination = response.pagination
                entry = cache.put(
                    key,
                    token,
                    dump_json(response.data),
                    None if pagination is None else dump_json(pagination.as_dict()),
                )
            if etag_matches(request.headers.get("if-none-match"), entry.etag):
                return Response(status_code=304, headers=_cache_headers(entry))
            return ApiResult.from_cache(mount, entry)

        return cached_handler


def _is_async(function: Callable[..., Any]) -> bool:
    # not unwrapped: a route copied to another mount already holds the async wrapper
    return inspect.iscoroutinefunction(function)


class V1Route(ShapedRoute):
    fixed_mount = Mount.V1


class BareRoute(ShapedRoute):
    fixed_mount = Mount.BARE


class LegacyRoute(ShapedRoute):
    fixed_mount = Mount.LEGACY


def mounted(sources: Sequence[APIRouter], prefix: str, route_class: type[ShapedRoute]) -> APIRouter:
    """Copy every route of `sources` under `prefix`, shaped for `route_class`'s mount.

    Done by hand rather than with `include_router`, whose copying of routes differs between
    FastAPI releases; here each mount is certain to get its own route objects.
    """
    target = APIRouter(route_class=route_class)
    for route in (route for source in sources for route in source.routes):
        if not isinstance(route, APIRoute):
            continue
        target.add_api_route(
            prefix + route.path,
            route.endpoint,
            response_model=route.response_model,
            status_code=route.status_code,
            tags=list(route.tags),
            summary=route.summary,
            description=route.description,
            response_description=route.response_description,
            responses=dict(route.responses),
            deprecated=route.deprecated,
            methods=sorted(route.methods or ()),
            include_in_schema=route.include_in_schema,
            name=route.name,
            openapi_extra=route.openapi_extra,
        )
    return target
