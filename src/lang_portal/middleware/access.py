"""Address lists (spec, "Production Security Measures"): IP_BLOCKLIST refused with 403 before
anything else runs, IP_ALLOWLIST exempt from the rate limits (middleware.rate_limit).

Addresses and networks in CIDR form (`10.0.0.0/8`, `2001:db8::/32`). The client address is the
one uvicorn reports: behind a trusted proxy, the X-Forwarded-For client's.
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Iterable
from functools import lru_cache

from starlette.types import ASGIApp, Receive, Scope, Send

from lang_portal.i18n import Text, scope_language
from lang_portal.mounts import mount_for_scope, render_error

logger = logging.getLogger("lang_portal.access_control")

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class AddressList:
    def __init__(self, entries: Iterable[str]) -> None:
        self.networks: tuple[Network, ...] = tuple(
            ipaddress.ip_network(entry, strict=False) for entry in entries
        )
        self.contains = lru_cache(maxsize=4096)(self._contains)

    def __bool__(self) -> bool:
        return bool(self.networks)

    def _contains(self, address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False  # "testclient", a unix socket: no address to match
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        return any(ip.version == network.version and ip in network for network in self.networks)


def client_address(scope: Scope) -> str:
    client = scope.get("client")
    return str(client[0]) if client else ""


class BlockListMiddleware:
    """Refuses every request from a blocked address with 403 FORBIDDEN, in the mount's shape."""

    def __init__(self, app: ASGIApp, blocked: AddressList) -> None:
        self.app = app
        self.blocked = blocked

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and self.blocked.contains(client_address(scope)):
            response = render_error(
                mount_for_scope(scope),
                403,
                "FORBIDDEN",
                Text("errors.forbidden.address"),
                {},
                language=scope_language(scope),
            )
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)
