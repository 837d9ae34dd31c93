"""The route class of each mount, and the copying of the declared routes onto the mounts.

A route module declares its routes once, each with its policy (lang_portal.route_policy);
`mounted` copies them under a prefix as routes of a mount's class, which render `ApiResult`s
in the mount's shape (api.rendering), document their bodies likewise (api.documentation),
run the handler where the policy says, and answer from the response cache when it says so.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Coroutine, Sequence
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.routing import APIRoute

from lang_portal.api.cache import cached_handler
from lang_portal.api.documentation import document
from lang_portal.api.rendering import ApiResult
from lang_portal.mounts import Mount
from lang_portal.profiling import profiled_in_thread
from lang_portal.route_policy import DeclaredRoute, Deprecation, RoutePolicy, Runs


def on_event_loop(endpoint: Callable[..., Any]) -> Callable[..., Any]:
    """Run a sync handler on the event loop instead of in the thread pool (see `Runs`)."""

    @functools.wraps(endpoint)
    async def run_inline(*args: Any, **kwargs: Any) -> Any:
        return endpoint(*args, **kwargs)

    return run_inline


class ShapedRoute(APIRoute):
    """A route that renders `ApiResult`s, and documents its bodies, in its mount's shape."""

    mount: Mount = Mount.V1

    def __init__(
        self,
        path: str,
        endpoint: Callable[..., Any],
        *,
        policy: RoutePolicy,
        deprecation: Deprecation | None = None,
        mount_prefix: str = "",
        **kwargs: Any,
    ) -> None:
        self.policy = policy
        self.deprecation = deprecation
        self.mount_prefix = mount_prefix
        methods = {method.upper() for method in kwargs.get("methods") or ()}
        if policy.cached and not methods <= {"GET", "HEAD"}:
            raise ValueError(f"{path}: only GETs can be cached")
        # not unwrapped: a route copied to another mount already holds the async wrapper
        is_async = inspect.iscoroutinefunction(endpoint)
        if policy.runs is Runs.EVENT_LOOP and not is_async:
            endpoint = on_event_loop(endpoint)
        elif policy.runs is Runs.THREAD_POOL and is_async:
            raise ValueError(f"{path}: an async handler cannot run in the thread pool")
        elif policy.runs is Runs.THREAD_POOL:
            endpoint = profiled_in_thread(endpoint)
        document(self.mount, kwargs)
        super().__init__(path, endpoint, **kwargs)

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = self._shaped_handler()
        if self.deprecation is None:
            return handler
        # on the route's answers; an error comes from api.errors, which knows no route
        headers = self.deprecation.headers(self.mount_prefix)

        async def deprecated_handler(request: Request) -> Response:
            response = await handler(request)
            response.raw_headers.extend(headers)
            return response

        return deprecated_handler

    def _shaped_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        mount = self.mount
        handler = super().get_route_handler()
        # The legacy mount builds its own bodies, which are not kept.
        if self.policy.cached and mount is not Mount.LEGACY:
            return cached_handler(mount, handler)

        async def shaped_handler(request: Request) -> Response:
            response = await handler(request)
            if isinstance(response, ApiResult):
                response.shape(mount)
            return response

        return shaped_handler


class V1Route(ShapedRoute):
    mount = Mount.V1


class BareRoute(ShapedRoute):
    mount = Mount.BARE


class LegacyRoute(ShapedRoute):
    mount = Mount.LEGACY


def mounted(
    sources: Sequence[APIRouter], prefix: str, route_class: type[ShapedRoute]
) -> list[ShapedRoute]:
    """Every declared route of `sources`, under `prefix`, as a route of `route_class`'s mount.

    Built here rather than with `include_router`, whose copying of routes differs between
    FastAPI releases; here each mount is certain to get its own route objects.
    """
    routes: list[ShapedRoute] = []
    for route in (route for source in sources for route in source.routes):
        if not isinstance(route, DeclaredRoute):
            raise TypeError(f"{route}: declare API routes on a PolicyRouter, with their policy")
        routes.append(
            route_class(
                prefix + route.path,
                route.endpoint,
                policy=route.policy,
                deprecation=route.deprecation,
                mount_prefix=prefix,
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
        )
    return routes
