"""What every xAPI request carries once through the gate: the version it speaks, who sent it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fastapi import Request

from lang_portal.xapi.errors import XapiBadRequest

# Where the portal mounts the LRS (its xAPI base endpoint).
XAPI_PREFIX = "/xapi"
VERSION_HEADER = "X-Experience-API-Version"
VERSION_1 = "1.0.3"
VERSION_2 = "2.0.0"
SUPPORTED_VERSIONS = (VERSION_1, VERSION_2)
_VERSION = re.compile(r"^(1|2)\.0(?:\.(\d+))?$")


def negotiate_version(header: str | None) -> str:
    """The version whose rules apply: 1.0.3 for any 1.0.x, 2.0.0 for any 2.0.x; else 400."""
    if header is None or not header.strip():
        raise XapiBadRequest(
            f"the {VERSION_HEADER} header is required (send 1.0.3 or 2.0.0)",
        )
    match = _VERSION.match(header.strip())
    if match is None:
        raise XapiBadRequest(
            f"unsupported {VERSION_HEADER} {header!r}: this LRS speaks 1.0.x (as 1.0.3) "
            "and 2.0.x (as 2.0.0)"
        )
    return VERSION_1 if match.group(1) == "1" else VERSION_2


@dataclass(frozen=True)
class Credential:
    """An accepted key. A launch key is bound to one registration (and actor) and expires."""

    username: str
    name: str
    registration: str | None = None
    expires_at: datetime | None = None
    actor: dict[str, Any] | None = None

    def authority(self, home_page: str) -> dict[str, Any]:
        """The statement authority for this key: an Agent with the key's account."""
        return {
            "objectType": "Agent",
            "name": self.name,
            "account": {"homePage": home_page, "name": self.username},
        }


@dataclass(frozen=True)
class XapiRequestContext:
    version: str  # the served version, VERSION_1 or VERSION_2
    credential: Credential | None  # None only on About, which needs no authentication

    @property
    def is_2_0(self) -> bool:
        return self.version == VERSION_2


SCOPE_KEY = "lang_portal.xapi"


def xapi_context(request: Request) -> XapiRequestContext:
    """FastAPI dependency: the context the gate (xapi/gate.py) put on the request."""
    context = request.scope.get(SCOPE_KEY)
    assert isinstance(context, XapiRequestContext), "request did not pass the xAPI gate"
    return context


def require_credential(request: Request) -> Credential:
    credential = xapi_context(request).credential
    assert credential is not None, "route reached without authentication"
    return credential
