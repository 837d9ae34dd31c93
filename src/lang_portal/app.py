"""The application factory: one settings object, one database, one set of services."""

from __future__ import annotations

import contextlib
import functools
import logging
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.middleware.gzip import GZipMiddleware

from lang_portal import __version__
from lang_portal.api import (
    admin,
    analytics,
    apps,
    dashboard,
    groups,
    legacy,
    messages,
    portal,
    srs,
    study_activities,
    study_sessions,
    tags,
    transfer,
    words,
)
from lang_portal.api import system as system_routes
from lang_portal.api.errors import install_error_handlers
from lang_portal.api.route_table import PortalApp, PrefixGroup
from lang_portal.api.routing import BareRoute, LegacyRoute, ShapedRoute, V1Route, mounted
from lang_portal.clock import Clock, SystemClock
from lang_portal.database import CircuitBreaker, Database, DatabaseUnavailableError
from lang_portal.middleware import metrics
from lang_portal.middleware.access import AddressList, BlockListMiddleware
from lang_portal.middleware.body_limit import BodyLimitMiddleware
from lang_portal.middleware.cors import ActivityOriginsCORSMiddleware
from lang_portal.middleware.logging import (
    UnhandledErrorMiddleware,
    configure_logging,
    log_request,
)
from lang_portal.middleware.observe import ObserveRequestsMiddleware, RequestObserver
from lang_portal.middleware.profiling import ProfilerMiddleware
from lang_portal.middleware.rate_limit import RateLimiterService, RateLimitMiddleware
from lang_portal.middleware.request_id import RequestIdMiddleware
from lang_portal.middleware.security_headers import SecurityHeadersMiddleware
from lang_portal.middleware.timeout import TimeoutMiddleware
from lang_portal.mounts import JsonResponse
from lang_portal.service.container import Services
from lang_portal.service.context import ServiceContext
from lang_portal.service.health import HealthService
from lang_portal.service.maintenance import Maintenance, running_tasks
from lang_portal.service.summaries import ensure_daily_stats_zone
from lang_portal.service.tagging import ensure_auto_tags
from lang_portal.settings import SEEDS_DIR, Settings, load_settings
from lang_portal.xapi.app import XAPI_PREFIX, XapiMount, build_xapi_app

logger = logging.getLogger("lang_portal.app")

API_DESCRIPTION = """
Vocabulary inventory, learning record store and launchpad for a Japanese school.

The same endpoints answer under two prefixes:

* `/api/v1/...` wraps every body in the envelope
  `{"status": "success", "data": ..., "meta": {...}}` (lists add `pagination`);
  errors are `{"status": "error", "error": {"code", "message", "details"}, "meta": {...}}`.
* `/api/...` returns the bare bodies of the school's spec: objects as they are, lists as
  `{"items": [...], "pagination": {...}}`, errors as `{"error": {"code", "message", "details"}}`.

The school's earlier Flask contract (`/words`, `/groups`, `/api/study-sessions`, ...; bare bodies,
errors as `{"error": "message"}`) is served too unless `LEGACY_API_ENABLED=false`; see
docs/legacy-api.md.

Messages are in English, Japanese or Chinese, chosen by the request's `Accept-Language`
(English by default): every error's `message`, the reset messages and `GET /messages`. Such a
response has `Content-Language` and `Vary: Accept-Language`. Error `code`s never change with
the language.

Times are RFC 3339 in the configured time zone. No authentication: one learner.
"""


def spec_routers() -> list[APIRouter]:
    """Every endpoint of the contract, without a prefix; mounted twice below."""
    return [
        module.router
        for module in (
            dashboard,
            study_activities,
            study_sessions,
            words,
            tags,
            groups,
            admin,
            srs,
            analytics,
            transfer,
            messages,
        )
    ]


@functools.cache
def mounted_api() -> tuple[list[ShapedRoute], list[ShapedRoute]]:
    """The spec's routes under `/api/v1` and `/api`, built once per process.

    Building a route compiles its validators; the routes hold no per-app state (handlers reach
    the services through `request.app.state`), so every app in a process can share them.
    """
    routers = spec_routers()
    return mounted(routers, "/api/v1", V1Route), mounted(routers, "/api", BareRoute)


@functools.cache
def mounted_legacy() -> list[ShapedRoute]:
    """The school's earlier Flask contract (api/legacy.py), built once per process likewise."""
    return mounted([legacy.router], "", LegacyRoute)


def build_services(
    settings: Settings, clock: Clock | None = None, seeds_dir: Path = SEEDS_DIR
) -> Services:
    database = Database(
        settings.database_path,
        busy_timeout_ms=settings.database_busy_timeout_ms,
        synchronous=settings.database_synchronous,
        breaker=CircuitBreaker(
            settings.breaker_max_failures, settings.breaker_reset_timeout_seconds
        ),
    )
    context = ServiceContext(db=database, settings=settings, clock=clock or SystemClock())
    return Services.build(context, seeds_dir)


def create_app(
    settings: Settings | None = None,
    *,
    clock: Clock | None = None,
    services: Services | None = None,
) -> FastAPI:
    settings = settings or load_settings()
    services = services or build_services(settings, clock)

    if settings.metrics_enabled:
        services.context.db.observers.append(metrics.instruments().observe_query)
        breaker = services.context.db.breaker
        breaker.listeners.append(
            lambda _state, failure: metrics.instruments().breaker_changed(breaker.level, failure)
        )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        try:
            ensure_daily_stats_zone(services.context, services.answers)
            ensure_auto_tags(services.context)
        except (DatabaseUnavailableError, sqlite3.Error) as exc:
            # Serve anyway: /health then answers 503 with the reason, and every request a
            # clear DATABASE_ERROR, where a failed start would leave nothing to ask.
            logger.error("database not usable at start: %s", exc)
        async with contextlib.AsyncExitStack() as stack:
            if settings.maintenance_enabled:
                await stack.enter_async_context(running_tasks(app.state.maintenance))
            yield
        metrics.mark_worker_stopped()
        services.context.db.close()

    app = PortalApp(
        title="lang-portal API",
        version=__version__,
        description=API_DESCRIPTION,
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
        default_response_class=JsonResponse,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.services = services
    app.state.maintenance = Maintenance(services.context)
    app.state.health = HealthService(app.state.maintenance)

    v1, bare = mounted_api()
    # The shared, already-built route objects go straight into the app's route table, grouped
    # by mount; include_router would wrap them again for every app. The legacy mount goes before
    # the bare one: its `/api/study-sessions` paths sit under that mount's prefix.
    app.router.routes.append(PrefixGroup("/api/v1", v1))
    if settings.legacy_api_enabled:
        app.router.routes.extend(mounted_legacy())
    app.router.routes.append(PrefixGroup("/api", bare))
    # as declared, with their policies (include_router would copy them without)
    app.router.routes.extend(system_routes.router.routes)
    # First in the table: an xAPI request is then matched against the xAPI routes alone.
    app.router.routes.insert(0, XapiMount(XAPI_PREFIX, app=build_xapi_app(services), name="xapi"))
    app.router.routes.extend(apps.router.routes)
    app.mount(apps.APPS_PREFIX, apps.static_apps(), name="apps")
    app.router.routes.extend(portal.router.routes)
    app.mount(portal.PORTAL_PREFIX, portal.static_portal(), name="portal")
    app.mount(
        system_routes.SWAGGER_STATIC,
        StaticFiles(directory=system_routes.swagger_ui_directory()),
        name="swagger-static",
    )
    install_error_handlers(app)
    add_middlewares(app, settings)
    return app


# What the expose_headers of CORS lets a browser's script read.
EXPOSED_HEADERS = [
    "X-Request-ID",
    "Retry-After",
    "X-RateLimit-Limit",
    "X-RateLimit-Remaining",
    "X-RateLimit-Reset",
    "Deprecation",
    "Sunset",
    "Link",
    "X-Profile-File",
    # xAPI's (docs/xapi.md)
    "X-Experience-API-Version",
    "X-Experience-API-Consistent-Through",
    "ETag",
    "Last-Modified",
]


def add_middlewares(app: FastAPI, settings: Settings) -> None:
    """The stack, listed innermost first (each `add_middleware` wraps the ones before it).

    Outermost to innermost: request id, access log and metrics, security headers, block-list,
    CORS, gzip, body limit, rate limit, timeout, unhandled errors. So every response, a 403,
    429, 413 or 500 included, carries the request id and the security headers and is logged
    and counted.
    """
    app.add_middleware(UnhandledErrorMiddleware)
    app.add_middleware(TimeoutMiddleware, seconds=settings.request_timeout_seconds)
    if settings.rate_limit_enabled:
        app.add_middleware(
            RateLimitMiddleware,
            limiter=RateLimiterService(settings),
            allowed=AddressList(settings.ip_allowlist),
        )
    app.add_middleware(
        BodyLimitMiddleware,
        max_bytes=settings.max_request_size,
        max_upload_bytes=settings.max_upload_size,
        exempt_prefixes=(XAPI_PREFIX + "/",),
    )
    app.add_middleware(GZipMiddleware, minimum_size=settings.gzip_minimum_size)
    services: Services = app.state.services
    app.add_middleware(
        ActivityOriginsCORSMiddleware,
        activity_origins=services.study.activity_origins,
        allow_origins=settings.cors_allowed_origins,
        allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
        allow_headers=["*"],
        expose_headers=EXPOSED_HEADERS,
        max_age=600,
    )
    if settings.ip_blocklist:
        app.add_middleware(BlockListMiddleware, blocked=AddressList(settings.ip_blocklist))
    app.add_middleware(SecurityHeadersMiddleware)
    observers: list[RequestObserver] = [log_request]
    if settings.metrics_enabled:
        observers.append(
            metrics.RequestMetrics(
                static_prefixes=(
                    system_routes.SWAGGER_STATIC,
                    apps.APPS_PREFIX,
                    portal.PORTAL_PREFIX,
                )
            )
        )
    app.add_middleware(ObserveRequestsMiddleware, observers=observers)
    if settings.profiling_enabled:
        app.add_middleware(
            ProfilerMiddleware,
            header=settings.profiling_header,
            directory=settings.profiling_path,
            max_profiles=settings.profiling_max_profiles,
        )
    app.add_middleware(RequestIdMiddleware)


def app_from_environment() -> FastAPI:
    """Entry point for ASGI servers (`uvicorn --factory lang_portal.app:app_from_environment`)."""
    settings = load_settings()
    configure_logging(settings)
    return create_app(settings)
