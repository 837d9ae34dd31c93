"""Routes for /study_sessions and their review answers."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query

from lang_portal.api.deps import (
    IdempotencyKey,
    ServicesDep,
    SessionId,
    SessionPage,
    WordId,
    page_params,
)
from lang_portal.api.documentation import beyond_schema
from lang_portal.api.rendering import ApiResult
from lang_portal.clock import to_stored
from lang_portal.models.common import Page, PageRequest
from lang_portal.models.study import (
    Grade,
    ReviewCreate,
    ReviewStored,
    SessionCreate,
    StudySession,
    grade_name,
)
from lang_portal.models.words import WordItem
from lang_portal.repository.sessions import SESSION_WORD_SORT_COLUMNS
from lang_portal.route_policy import (
    CACHED_SESSION_READ,
    SESSION_READ,
    SESSION_WRITE,
    PolicyRouter,
)
from lang_portal.service.answers import Answer, RecordedAnswer, answer_outcome
from lang_portal.service.context import ServiceContext

# Keys of resent answers are matched within one route: the same key on another is another request.
# What the answer pipeline refuses for the stored data or an earlier request.
ANSWER_RULES = (
    "an answer in a session idle for more than ${session_timeout_minutes} minutes "
    "(`SESSION_EXPIRED`)",
    "an answer in a paused or completed session (`BUSINESS_RULE_VIOLATION`)",
    "a word past the session's ${max_words_per_session} distinct words",
    "an `Idempotency-Key` already used with another request",
)
REVIEW_SCOPE = "POST /study_sessions/:id/words/:word_id/review"

router = PolicyRouter(tags=["study sessions"])
SessionWordPage = Annotated[
    PageRequest, Depends(page_params(list(SESSION_WORD_SORT_COLUMNS), "japanese"))
]


@router.get(
    "/study_sessions",
    # not cached: a session's state and timeouts move with the clock
    policy=SESSION_READ,
    response_model=Page[StudySession],
    summary="List sessions",
)
def list_sessions(services: ServicesDep, page: SessionPage) -> ApiResult:
    items, pagination = services.study.list_sessions(page)
    return ApiResult(items, pagination=pagination)


@router.post(
    "/study_sessions",
    policy=SESSION_WRITE,
    response_model=StudySession,
    status_code=201,
    summary="Start a session",
)
def create_session(services: ServicesDep, body: SessionCreate) -> ApiResult:
    return ApiResult(
        services.study.create_session(body.group_id, body.study_activity_id), status_code=201
    )


@router.get(
    "/study_sessions/{session_id}",
    policy=SESSION_READ,
    response_model=StudySession,
    summary="One session",
)
def get_session(services: ServicesDep, session_id: SessionId) -> ApiResult:
    return ApiResult(services.study.get_session(session_id))


@router.get(
    "/study_sessions/{session_id}/words",
    policy=CACHED_SESSION_READ,
    response_model=Page[WordItem],
    summary="Words reviewed in a session, with counts from that session",
)
def session_words(services: ServicesDep, session_id: SessionId, page: SessionWordPage) -> ApiResult:
    items, pagination = services.study.session_words(session_id, page)
    return ApiResult(items, pagination=pagination)


@router.post(
    "/study_sessions/{session_id}/words/{word_id}/review",
    policy=SESSION_WRITE,
    response_model=ReviewStored,
    status_code=201,
    summary="Record one answer",
    openapi_extra=beyond_schema("neither a body nor the query parameter `correct`", *ANSWER_RULES),
)
def review_word(
    services: ServicesDep,
    session_id: SessionId,
    word_id: WordId,
    idempotency_key: IdempotencyKey = None,
    correct: Annotated[
        bool | None,
        Query(description="The answer, for clients that send no body (a body wins)"),
    ] = None,
    grade: Annotated[
        Grade | None,
        Query(description="The answer's grade, for clients that send no body (a body wins)"),
    ] = None,
    body: ReviewCreate | None = None,
) -> ApiResult:
    if body is None:
        body = ReviewCreate(correct=correct, grade=grade)
    right, grade_value = answer_outcome(body.correct, body.grade)
    answer = Answer(
        session_id,
        word_id,
        right,
        body.duration_ms,
        source="portal",
        grade=grade_value,
        response=body.response,
    )
    [stored] = services.study.record_reviews(
        [answer], idempotency_key=idempotency_key, scope=REVIEW_SCOPE
    )
    return ApiResult(review_stored(stored, services.context), status_code=201)


# What each lifecycle action refuses (docs/study-apps.md, "Session lifecycle").
LIFECYCLE_RULE = (
    "a transition the lifecycle does not have (`details` name the state and the transitions "
    "allowed from it): a completed session, or an expired one more than "
    "${session_grace_period_minutes} minutes past its expiry, takes none"
)


@router.post(
    "/study_sessions/{session_id}/pause",
    policy=SESSION_WRITE,
    response_model=StudySession,
    summary="Pause a session (it does not expire while paused)",
    openapi_extra=beyond_schema(LIFECYCLE_RULE, "pausing an expired session"),
)
def pause_session(services: ServicesDep, session_id: SessionId) -> ApiResult:
    return ApiResult(services.study.pause(session_id))


@router.post(
    "/study_sessions/{session_id}/resume",
    policy=SESSION_WRITE,
    response_model=StudySession,
    summary="Resume a paused session, or an expired one within its grace period",
    openapi_extra=beyond_schema(LIFECYCLE_RULE),
)
def resume_session(services: ServicesDep, session_id: SessionId) -> ApiResult:
    return ApiResult(services.study.resume(session_id))


@router.post(
    "/study_sessions/{session_id}/complete",
    policy=SESSION_WRITE,
    response_model=StudySession,
    summary="Complete a session (it takes no more answers)",
    openapi_extra=beyond_schema(LIFECYCLE_RULE),
)
def complete_session(services: ServicesDep, session_id: SessionId) -> ApiResult:
    return ApiResult(services.study.complete(session_id))


def review_stored(answer: RecordedAnswer, context: ServiceContext) -> ReviewStored:
    return ReviewStored(
        success=True,
        id=answer.review_id,
        word_id=answer.word_id,
        study_session_id=answer.session_id,
        correct=answer.correct,
        grade=None if answer.grade is None else grade_name(answer.grade),
        response=answer.response,
        created_at=context.api_time(to_stored(answer.answered_at)) or "",
    )
