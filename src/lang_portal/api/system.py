"""Routes outside /api: health and the offline Swagger UI."""

from __future__ import annotations

import importlib.resources
from pathlib import Path

from fastapi import Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST

from lang_portal.errors import NotFoundError
from lang_portal.middleware import metrics as metrics_middleware
from lang_portal.mounts import JsonResponse
from lang_portal.route_policy import EXEMPT, READ, PolicyRouter
from lang_portal.service.container import Services
from lang_portal.service.health import HealthService
from lang_portal.service.monitoring import active_sessions, operations_metrics

router = PolicyRouter()
SWAGGER_STATIC = "/swagger/static"


def swagger_ui_directory() -> Path:
    """Swagger UI 5's files as the `fastapi-offline` package installs them."""
    return Path(str(importlib.resources.files("fastapi_offline") / "static"))


# On the event loop like the API's GETs (see route_policy.Runs): the database check is one
# read-only query, the other components are checked at most every few seconds, and this route
# is the benchmark's measure of the stack's own cost.
@router.get(
    "/health",
    policy=EXEMPT,
    tags=["system"],
    summary="Health by component: database, disk, backups, maintenance runner",
)
async def health(request: Request) -> JsonResponse:
    health_service: HealthService = request.app.state.health
    status_code, body = health_service.report()
    return JsonResponse(body, status_code=status_code)


@router.get("/metrics", policy=EXEMPT, include_in_schema=False)
def metrics(request: Request) -> Response:
    """Prometheus text exposition; study sessions in use are counted at scrape time."""
    services: Services = request.app.state.services
    if not services.context.settings.metrics_enabled:
        raise NotFoundError("errors.not_found.route", method="GET", path="/metrics")
    gauges: list[metrics_middleware.ScrapeCollector] = [
        metrics_middleware.ScrapeGauge(
            "study_sessions_active",
            "Study sessions with activity within SESSION_TIMEOUT_MINUTES.",
            lambda: active_sessions(services.context),
        ),
        metrics_middleware.ScrapeFamilies(lambda: operations_metrics(services.context)),
    ]
    return Response(metrics_middleware.render(gauges), media_type=CONTENT_TYPE_LATEST)


@router.get("/swagger/index.html", policy=READ, include_in_schema=False)
def swagger_ui(request: Request) -> HTMLResponse:
    return get_swagger_ui_html(
        openapi_url=request.app.openapi_url,
        title="lang-portal API",
        swagger_js_url=f"{SWAGGER_STATIC}/swagger-ui-bundle.js",
        swagger_css_url=f"{SWAGGER_STATIC}/swagger-ui.css",
        swagger_favicon_url=f"{SWAGGER_STATIC}/favicon.png",
    )


@router.get("/swagger", policy=READ, include_in_schema=False)
@router.get("/swagger/", policy=READ, include_in_schema=False)
@router.get("/docs", policy=READ, include_in_schema=False)
def swagger_redirect() -> RedirectResponse:
    return RedirectResponse("/swagger/index.html")


@router.get("/swagger/doc.json", policy=READ, include_in_schema=False)
def swagger_document(request: Request) -> JsonResponse:
    return JsonResponse(request.app.openapi())
