"""Routes for /analytics: progress, learning curve, difficult words, mastery, activities."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

from lang_portal.api.deps import ServicesDep
from lang_portal.api.documentation import beyond_schema
from lang_portal.api.rendering import ApiResult
from lang_portal.models.analytics import (
    ActivityEffect,
    DifficultWord,
    Evaluation,
    LearningCurve,
    Mastery,
    Progress,
    Streaks,
)
from lang_portal.models.common import CalendarDate
from lang_portal.route_policy import READ, PolicyRouter
from lang_portal.service.analytics import MAX_RANGE_DAYS

router = PolicyRouter(tags=["analytics"])


@router.get(
    "/analytics/progress",
    policy=READ,
    response_model=Progress,
    summary="Progress per local day",
    openapi_extra=beyond_schema(
        "`from` after `to`",
        f"a range of more than {MAX_RANGE_DAYS} days, `from` and `to` included",
    ),
)
def progress(
    services: ServicesDep,
    from_: Annotated[
        CalendarDate | None,
        Query(alias="from", description="First day (default: 29 days before `to`)"),
    ] = None,
    to: Annotated[CalendarDate | None, Query(description="Last day (default: today)")] = None,
) -> ApiResult:
    return ApiResult(services.analytics.progress(from_, to))


@router.get(
    "/analytics/learning_curve", policy=READ, response_model=LearningCurve, summary="Learning curve"
)
def learning_curve(services: ServicesDep) -> ApiResult:
    return ApiResult(services.analytics.learning_curve())


@router.get(
    "/analytics/difficult_words",
    policy=READ,
    response_model=list[DifficultWord],
    summary="Words with the lowest accuracy",
)
def difficult_words(
    services: ServicesDep,
    min_attempts: Annotated[int, Query(ge=1, le=10_000)] = 3,
    limit: Annotated[int, Query(ge=1, le=500)] = 20,
) -> ApiResult:
    return ApiResult(services.analytics.difficult_words(min_attempts, limit))


@router.get(
    "/analytics/mastery", policy=READ, response_model=Mastery, summary="Words mastered, per group"
)
def mastery(services: ServicesDep) -> ApiResult:
    return ApiResult(services.analytics.mastery())


@router.get(
    "/analytics/activities",
    policy=READ,
    response_model=list[ActivityEffect],
    summary="Accuracy and later retention per study activity",
)
def activities(services: ServicesDep) -> ApiResult:
    return ApiResult(services.analytics.activities())


@router.get(
    "/analytics/streaks", policy=READ, response_model=Streaks, summary="Current and longest streak"
)
def streaks(services: ServicesDep) -> ApiResult:
    return ApiResult(services.analytics.streaks())


@router.get(
    "/analytics/srs_evaluation",
    policy=READ,
    response_model=Evaluation,
    summary="How well FSRS predicted recall: log loss, RMSE(bins), AUC vs a constant baseline",
)
def srs_evaluation(services: ServicesDep) -> ApiResult:
    return ApiResult(services.analytics.srs_evaluation())
