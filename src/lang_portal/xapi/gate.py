"""The door every /xapi request passes: the version header, then the key, then the resource.

An ASGI middleware rather than a dependency, so that every answer (a 404, a 405, a 413, an
error of any kind) carries `X-Experience-API-Version`, and no resource can forget to check.
"""

from __future__ import annotations

from starlette._utils import get_route_path
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from lang_portal.clock import Clock
from lang_portal.xapi.auth import Authenticator
from lang_portal.xapi.context import (
    SCOPE_KEY,
    VERSION_1,
    VERSION_2,
    VERSION_HEADER,
    XapiRequestContext,
    negotiate_version,
)
from lang_portal.xapi.errors import XapiError
from lang_portal.xapi.responses import error_response

# Paths (within /xapi) that need neither a version header nor a key.
OPEN_PATHS = frozenset({"/about", "/about/"})
_VERSION_HEADER_BYTES = VERSION_HEADER.lower().encode()


class XapiGateMiddleware:
    def __init__(self, app: ASGIApp, authenticator: Authenticator, clock: Clock) -> None:
        self.app = app
        self.authenticator = authenticator
        self.clock = clock

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {name: value for name, value in scope["headers"]}
        requested = headers.get(_VERSION_HEADER_BYTES)
        requested_text = None if requested is None else requested.decode("latin-1")
        served = VERSION_2 if requested_text and requested_text.startswith("2.") else VERSION_1

        async def send_with_version(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [
                    *message.get("headers", []),
                    (_VERSION_HEADER_BYTES, served.encode()),
                ]
            await send(message)

        path = get_route_path(scope)
        try:
            if path in OPEN_PATHS or scope["method"] == "OPTIONS":
                context = XapiRequestContext(version=served, credential=None)
            else:
                version = negotiate_version(requested_text)
                auth = headers.get(b"authorization")
                credential = self.authenticator.authenticate(
                    None if auth is None else auth.decode("latin-1"), self.clock.now()
                )
                context = XapiRequestContext(version=version, credential=credential)
        except XapiError as refusal:
            response = error_response(refusal.status, refusal.body(), refusal.headers)
            await response(scope, receive, send_with_version)
            return
        scope[SCOPE_KEY] = context
        await self.app(scope, receive, send_with_version)
