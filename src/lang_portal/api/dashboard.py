"""Routes for /dashboard."""

from __future__ import annotations

from fastapi import APIRouter

from lang_portal.api.deps import ServicesDep
from lang_portal.api.responses import ApiResult
from lang_portal.models.study import LastStudySession, QuickStats, StudyProgress

router = APIRouter(tags=["dashboard"])


@router.get(
    "/dashboard/last_study_session",
    response_model=LastStudySession,
    summary="The most recent study session (404 when there is none)",
)
def last_study_session(services: ServicesDep) -> ApiResult:
    return ApiResult(services.dashboard.last_study_session())


@router.get("/dashboard/study_progress", response_model=StudyProgress, summary="Words studied")
def study_progress(services: ServicesDep) -> ApiResult:
    return ApiResult(services.dashboard.study_progress())


@router.get("/dashboard/quick-stats", response_model=QuickStats, summary="Quick statistics")
@router.get("/dashboard/quick_stats", response_model=QuickStats, include_in_schema=False)
def quick_stats(services: ServicesDep) -> ApiResult:
    return ApiResult(services.dashboard.quick_stats())
