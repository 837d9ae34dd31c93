"""A request that has not started its response within REQUEST_TIMEOUT_SECONDS gets a 504.

The work itself cannot be interrupted (handlers run in threads); a write that outlives its
request still commits or rolls back as a whole. The timeout frees the client, not the thread.
"""

from __future__ import annotations

import logging

import anyio
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from lang_portal.i18n import Text, scope_language
from lang_portal.mounts import matched_route, mount_for_scope, render_error
from lang_portal.route_policy import policy_of

logger = logging.getLogger("lang_portal.timeout")


class TimeoutMiddleware:
    def __init__(self, app: ASGIApp, seconds: float) -> None:
        self.app = app
        self.seconds = seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if (
            scope["method"] not in ("GET", "HEAD")
            and policy_of(matched_route(scope)[1], scope["method"]).takes_file
        ):
            # a whole history takes longer than any request should: the import runs to its end
            await self.app(scope, receive, send)
            return
        response_started = False

        async def send_tracking(message: Message) -> None:
            nonlocal response_started
            if message["type"] == "http.response.start":
                response_started = True
            await send(message)

        with anyio.move_on_after(self.seconds) as scope_timer:
            await self.app(scope, receive, send_tracking)
        if not scope_timer.cancelled_caught:
            return
        logger.error(
            "request timed out after %s s",
            self.seconds,
            extra={"details": {"method": scope["method"], "path": scope["path"]}},
        )
        if response_started:
            return  # a response already under way cannot be replaced
        response = render_error(
            mount_for_scope(scope),
            504,
            "INTERNAL_SERVER_ERROR",
            Text("errors.server.timeout", seconds=f"{self.seconds:g}"),
            {"timeout_seconds": self.seconds},
            language=scope_language(scope),
        )
        await response(scope, receive, send)
