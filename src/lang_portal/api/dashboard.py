"""Routes for /dashboard."""

from __future__ import annotations

from datetime import date

from lang_portal.api.deps import ServicesDep
from lang_portal.api.rendering import ApiResult
from lang_portal.models.dashboard import LastStudySession, QuickStats, StudyProgress
from lang_portal.route_policy import CACHED_READ, READ, Deprecation, PolicyRouter

router = PolicyRouter(tags=["dashboard"])


@router.get(
    "/dashboard/last_study_session",
    policy=CACHED_READ,
    response_model=LastStudySession,
    summary="The most recent study session (404 when there is none)",
)
def last_study_session(services: ServicesDep) -> ApiResult:
    return ApiResult(services.dashboard.last_study_session())


@router.get(
    "/dashboard/study_progress",
    policy=CACHED_READ,
    response_model=StudyProgress,
    summary="Words studied",
)
def study_progress(services: ServicesDep) -> ApiResult:
    return ApiResult(services.dashboard.study_progress())


@router.get(
    "/dashboard/quick-stats", policy=READ, response_model=QuickStats, summary="Quick statistics"
)
@router.get(
    "/dashboard/quick_stats",
    policy=READ,
    response_model=QuickStats,
    summary="Quick statistics (the old spelling)",
    name="quick_stats_old_spelling",
    deprecation=Deprecation(
        since=date(2026, 12, 1), sunset=date(2027, 6, 1), successor="/dashboard/quick-stats"
    ),
)
def quick_stats(services: ServicesDep) -> ApiResult:
    return ApiResult(services.dashboard.quick_stats())
