"""Routes for /analytics: progress, learning curve, difficult words, mastery, activities."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import Query
from pydantic import BaseModel, Field

from lang_portal.api.deps import ServicesDep
from lang_portal.api.rendering import ApiResult
from lang_portal.route_policy import READ, PolicyRouter

router = PolicyRouter(tags=["analytics"])


class ProgressDay(BaseModel):
    date: str
    reviews: int
    correct: int
    accuracy: float | None
    words_studied: int = Field(description="distinct words reviewed that day")
    new_words: int = Field(description="words reviewed for the first time that day")
    time_spent_ms: int


class ProgressTotals(BaseModel):
    reviews: int
    correct: int
    accuracy: float | None
    new_words: int
    time_spent_ms: int
    study_days: int


class Progress(BaseModel):
    from_: str = Field(alias="from")
    to: str
    timezone: str
    days: list[ProgressDay]
    totals: ProgressTotals


class SeenPoint(BaseModel):
    times_seen: int = Field(description="answers to the word before this one (50 = 50 or more)")
    reviews: int
    accuracy: float | None


class GapPoint(BaseModel):
    days: int = Field(description="whole days since the word's previous review")
    reviews: int
    retention: float | None


class LearningCurve(BaseModel):
    by_times_seen: list[SeenPoint]
    by_days_since_review: list[GapPoint]


class DifficultWord(BaseModel):
    word_id: int
    japanese: str
    romaji: str
    english: str
    attempts: int
    correct_count: int
    wrong_count: int
    accuracy: float | None
    stability: float | None
    lapses: int


class GroupMastery(BaseModel):
    group_id: int
    name: str
    word_count: int
    studied: int
    mastered: int
    studied_share: float | None
    mastered_share: float | None


class Mastery(BaseModel):
    stability_threshold_days: float
    total_words: int
    studied: int
    mastered: int
    studied_share: float | None
    mastered_share: float | None
    groups: list[GroupMastery]


class ActivityEffect(BaseModel):
    study_activity_id: int
    name: str
    reviews: int
    accuracy: float | None
    later_reviews: int = Field(
        description="next answers to words practised here, a day or more later"
    )
    later_retention: float | None


class Streaks(BaseModel):
    today: str
    timezone: str
    current: int
    longest: int
    longest_start: str | None
    longest_end: str | None
    studied_today: bool


class Scores(BaseModel):
    log_loss: float
    rmse_bins: float
    auc: float | None


class Evaluation(BaseModel):
    reviews_scored: int
    average_recall: float | None
    bins: int | None = None
    fsrs: Scores | None
    baseline: Scores | None


@router.get(
    "/analytics/progress", policy=READ, response_model=Progress, summary="Progress per local day"
)
def progress(
    services: ServicesDep,
    from_: Annotated[
        date | None, Query(alias="from", description="First day (default: 29 days before `to`)")
    ] = None,
    to: Annotated[date | None, Query(description="Last day (default: today)")] = None,
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
