"""Per-client rate limits (spec, "API Rate Limiting"), counted by the `limits` library.

Every request counts against the overall limit (RATE_LIMIT_REQUESTS per RATE_LIMIT_DURATION)
and the burst limit (RATE_LIMIT_BURST per second); writes and study-session calls also count
against their own, tighter, limits. Which of those a request counts against its route declares
(`RoutePolicy.rate_class`, read from the route the request matches); a request that matches no
route counts as a read or a write by its method. The response carries `X-RateLimit-Limit`,
`-Remaining` and `-Reset` for the limit closest to running out; a refused request gets 429 with
`Retry-After` and the mount's error body. Counts live in memory (one process) or in Redis
(shared by every process and host). If Redis cannot be reached, requests are let through and
the failure is logged: an outage of the counter store must not take the API down with it.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from limits import RateLimitItem, RateLimitItemPerSecond, parse
from limits.aio.storage import Storage
from limits.aio.strategies import (
    FixedWindowRateLimiter,
    MovingWindowRateLimiter,
    RateLimiter,
    SlidingWindowCounterRateLimiter,
)
from limits.storage import storage_from_string
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from lang_portal.i18n import Text, scope_language
from lang_portal.middleware.access import AddressList
from lang_portal.mounts import matched_route, mount_for_scope, render_error
from lang_portal.route_policy import RateClass, policy_of
from lang_portal.settings import Settings

logger = logging.getLogger("lang_portal.rate_limit")

# The pages' own files (the portal, the built-in apps, Swagger UI): one page load asks for several
# at once, and counting them would spend the learner's API budget on fixed files. They match no
# route (static mounts), so no route policy can say so.
STATIC_PREFIXES = ("/portal/", "/apps/", "/swagger/static/")

_STRATEGIES: dict[str, type[RateLimiter]] = {
    "sliding-window": SlidingWindowCounterRateLimiter,
    "moving-window": MovingWindowRateLimiter,
    "fixed-window": FixedWindowRateLimiter,
}


@dataclass(frozen=True)
class Rule:
    name: str
    item: RateLimitItem

    def applies(self, rate_class: RateClass) -> bool:
        if self.name == "write":
            return rate_class.counts_as_write
        if self.name == "study_sessions":
            return rate_class.counts_as_session
        return True


def rules_from(settings: Settings) -> list[Rule]:
    duration = settings.rate_limit_duration
    rules = [Rule("overall", parse(f"{settings.rate_limit_requests}/{duration} seconds"))]
    if settings.rate_limit_burst:
        rules.append(Rule("burst", RateLimitItemPerSecond(settings.rate_limit_burst)))
    if settings.rate_limit_write_requests:
        rules.append(
            Rule("write", parse(f"{settings.rate_limit_write_requests}/{duration} seconds"))
        )
    if settings.rate_limit_study_session_requests:
        amount = settings.rate_limit_study_session_requests
        rules.append(Rule("study_sessions", parse(f"{amount}/{duration} seconds")))
    return rules


def storage_from(settings: Settings) -> Storage:
    uri = settings.rate_limit_storage_uri
    if uri.startswith("memory://"):
        storage = storage_from_string("async+memory://")
    else:
        storage = storage_from_string(
            "async+" + uri,
            implementation="redispy",
            key_prefix=settings.rate_limit_key_prefix,
        )
    assert isinstance(storage, Storage)
    return storage


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    limit: int
    remaining: int
    reset: float  # epoch seconds when the limit closest to running out frees up

    def headers(self) -> list[tuple[bytes, bytes]]:
        return [
            (b"x-ratelimit-limit", str(self.limit).encode()),
            (b"x-ratelimit-remaining", str(self.remaining).encode()),
            (b"x-ratelimit-reset", str(math.ceil(self.reset)).encode()),
        ]


class RateLimiterService:
    def __init__(self, settings: Settings, storage: Storage | None = None) -> None:
        self.rules: Sequence[Rule] = rules_from(settings)
        self.storage = storage or storage_from(settings)
        self.limiter = _STRATEGIES[settings.rate_limit_strategy](self.storage)

    async def check(self, client: str, rate_class: RateClass) -> Verdict:
        """Count one request; the verdict names the limit that refused it or is tightest."""
        tightest: Verdict | None = None
        for rule in self.rules:
            if not rule.applies(rate_class):
                continue
            allowed = await self.limiter.hit(rule.item, rule.name, client)
            stats = await self.limiter.get_window_stats(rule.item, rule.name, client)
            verdict = Verdict(allowed, rule.item.amount, stats.remaining, stats.reset_time)
            if not allowed:
                # Later rules are not counted: a refused request should not use up their budget.
                return verdict
            if tightest is None or _tighter(verdict, tightest):
                tightest = verdict
        assert tightest is not None  # the overall rule always applies
        return tightest

    async def reset(self) -> None:
        await self.storage.reset()


def _tighter(candidate: Verdict, current: Verdict) -> bool:
    candidate_share = candidate.remaining / candidate.limit
    return candidate_share < current.remaining / current.limit


# Distinct (method, path) pairs whose rate class is kept; past that the table starts afresh.
MAX_KNOWN_PATHS = 4096


class RateLimitMiddleware:
    def __init__(
        self, app: ASGIApp, limiter: RateLimiterService, allowed: AddressList | None = None
    ) -> None:
        self.app = app
        self.limiter = limiter
        self.allowed = allowed or AddressList(())
        # Matching a path against the routes costs 3 to 40 us; the routes never change, so
        # each path's class is looked up once.
        self._classes: dict[tuple[str, str], RateClass] = {}

    def _rate_class(self, scope: Scope) -> RateClass:
        key = (scope["method"], scope["path"])
        rate_class = self._classes.get(key)
        if rate_class is None:
            _, route = matched_route(scope)
            rate_class = policy_of(route, scope["method"]).rate_class
            if len(self._classes) >= MAX_KNOWN_PATHS:
                self._classes.clear()
            self._classes[key] = rate_class
        return rate_class

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(STATIC_PREFIXES):
            await self.app(scope, receive, send)
            return
        rate_class = self._rate_class(scope)
        if rate_class is RateClass.EXEMPT:
            await self.app(scope, receive, send)
            return
        client = scope["client"][0] if scope.get("client") else "unknown"
        if self.allowed and self.allowed.contains(client):
            await self.app(scope, receive, send)  # IP_ALLOWLIST: never limited, never counted
            return
        try:
            verdict = await self.limiter.check(client, rate_class)
        except Exception:
            logger.exception("rate limit store unavailable; letting the request through")
            await self.app(scope, receive, send)
            return
        headers = verdict.headers()
        if not verdict.allowed:
            retry_after = max(1, math.ceil(verdict.reset - time.time()))
            response = render_error(
                mount_for_scope(scope),
                429,
                "RATE_LIMIT_EXCEEDED",
                Text("errors.rate_limit.exceeded"),
                {
                    "retry_after": retry_after,
                    "limit": verdict.limit,
                    "remaining": 0,
                    "reset": datetime.fromtimestamp(math.ceil(verdict.reset), UTC)
                    .isoformat()
                    .replace("+00:00", "Z"),
                },
                headers={"Retry-After": str(retry_after)},
                language=scope_language(scope),
            )
            response.raw_headers.extend(headers)
            await response(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *headers]
            await send(message)

        await self.app(scope, receive, send_with_headers)
