"""The door every /xapi request passes: the version header, then the key, then the resource.

An ASGI middleware rather than a dependency, so that every answer (a 404, a 405, a 413, an
error of any kind) carries `X-Experience-API-Version`, and no resource can forget to check.
"""

from __future__ import annotations

from collections import OrderedDict

from starlette._utils import get_route_path
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from lang_portal.clock import Clock
from lang_portal.xapi.auth import Authenticator, parse_basic
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
from lang_portal.xapi.statement_parts import stored_form

# Paths (within /xapi) that need neither a version header nor a key.
OPEN_PATHS = frozenset({"/about", "/about/"})
STATEMENTS_PATH = "/statements"
_VERSION_HEADER_BYTES = VERSION_HEADER.lower().encode()
_CONSISTENT_THROUGH = b"x-experience-api-consistent-through"
# Keys whose last accepted version is remembered (see `_answer_version`).
_REMEMBERED_KEYS = 1024


class XapiGateMiddleware:
    def __init__(self, app: ASGIApp, authenticator: Authenticator, clock: Clock) -> None:
        self.app = app
        self.authenticator = authenticator
        self.clock = clock
        self._last_version: OrderedDict[str, str] = OrderedDict()

    def _answer_version(self, requested: str | None, authorization: bytes | None) -> str:
        """The version to label a response with: the one asked for; for a request that names
        none (or none it can have), the version its key last spoke, else 1.0.3. The 400 such a
        request gets should speak the client's release, and that is the best guess of it."""
        if requested and requested.startswith("2."):
            return VERSION_2
        if requested and requested.startswith("1."):
            return VERSION_1
        parsed = parse_basic(None if authorization is None else authorization.decode("latin-1"))
        if parsed is not None:
            return self._last_version.get(parsed[0], VERSION_1)
        return VERSION_1

    def _remember(self, username: str, version: str) -> None:
        self._last_version[username] = version
        self._last_version.move_to_end(username)
        while len(self._last_version) > _REMEMBERED_KEYS:
            self._last_version.popitem(last=False)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {name: value for name, value in scope["headers"]}
        requested = headers.get(_VERSION_HEADER_BYTES)
        requested_text = None if requested is None else requested.decode("latin-1")
        auth = headers.get(b"authorization")
        served = self._answer_version(requested_text, auth)
        path = get_route_path(scope)
        # Every Statement Resource answer, an error included, says how current reads are: all
        # committed statements are readable at once (one SQLite file), so "now".
        statements = path.rstrip("/") == STATEMENTS_PATH

        async def send_with_version(message: Message) -> None:
            if message["type"] == "http.response.start":
                added = [(_VERSION_HEADER_BYTES, served.encode())]
                if statements:
                    added.append((_CONSISTENT_THROUGH, stored_form(self.clock.now()).encode()))
                message["headers"] = [*message.get("headers", []), *added]
            await send(message)

        try:
            if path in OPEN_PATHS or scope["method"] == "OPTIONS":
                context = XapiRequestContext(version=served, credential=None)
            else:
                version = negotiate_version(requested_text)
                credential = self.authenticator.authenticate(
                    None if auth is None else auth.decode("latin-1"), self.clock.now()
                )
                self._remember(credential.username, version)
                context = XapiRequestContext(version=version, credential=credential)
        except XapiError as refusal:
            response = error_response(refusal.status, refusal.body(), refusal.headers)
            await response(scope, receive, send_with_version)
            return
        scope[SCOPE_KEY] = context
        await self.app(scope, receive, send_with_version)
