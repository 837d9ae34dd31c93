"""Routes for spaced repetition: the review queue, a session's next words, the forecast."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

from lang_portal.api.deps import ServicesDep, SessionId
from lang_portal.api.rendering import ApiResult
from lang_portal.models.common import SQLITE_MAX_INTEGER
from lang_portal.models.srs import Forecast, ReviewQueue, SessionQueue, SessionResult
from lang_portal.models.srs_parameters import SrsParameters
from lang_portal.route_policy import READ, SESSION_READ, WRITE, PolicyRouter

router = PolicyRouter(tags=["spaced repetition"])
Limit = Annotated[int, Query(ge=1, le=200, description="At most this many words")]


@router.get(
    "/review_queue",
    policy=READ,
    response_model=ReviewQueue,
    summary="Words to review now: due first (most overdue first), then new up to the daily limit",
)
def review_queue(
    services: ServicesDep,
    limit: Limit = 20,
    group_id: Annotated[
        int | None, Query(ge=1, le=SQLITE_MAX_INTEGER, description="Only this group")
    ] = None,
) -> ApiResult:
    return ApiResult(services.srs.review_queue(group_id, limit))


@router.get(
    "/study_sessions/{session_id}/next_words",
    policy=SESSION_READ,
    response_model=SessionQueue,
    summary="The next words for a running session, from its group: due first, then new",
)
def next_words(
    services: ServicesDep,
    session_id: SessionId,
    limit: Limit = 10,
) -> ApiResult:
    return ApiResult(services.srs.session_next_words(session_id, limit))


@router.get(
    "/study_sessions/{session_id}/result",
    policy=SESSION_READ,
    response_model=SessionResult,
    summary="A session's outcome: answers, accuracy, and each word's new scheduling state",
)
def session_result(
    services: ServicesDep,
    session_id: SessionId,
) -> ApiResult:
    return ApiResult(services.srs.session_result(session_id))


@router.get(
    "/srs/forecast", policy=READ, response_model=Forecast, summary="Words falling due per day"
)
def forecast(
    services: ServicesDep,
    days: Annotated[int, Query(ge=1, le=365, description="How many days, from today")] = 7,
) -> ApiResult:
    return ApiResult(services.srs.forecast(days))


@router.get(
    "/srs/parameters",
    policy=READ,
    response_model=SrsParameters,
    summary="The FSRS parameters in use, where they came from, and their held-out scores beside "
    "the defaults' and the constant baseline's",
)
def srs_parameters(services: ServicesDep) -> ApiResult:
    return ApiResult(services.optimizer.parameters())


@router.delete(
    "/srs/parameters",
    policy=WRITE,
    response_model=SrsParameters,
    summary="Back to the default FSRS parameters: every card is replayed with them",
)
def reset_srs_parameters(services: ServicesDep) -> ApiResult:
    return ApiResult(services.optimizer.reset())
