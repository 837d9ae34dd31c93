"""Request bodies over MAX_REQUEST_SIZE bytes are refused with 413, declared or streamed."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from lang_portal.mounts import mount_for_scope, render_error


class BodyTooLargeError(HTTPException):
    """Raised from `receive` as the body passes the limit. An HTTPException, so that the
    framework's body parsing hands it on unchanged and the error handler renders a 413."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"the request body is larger than {limit} bytes")


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, max_bytes: int, exempt_prefixes: tuple[str, ...] = ()) -> None:
        self.app = app
        self.max_bytes = max_bytes
        # Mounts with a limit of their own (the xAPI app, whose bodies carry attachments).
        self.exempt_prefixes = exempt_prefixes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or (
            self.exempt_prefixes and scope["path"].startswith(self.exempt_prefixes)
        ):
            await self.app(scope, receive, send)
            return
        for name, value in scope["headers"]:
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = 0
                if declared > self.max_bytes:
                    await self._refuse(scope, receive, send)
                    return
                break
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLargeError(self.max_bytes)
            return message

        await self.app(scope, counting_receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = render_error(
            mount_for_scope(scope),
            413,
            "INVALID_INPUT",
            f"the request body is larger than {self.max_bytes} bytes",
            {"max_bytes": self.max_bytes},
            # The unread body would otherwise be parsed as the next request on the connection.
            headers={"Connection": "close"},
        )
        await response(scope, receive, send)
