"""multipart/mixed bodies (RFC 2046) for statements with attachments, read and written.

The standard library's email parser rewrites line ends inside parts, and python-multipart
reads form-data only; an attachment must arrive byte for byte to match its SHA-2, so the
split on the boundary is done here.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from lang_portal.xapi.errors import XapiBadRequest

_BOUNDARY = re.compile(r'boundary=(?:"([^"]+)"|([^;\s]+))', re.IGNORECASE)


@dataclass(frozen=True)
class Part:
    headers: dict[str, str]  # names in lower case
    body: bytes

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


def media_type(content_type: str | None) -> str:
    return (content_type or "").split(";")[0].strip().lower()


def boundary_of(content_type: str) -> str:
    match = _BOUNDARY.search(content_type)
    if match is None:
        raise XapiBadRequest("a multipart/mixed body needs a boundary in its Content-Type")
    return match.group(1) or match.group(2)


def _headers(block: bytes) -> dict[str, str]:
    headers: dict[str, str] = {}
    for line in re.split(rb"\r?\n", block):
        if not line.strip():
            continue
        name, colon, value = line.partition(b":")
        if not colon:
            raise XapiBadRequest(f"a multipart part has a malformed header line: {line[:80]!r}")
        headers[name.decode("latin-1").strip().lower()] = value.decode("latin-1").strip()
    return headers


def parse_multipart(body: bytes, content_type: str) -> list[Part]:
    delimiter = b"--" + boundary_of(content_type).encode("latin-1")
    start = body.find(delimiter)
    if start < 0:
        raise XapiBadRequest("the multipart/mixed body does not contain its boundary")
    parts: list[Part] = []
    position = start + len(delimiter)
    while True:
        if body[position : position + 2] == b"--":
            break  # the closing delimiter
        line_end = body.find(b"\n", position)
        if line_end < 0:
            raise XapiBadRequest("the multipart/mixed body ends inside a part")
        content_start = line_end + 1
        next_delimiter = body.find(b"\r\n" + delimiter, content_start)
        skip = 2
        if next_delimiter < 0:
            next_delimiter = body.find(b"\n" + delimiter, content_start)
            skip = 1
        if next_delimiter < 0:
            raise XapiBadRequest("the multipart/mixed body has no closing boundary")
        chunk = body[content_start:next_delimiter]
        split = chunk.find(b"\r\n\r\n")
        gap = 4
        if split < 0:
            split, gap = chunk.find(b"\n\n"), 2
        if split < 0:
            if chunk.strip():
                raise XapiBadRequest("a multipart part has no blank line after its headers")
            header_block, content = chunk, b""
        else:
            header_block, content = chunk[:split], chunk[split + gap :]
        parts.append(Part(_headers(header_block), content))
        position = next_delimiter + skip + len(delimiter)
    if not parts:
        raise XapiBadRequest("the multipart/mixed body has no parts")
    return parts


def build_multipart(parts: Sequence[tuple[dict[str, str], bytes]]) -> tuple[str, bytes]:
    """The Content-Type and body of a multipart/mixed response."""
    boundary = "xapi-" + secrets.token_hex(16)
    chunks: list[bytes] = []
    for headers, content in parts:
        head = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
        chunks.append(b"--" + boundary.encode() + b"\r\n" + head.encode() + b"\r\n" + content)
    body = b"\r\n".join(chunks) + b"\r\n--" + boundary.encode() + b"--\r\n"
    return f'multipart/mixed; boundary="{boundary}"', body
