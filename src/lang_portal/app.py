"""The application factory: one settings object, one database, one set of services."""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.staticfiles import StaticFiles
from swagger_ui_bundle import swagger_ui_path

from lang_portal import __version__
from lang_portal.api import (
    admin,
    analytics,
    dashboard,
    groups,
    legacy,
    srs,
    study_activities,
    study_sessions,
    transfer,
    words,
)
from lang_portal.api import system as system_routes
from lang_portal.api.errors import install_error_handlers
from lang_portal.api.responses import BareRoute, JsonResponse, LegacyRoute, V1Route, mounted
from lang_portal.clock import Clock, SystemClock
from lang_portal.database import Database
from lang_portal.middleware.request_id import RequestIdMiddleware
from lang_portal.service.container import Services
from lang_portal.service.context import ServiceContext
from lang_portal.service.summaries import ensure_daily_stats_zone
from lang_portal.settings import SEEDS_DIR, Settings, load_settings

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
            groups,
            admin,
            srs,
            analytics,
            transfer,
        )
    ]


@functools.cache
def mounted_api() -> tuple[APIRouter, APIRouter]:
    """The spec's routes under `/api/v1` and `/api`, built once per process.

    Building a route compiles its validators; the routes hold no per-app state (handlers reach
    the services through `request.app.state`), so every app in a process can share them.
    """
    routers = spec_routers()
    return mounted(routers, "/api/v1", V1Route), mounted(routers, "/api", BareRoute)


@functools.cache
def mounted_legacy() -> APIRouter:
    """The school's earlier Flask contract (api/legacy.py), built once per process likewise."""
    return mounted([legacy.router], "", LegacyRoute)


def build_services(
    settings: Settings, clock: Clock | None = None, seeds_dir: Path = SEEDS_DIR
) -> Services:
    database = Database(settings.database_path, busy_timeout_ms=settings.database_busy_timeout_ms)
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

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        ensure_daily_stats_zone(services.context)
        yield
        services.context.db.close()

    app = FastAPI(
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

    v1, bare = mounted_api()
    mounts = [v1, mounted_legacy(), bare] if settings.legacy_api_enabled else [v1, bare]
    # The legacy mount goes before the bare one: its `/api/study-sessions` paths sit under that
    # mount's prefix.
    for router in mounts:
        # The shared, already-built route objects go straight into the app's route table;
        # include_router would wrap them again for every app.
        app.router.routes.extend(router.routes)
    app.include_router(system_routes.router)
    app.mount(
        system_routes.SWAGGER_STATIC,
        StaticFiles(directory=Path(str(swagger_ui_path))),
        name="swagger-static",
    )
    install_error_handlers(app)
    app.add_middleware(RequestIdMiddleware)
    return app


def app_from_environment() -> FastAPI:
    """Entry point for ASGI servers (`uvicorn --factory lang_portal.app:app_from_environment`)."""
    return create_app()
