"""Routes outside /api: health and the offline Swagger UI."""

from __future__ import annotations

import importlib.resources
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST

from lang_portal import __version__
from lang_portal.errors import NotFoundError
from lang_portal.middleware import metrics as metrics_middleware
from lang_portal.mounts import JsonResponse
from lang_portal.route_policy import EXEMPT, READ, PolicyRouter
from lang_portal.service.container import Services
from lang_portal.service.monitoring import active_sessions

router = PolicyRouter()
SWAGGER_STATIC = "/swagger/static"


def swagger_ui_directory() -> Path:
    """Swagger UI 5's files as the `fastapi-offline` package installs them."""
    return Path(str(importlib.resources.files("fastapi_offline") / "static"))


# On the event loop like the API's GETs (see route_policy.Runs): the check is one
# read-only query, and this route is the benchmark's measure of the stack's own cost.
@router.get(
    "/health", policy=EXEMPT, tags=["system"], summary="Liveness with a real database check"
)
async def health(request: Request) -> JsonResponse:
    services: Services = request.app.state.services
    checks: dict[str, Any] = {"api": "up"}
    try:
        latency_ms = services.context.db.ping()
        checks["database_latency_ms"] = round(latency_ms, 3)
        # Readable is not enough: a database that refuses writes loses every answer sent to it.
        problem = services.context.db.write_problem()
        checks["database"] = problem or "up"
        healthy = problem is None
    except Exception as exc:  # any failure to query is "down", whatever its cause
        checks["database"] = services.context.db.write_problem() or "down"
        checks["database_error"] = type(exc).__name__
        healthy = False
    body = {
        "status": "healthy" if healthy else "unhealthy",
        "version": __version__,
        "timestamp": datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        "checks": checks,
    }
    return JsonResponse(body, status_code=200 if healthy else 503)


@router.get("/metrics", policy=EXEMPT, include_in_schema=False)
def metrics(request: Request) -> Response:
    """Prometheus text exposition; study sessions in use are counted at scrape time."""
    services: Services = request.app.state.services
    if not services.context.settings.metrics_enabled:
        raise NotFoundError("no route for GET /metrics")
    gauges = [
        metrics_middleware.ScrapeGauge(
            "study_sessions_active",
            "Study sessions with activity within SESSION_TIMEOUT_MINUTES.",
            lambda: active_sessions(services.context),
        )
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
