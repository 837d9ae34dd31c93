"""What each route declares beside its path: caching, where its handler runs, its rate limits.

Every route of the API says these where it is declared (`@router.get(path, policy=...)`); the
route class applies the first two (api.routing) and the rate-limit middleware reads the third
from the route a request matches (middleware.rate_limit). `tests/api/test_route_policies.py`
pins every route's policy, so a new route cannot go without one.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from fastapi import APIRouter
from fastapi.routing import APIRoute

Endpoint = TypeVar("Endpoint", bound=Callable[..., Any])


class Runs(enum.Enum):
    # A read that is a few indexed SQLite queries (well under a millisecond, never waiting on a
    # lock: WAL readers do not block) costs less than the hop to a thread: measured with
    # `make bench`, the hop more than halved a worker's GET throughput.
    EVENT_LOOP = "event loop"
    # Writes wait for the write lock, and bulk downloads take seconds: either would stall every
    # other request of the worker on the event loop.
    THREAD_POOL = "thread pool"


class RateClass(enum.Enum):
    """Which of the tighter rate limits a request counts against, besides overall and burst."""

    READ = "read"  # overall and burst only
    WRITE = "write"  # + the write limit
    SESSION_READ = "session read"  # + the study-session limit
    SESSION_WRITE = "session write"  # + both
    EXEMPT = "exempt"  # not counted at all (health checks, scrapes)

    @property
    def counts_as_write(self) -> bool:
        return self in (RateClass.WRITE, RateClass.SESSION_WRITE)

    @property
    def counts_as_session(self) -> bool:
        return self in (RateClass.SESSION_READ, RateClass.SESSION_WRITE)


@dataclass(frozen=True)
class RoutePolicy:
    rate_class: RateClass
    runs: Runs = Runs.EVENT_LOOP
    # Answered from the response cache (api.cache) while the database is unchanged: only for a
    # GET whose answer depends on the stored data alone, never on the clock.
    cached: bool = False
    # Takes a whole file (an import): the body may reach MAX_UPLOAD_SIZE instead of
    # MAX_REQUEST_SIZE, and the request timeout does not cut the work short.
    takes_file: bool = False

    def __post_init__(self) -> None:
        if self.cached and self.rate_class.counts_as_write:
            raise ValueError("only reads can be cached")


READ = RoutePolicy(RateClass.READ)
CACHED_READ = RoutePolicy(RateClass.READ, cached=True)
BULK_READ = RoutePolicy(RateClass.READ, runs=Runs.THREAD_POOL)
WRITE = RoutePolicy(RateClass.WRITE, runs=Runs.THREAD_POOL)
# An async handler runs on the event loop by itself and hands its slow part to a thread.
ASYNC_WRITE = RoutePolicy(RateClass.WRITE)
FILE_UPLOAD = RoutePolicy(RateClass.WRITE, takes_file=True)
SESSION_READ = RoutePolicy(RateClass.SESSION_READ)
CACHED_SESSION_READ = RoutePolicy(RateClass.SESSION_READ, cached=True)
SESSION_WRITE = RoutePolicy(RateClass.SESSION_WRITE, runs=Runs.THREAD_POOL)
EXEMPT = RoutePolicy(RateClass.EXEMPT)

# What a request that matches no route (an unknown URL, the static files) counts as.
UNROUTED_READ = READ
UNROUTED_WRITE = RoutePolicy(RateClass.WRITE, runs=Runs.THREAD_POOL)
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def policy_of(route: object, method: str) -> RoutePolicy:
    """The route's declared policy; for no route, a read or a write by the method."""
    policy = getattr(route, "policy", None)
    if isinstance(policy, RoutePolicy):
        return policy
    return UNROUTED_READ if method in READ_METHODS else UNROUTED_WRITE


class DeclaredRoute(APIRoute):
    """A route as its module declares it, with its policy; the mounts copy it (api.routing)."""

    policy: RoutePolicy


class PolicyRouter(APIRouter):
    """An APIRouter whose route decorators take the route's `policy` (required)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(route_class=DeclaredRoute, **kwargs)

    # The framework's decorators, narrowed on purpose: an API route cannot go without a policy.
    def get(  # type: ignore[override]
        self, path: str, *, policy: RoutePolicy, **kwargs: Any
    ) -> Callable[[Endpoint], Endpoint]:
        return self._declare(path, ["GET"], policy, kwargs)

    def post(  # type: ignore[override]
        self, path: str, *, policy: RoutePolicy, **kwargs: Any
    ) -> Callable[[Endpoint], Endpoint]:
        return self._declare(path, ["POST"], policy, kwargs)

    def put(  # type: ignore[override]
        self, path: str, *, policy: RoutePolicy, **kwargs: Any
    ) -> Callable[[Endpoint], Endpoint]:
        return self._declare(path, ["PUT"], policy, kwargs)

    def patch(  # type: ignore[override]
        self, path: str, *, policy: RoutePolicy, **kwargs: Any
    ) -> Callable[[Endpoint], Endpoint]:
        return self._declare(path, ["PATCH"], policy, kwargs)

    def delete(  # type: ignore[override]
        self, path: str, *, policy: RoutePolicy, **kwargs: Any
    ) -> Callable[[Endpoint], Endpoint]:
        return self._declare(path, ["DELETE"], policy, kwargs)

    def _declare(
        self, path: str, methods: Sequence[str], policy: RoutePolicy, kwargs: dict[str, Any]
    ) -> Callable[[Endpoint], Endpoint]:
        def decorator(endpoint: Endpoint) -> Endpoint:
            self.add_api_route(path, endpoint, methods=list(methods), **kwargs)
            route = self.routes[-1]
            assert isinstance(route, DeclaredRoute)
            route.policy = policy
            return endpoint

        return decorator
