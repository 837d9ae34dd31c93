"""How a handler's result becomes a body in the shape of the mount that served it.

Handlers return `ApiResult` (data, optional pagination, status). The route class of each mount
(api.routing) renders it: `/api/v1` wraps it in the spec's envelope, `/api` returns it bare.
The data is a service's typed result (dataclasses, serialised by orjson as they are) or a list
of them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import Response

from lang_portal.models.common import Pagination
from lang_portal.mounts import JSON_MEDIA_TYPE, Mount, dump_json, meta


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
        self.set_body(mount, dump_json(self.data), self.pagination_json())

    def pagination_json(self) -> bytes | None:
        return None if self.pagination is None else dump_json(self.pagination.as_dict())

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
