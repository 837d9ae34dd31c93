"""Routes grouped by path prefix, so a request is matched only against its own mount's routes.

The framework's router tries every route in turn; with three mounts of some forty routes each,
a request for a bare `/api` route was tried against every `/api/v1` and legacy route first, and
that matching cost more than many handlers. A group checks its prefix once and, only when the
path has it, tries its own routes in order, so matching and 405 handling are unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from fastapi import FastAPI
from starlette._utils import get_route_path
from starlette.datastructures import URLPath
from starlette.routing import BaseRoute, Match, NoMatchFound
from starlette.types import Receive, Scope, Send

from lang_portal.api.documentation import finish_document


class PrefixGroup(BaseRoute):
    def __init__(self, prefix: str, routes: Sequence[BaseRoute]) -> None:
        self.prefix = prefix.rstrip("/") + "/"
        self.routes = list(routes)

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if scope["type"] != "http" or not get_route_path(scope).startswith(self.prefix):
            return Match.NONE, {}
        partial: Scope | None = None
        for route in self.routes:
            match, child_scope = route.matches(scope)
            if match is Match.FULL:
                return match, child_scope
            if match is Match.PARTIAL and partial is None:
                partial = child_scope
        if partial is not None:
            return Match.PARTIAL, partial
        return Match.NONE, {}

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        # The matched route put itself in the scope (FastAPI's APIRoute.matches does).
        await scope["route"].handle(scope, receive, send)

    def url_path_for(self, name: str, /, **path_params: Any) -> URLPath:
        for route in self.routes:
            try:
                return route.url_path_for(name, **path_params)
            except NoMatchFound:
                continue
        raise NoMatchFound(name, path_params)


def flatten(routes: Iterable[BaseRoute]) -> list[BaseRoute]:
    flat: list[BaseRoute] = []
    for route in routes:
        flat.extend(flatten(route.routes) if isinstance(route, PrefixGroup) else [route])
    return flat


class PortalApp(FastAPI):
    """FastAPI whose `routes`, as the OpenAPI document reads them, are the groups' members."""

    @property
    def routes(self) -> list[BaseRoute]:
        return flatten(self.router.routes)

    def openapi(self) -> dict[str, Any]:
        """The framework's document, settled for the settings in force (api.documentation)."""
        if self.openapi_schema is None:
            self.openapi_schema = finish_document(super().openapi(), self.state.settings)
        return self.openapi_schema
