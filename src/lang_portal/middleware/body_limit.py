"""Request bodies over MAX_REQUEST_SIZE bytes are refused with 413, declared or streamed; the
routes that take a whole file (their policy says `takes_file`) have MAX_UPLOAD_SIZE instead."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from lang_portal.i18n import Text, scope_language
from lang_portal.mounts import matched_route, mount_for_scope, render_error
from lang_portal.route_policy import policy_of


class BodyTooLargeError(HTTPException):
    """Raised from `receive` as the body passes the limit. An HTTPException, so that the
    framework's body parsing hands it on unchanged and the error handler renders a 413."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"the request body is larger than {limit} bytes")
        self.limit = limit


class BodyLimitMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        max_bytes: int,
        max_upload_bytes: int | None = None,
        exempt_prefixes: tuple[str, ...] = (),
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.max_upload_bytes = max_bytes if max_upload_bytes is None else max_upload_bytes
        # Mounts with a limit of their own (the xAPI app, whose bodies carry attachments).
        self.exempt_prefixes = exempt_prefixes

    def limit_for(self, scope: Scope) -> int:
        if self.max_upload_bytes == self.max_bytes or scope["method"] in ("GET", "HEAD"):
            return self.max_bytes
        _, route = matched_route(scope)
        if policy_of(route, scope["method"]).takes_file:
            return self.max_upload_bytes
        return self.max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or (
            self.exempt_prefixes and scope["path"].startswith(self.exempt_prefixes)
        ):
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope)
        for name, value in scope["headers"]:
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = 0
                if declared > limit:
                    await self._refuse(scope, receive, send, limit)
                    return
                break
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLargeError(limit)
            return message

        await self.app(scope, counting_receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        response = render_error(
            mount_for_scope(scope),
            413,
            "INVALID_INPUT",
            Text("errors.invalid_input.body_too_large", limit=limit),
            {"max_bytes": limit},
            # The unread body would otherwise be parsed as the next request on the connection.
            headers={"Connection": "close"},
            language=scope_language(scope),
        )
        await response(scope, receive, send)
