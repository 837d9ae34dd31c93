"""The Alternate Request Syntax of xAPI 1.0.3 (Communication 1.3), for every /xapi resource.

A client that can send neither headers nor methods other than POST (old browsers' cross-domain
requests) POSTs to `resource?method=PUT` a form: the headers it could not send
(`Authorization`, `X-Experience-API-Version`, `Content-Type`, `Content-Length`, `If-Match`,
`If-None-Match`), the body as the `content` field, and the query parameters as further fields.
This layer, in front of the version and key check, turns such a request back into the one it
stands for, so that every resource serves both forms with the same code. xAPI 2.0 dropped the
syntax: a request speaking 2.0 that uses it is refused.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import parse_qsl, urlencode

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from lang_portal.xapi.context import VERSION_1, VERSION_2, VERSION_HEADER
from lang_portal.xapi.errors import XapiBadRequest, XapiError
from lang_portal.xapi.responses import error_response

METHOD_PARAM = "method"
CONTENT_FIELD = "content"
FORM_TYPE = "application/x-www-form-urlencoded"
DEFAULT_CONTENT_TYPE = "application/json"
TARGET_METHODS = frozenset({"GET", "HEAD", "PUT", "POST", "DELETE"})
# The form fields that stand for headers (Communication 1.3), by their lowercase header name.
HEADER_FIELDS = frozenset(
    {
        "authorization",
        VERSION_HEADER.lower(),
        "content-type",
        "content-length",
        "if-match",
        "if-none-match",
    }
)
_VERSION_HEADER_BYTES = VERSION_HEADER.lower().encode()


class AlternateRequest:
    """The request a form stands for: method, query string, headers and body."""

    def __init__(
        self, method: str, query: list[tuple[str, str]], headers: dict[str, str], body: bytes
    ) -> None:
        self.method = method
        self.query = query
        self.headers = headers
        self.body = body


def _header(headers: Iterable[tuple[bytes, bytes]], name: bytes) -> str | None:
    for key, value in headers:
        if key == name:
            return value.decode("latin-1")
    return None


def decode_alternate(
    http_method: str,
    query: list[tuple[str, str]],
    content_type: str | None,
    header_version: str | None,
    body: bytes,
) -> AlternateRequest:
    """The request that a `?method=` request stands for; XapiBadRequest when it is malformed."""
    if http_method != "POST":
        raise XapiBadRequest(
            f"the Alternate Request Syntax (?{METHOD_PARAM}=) is only for POST requests, "
            f"not {http_method}"
        )
    if len(query) != 1:
        raise XapiBadRequest(
            f"the Alternate Request Syntax takes no query parameter but {METHOD_PARAM}: send "
            "the others as form parameters"
        )
    target = query[0][1].upper()
    if target not in TARGET_METHODS:
        raise XapiBadRequest(
            f"{METHOD_PARAM}: {query[0][1]!r} is not one of {', '.join(sorted(TARGET_METHODS))}"
        )
    outer_type = (content_type or "").split(";", 1)[0].strip().lower()
    if outer_type != FORM_TYPE:
        raise XapiBadRequest(
            f"the Alternate Request Syntax sends a form: Content-Type must be {FORM_TYPE}"
        )
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise XapiBadRequest("the form is not UTF-8 text") from None
    try:
        fields = parse_qsl(text, keep_blank_values=True, strict_parsing=bool(text))
    except ValueError:
        raise XapiBadRequest("the body is not a URL-encoded form") from None

    headers: dict[str, str] = {}
    params: list[tuple[str, str]] = []
    content: str | None = None
    seen: set[str] = set()
    for name, value in fields:
        lowered = name.lower()
        if lowered in HEADER_FIELDS or name == CONTENT_FIELD:
            if lowered in seen:
                raise XapiBadRequest(f"form parameter {name} given more than once")
            seen.add(lowered)
        if name == CONTENT_FIELD:
            content = value
        elif lowered in HEADER_FIELDS:
            headers[lowered] = value
        else:
            params.append((name, value))

    version = headers.get(VERSION_HEADER.lower(), header_version)
    if version is not None and version.strip().startswith("2."):
        raise XapiBadRequest(
            "xAPI 2.0 has no Alternate Request Syntax: send the request with its own method, "
            "headers and query parameters"
        )
    if target in ("PUT", "POST") and content is None:
        raise XapiBadRequest(
            f"a {target} in the Alternate Request Syntax carries its body in the "
            f"{CONTENT_FIELD!r} form parameter"
        )
    payload = b"" if content is None else content.encode("utf-8")
    headers.pop("content-length", None)
    if content is not None:
        headers.setdefault("content-type", DEFAULT_CONTENT_TYPE)
    else:
        headers.pop("content-type", None)
    return AlternateRequest(target, params, headers, payload)


class AlternateSyntaxMiddleware:
    """ASGI layer: rewrites an Alternate Request Syntax request, passes the rest through."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        raw_query = scope.get("query_string", b"").decode("latin-1")
        query = parse_qsl(raw_query, keep_blank_values=True)
        if not any(name == METHOD_PARAM for name, _ in query):
            await self.app(scope, receive, send)
            return

        headers: list[tuple[bytes, bytes]] = list(scope["headers"])
        header_version = _header(headers, _VERSION_HEADER_BYTES)
        try:
            body = await _read_body(receive)
            alternate = decode_alternate(
                scope["method"], query, _header(headers, b"content-type"), header_version, body
            )
        except XapiError as refusal:
            served = VERSION_2 if header_version and header_version.startswith("2.") else VERSION_1
            response = error_response(
                refusal.status, refusal.body(), {VERSION_HEADER: served, **refusal.headers}
            )
            await response(scope, receive, send)
            return

        replaced = {name.encode("latin-1") for name in alternate.headers} | {
            b"content-type",
            b"content-length",
        }
        new_headers = [(key, value) for key, value in headers if key not in replaced]
        new_headers += [
            (name.encode("latin-1"), value.encode("latin-1"))
            for name, value in alternate.headers.items()
        ]
        new_headers.append((b"content-length", str(len(alternate.body)).encode()))
        inner_scope = dict(scope)
        inner_scope["method"] = alternate.method
        inner_scope["query_string"] = urlencode(alternate.query).encode("latin-1")
        inner_scope["headers"] = new_headers

        delivered = False

        async def inner_receive() -> Message:
            nonlocal delivered
            if not delivered:
                delivered = True
                return {"type": "http.request", "body": alternate.body, "more_body": False}
            return await receive()

        inner_send = send if alternate.method != "HEAD" else _without_body(send)
        await self.app(inner_scope, inner_receive, inner_send)


def _without_body(send: Send) -> Send:
    """For a HEAD carried by a POST: the server sends the body of a POST, so drop it here."""

    async def send_headers_only(message: Message) -> None:
        if message["type"] == "http.response.start":
            message = dict(message)
            message["headers"] = [
                (key, value)
                for key, value in message.get("headers", [])
                if key.lower() != b"content-length"
            ] + [(b"content-length", b"0")]
        elif message["type"] == "http.response.body":
            message = {**message, "body": b""}
        await send(message)

    return send_headers_only


async def _read_body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)
