"""The school's earlier Flask contract, served from the same services (docs/legacy-api.md).

The school's portal frontend and typing app call these paths on port 5000 and read bare JSON
bodies with their own shapes: words keyed `kanji`, fixed page sizes, `{"error": "message"}`.
These clients send odd things (an unknown sort key, a page number that is not one), so query
values are read leniently and fall back to the contract's defaults instead of being refused.
Only what the contract itself refuses (a missing body field, an unknown id) is an error.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Literal
from urllib.parse import urljoin, urlsplit

from fastapi import Query, Request
from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic.json_schema import SkipJsonSchema

from lang_portal.api.deps import (
    MAX_PAGE_NUMBER,
    ActivityId,
    GroupId,
    IdempotencyKey,
    RequestLanguage,
    ServicesDep,
    SessionId,
    WordId,
)
from lang_portal.api.documentation import beyond_schema
from lang_portal.api.study_sessions import ANSWER_RULES
from lang_portal.clock import to_stored
from lang_portal.i18n import TextError
from lang_portal.models.common import PageRequest, Pagination, SqliteInteger
from lang_portal.models.groups import GroupItem
from lang_portal.models.study import StudyActivity, StudySession
from lang_portal.models.words import WordItem, WordWithParts
from lang_portal.mounts import JsonResponse, language_headers
from lang_portal.repository.sessions import SESSION_SORT_COLUMNS
from lang_portal.route_policy import READ, SESSION_READ, SESSION_WRITE, PolicyRouter
from lang_portal.service.answers import Answer, RecordedAnswer
from lang_portal.service.context import ServiceContext
from lang_portal.service.syllables import romaji_syllables

router = PolicyRouter(tags=["legacy (the school's Flask contract)"])

WORDS_PER_PAGE = 50
GROUPS_PER_PAGE = 10
GROUP_WORDS_PER_PAGE = 10
SESSIONS_PER_PAGE = 10
MAX_REVIEWS_PER_BATCH = 1000
DEFAULT_PREVIEW = "/apps/thumbnails/activity.svg"


# Their sort keys, translated to the services' keys; the first entry is the fallback.
WORD_SORTS = {
    "kanji": "japanese",
    "romaji": "romaji",
    "english": "english",
    "correct_count": "correct_count",
    "wrong_count": "wrong_count",
}
GROUP_SORTS = {"name": "name", "word_count": "word_count", "words_count": "word_count"}
SESSION_SORTS = {"start_time": "start_time", **{key: key for key in SESSION_SORT_COLUMNS}}

PageQuery = Annotated[str | None, Query(description="Page from 1; anything else reads as 1")]
PerPageQuery = Annotated[str | None, Query(description="Items per page (default 10)")]
SortQuery = Annotated[str | None, Query(description="Sort key; an unknown one is the default")]
OrderQuery = Annotated[str | None, Query(description="asc or desc")]


# -- reading lenient query values ---------------------------------------------------------------


def _integer(raw: str | None) -> int | None:
    try:
        return int(raw) if raw is not None else None
    except ValueError:
        return None


def _page_number(raw: str | None) -> int:
    return min(max(_integer(raw) or 1, 1), MAX_PAGE_NUMBER)


def _page_size(services: ServicesDep, raw: str | None, default: int) -> int:
    size = _integer(raw) or default
    return min(max(size, 1), services.context.settings.max_page_size)


def _sorted_page(
    page: str | None,
    per_page: int,
    sort_by: str | None,
    order: str | None,
    sorts: Mapping[str, str],
    default_order: Literal["asc", "desc"] = "asc",
) -> PageRequest:
    """The services' page request; an unknown sort key means the default sort and order."""
    if sort_by is not None and sort_by in sorts:
        key = sorts[sort_by]
        direction: Literal["asc", "desc"] = default_order
        if order is not None and order.lower() in ("asc", "desc"):
            direction = "desc" if order.lower() == "desc" else "asc"
    else:
        key, direction = next(iter(sorts.values())), default_order
    return PageRequest(page=_page_number(page), per_page=per_page, sort_by=key, order=direction)


def _newest_first(services: ServicesDep, page: str | None, per_page: str | None) -> PageRequest:
    size = _page_size(services, per_page, SESSIONS_PER_PAGE)
    return PageRequest(page=_page_number(page), per_page=size, sort_by="start_time", order="desc")


def _absolute(request: Request, url: str | None) -> str | None:
    """A URL the frontend (another origin) can open: relative ones are joined to this server."""
    if url is None or urlsplit(url).scheme:
        return url
    return urljoin(str(request.base_url), url)


# -- shapes -------------------------------------------------------------------------------------


def _word(item: WordItem) -> dict[str, Any]:
    return {
        "id": item.id,
        "kanji": item.japanese,
        "romaji": item.romaji,
        "english": item.english,
        "correct_count": item.correct_count,
        "wrong_count": item.wrong_count,
    }


def _session(item: StudySession) -> dict[str, Any]:
    return {
        "id": item.id,
        "group_id": item.group_id,
        "group_name": item.group_name,
        "activity_id": item.study_activity_id,
        "activity_name": item.activity_name,
        "start_time": item.start_time,
        "end_time": item.end_time,
        "review_items_count": item.review_items_count,
    }


def _activity(request: Request, item: StudyActivity) -> dict[str, Any]:
    return {
        "id": item.id,
        "title": item.name,
        "launch_url": _absolute(request, item.launch_url),
        # the school's frontend shows this image for every activity: none would be a broken one
        "preview_url": _absolute(request, item.thumbnail_url or DEFAULT_PREVIEW),
    }


def _typing_app_parts(word: WordWithParts) -> list[dict[str, Any]]:
    """The typing app's own parts: `{"kanji": "郵", "romaji": ["yuu"]}`, romaji in syllables.

    From the stored `{text, romaji}` parts (the seeds' shape); a word without usable parts is
    one part, the whole word, so that the app can still show and check it.
    """
    parts = word.parts
    shaped: list[dict[str, Any]] = []
    for part in parts if isinstance(parts, list) else ():
        text = part.get("kanji", part.get("text")) if isinstance(part, dict) else None
        romaji = part.get("romaji") if isinstance(part, dict) else None
        if isinstance(romaji, list) and all(isinstance(item, str) for item in romaji):
            romaji = "".join(romaji)
        if not (isinstance(text, str) and text and isinstance(romaji, str) and romaji):
            shaped = []
            break
        shaped.append({"kanji": text, "romaji": romaji_syllables(romaji)})
    return shaped or [{"kanji": word.japanese, "romaji": romaji_syllables(word.romaji)}]


def _review(context: ServiceContext, answer: RecordedAnswer) -> dict[str, Any]:
    return {
        "id": answer.review_id,
        "word_id": answer.word_id,
        "study_session_id": answer.session_id,
        "correct": answer.correct,
        "created_at": context.api_time(to_stored(answer.answered_at)),
    }


def _group(item: GroupItem) -> dict[str, Any]:
    return {"id": item.id, "group_name": item.name, "word_count": item.word_count}


def _paged(pagination: Pagination, **lists: list[dict[str, Any]]) -> dict[str, Any]:
    return {**lists, "total_pages": pagination.total_pages, "current_page": pagination.current_page}


def _counted(pagination: Pagination, **content: Any) -> dict[str, Any]:
    return {
        **content,
        "total": pagination.total_items,
        "page": pagination.current_page,
        "per_page": pagination.items_per_page,
        "total_pages": pagination.total_pages,
    }


# -- words --------------------------------------------------------------------------------------


@router.get("/words", policy=READ, summary="Words, 50 a page")
def legacy_list_words(
    services: ServicesDep,
    page: PageQuery = None,
    sort_by: SortQuery = None,
    order: OrderQuery = None,
) -> JsonResponse:
    request = _sorted_page(page, WORDS_PER_PAGE, sort_by, order, WORD_SORTS)
    items, pagination = services.inventory.list_words(request)
    body = _paged(pagination, words=[_word(item) for item in items])
    return JsonResponse({**body, "total_words": pagination.total_items})


@router.get("/words/{word_id}", policy=READ, summary="One word with its groups")
def legacy_get_word(services: ServicesDep, word_id: WordId) -> JsonResponse:
    detail = services.inventory.get_word(word_id)
    counts = detail.stats
    word = WordItem(
        detail.id,
        detail.japanese,
        detail.romaji,
        detail.english,
        counts.correct_count,
        counts.wrong_count,
        detail.tags,
        0.0 if detail.difficulty is None else detail.difficulty.score,
    )
    return JsonResponse({"word": {**_word(word), "groups": detail.groups}})


# -- groups -------------------------------------------------------------------------------------


@router.get("/groups", policy=READ, summary="Groups, 10 a page")
def legacy_list_groups(
    services: ServicesDep,
    page: PageQuery = None,
    sort_by: SortQuery = None,
    order: OrderQuery = None,
) -> JsonResponse:
    request = _sorted_page(page, GROUPS_PER_PAGE, sort_by, order, GROUP_SORTS)
    items, pagination = services.inventory.list_groups(request)
    groups = [_group(item) for item in items]
    return JsonResponse(_paged(pagination, groups=groups))


@router.get("/groups/{group_id}", policy=READ, summary="One group")
def legacy_get_group(services: ServicesDep, group_id: GroupId) -> JsonResponse:
    group = services.inventory.get_group(group_id)
    return JsonResponse(_group(GroupItem(group.id, group.name, group.stats.total_word_count)))


@router.get("/groups/{group_id}/words", policy=READ, summary="A group's words, 10 a page")
def legacy_group_words(
    services: ServicesDep,
    group_id: GroupId,
    page: PageQuery = None,
    sort_by: SortQuery = None,
    order: OrderQuery = None,
) -> JsonResponse:
    request = _sorted_page(page, GROUP_WORDS_PER_PAGE, sort_by, order, WORD_SORTS)
    items, pagination = services.inventory.group_words(group_id, request)
    return JsonResponse(_paged(pagination, words=[_word(item) for item in items]))


@router.get(
    "/groups/{group_id}/words/raw", policy=READ, summary="All of a group's words, with parts"
)
def legacy_group_words_raw(services: ServicesDep, group_id: GroupId) -> JsonResponse:
    found = services.inventory.all_group_words(group_id)
    return JsonResponse(
        {
            "group_id": found.group.id,
            "group_name": found.group.name,
            "words": [
                {
                    "id": word.id,
                    "kanji": word.japanese,
                    "romaji": word.romaji,
                    "english": word.english,
                    "parts": _typing_app_parts(word),
                }
                for word in found.words
            ],
        }
    )


@router.get(
    "/groups/{group_id}/study_sessions", policy=READ, summary="A group's sessions, newest first"
)
def legacy_group_sessions(
    services: ServicesDep,
    group_id: GroupId,
    page: PageQuery = None,
    sort_by: SortQuery = None,
    order: OrderQuery = None,
) -> JsonResponse:
    request = _sorted_page(page, SESSIONS_PER_PAGE, sort_by, order, SESSION_SORTS, "desc")
    items, pagination = services.study.list_sessions(request, group_id=group_id)
    sessions = [{**_session(item), "study_activity_id": item.study_activity_id} for item in items]
    return JsonResponse(_paged(pagination, study_sessions=sessions))


# -- study sessions and reviews -----------------------------------------------------------------


class LegacySessionCreate(BaseModel):
    group_id: SqliteInteger
    study_activity_id: SqliteInteger


class LegacyReview(BaseModel):
    word_id: SqliteInteger
    is_correct: bool


def _one_of_the_shapes(schema: dict[str, Any]) -> None:
    """The document states the two shapes `_one_shape` takes, and nothing between them."""
    single = {"anyOf": [{"required": ["word_id"]}, {"required": ["correct"]}]}
    schema["oneOf"] = [
        {"required": ["word_id", "correct"], "not": {"required": ["reviews"]}},
        {"required": ["reviews"], "not": single},
    ]


class LegacyReviewBody(BaseModel):
    """The typing app's `{word_id, correct}`, or the frontend's `{reviews: [...]}`."""

    model_config = ConfigDict(json_schema_extra=_one_of_the_shapes)

    # Left out, never null: the document has no null for them.
    word_id: SqliteInteger | SkipJsonSchema[None] = None
    correct: bool | SkipJsonSchema[None] = None
    reviews: (
        Annotated[list[LegacyReview], Field(min_length=1, max_length=MAX_REVIEWS_PER_BATCH)]
        | SkipJsonSchema[None]
    ) = None

    @model_validator(mode="after")
    def _one_shape(self) -> LegacyReviewBody:
        nulls = sorted(name for name in self.model_fields_set if getattr(self, name) is None)
        if nulls:
            raise TextError("validation.legacy.null_fields", fields=", ".join(nulls))
        single = self.word_id is not None or self.correct is not None
        if self.reviews is not None and single:
            raise TextError("validation.legacy.both_shapes")
        if self.reviews is None:
            missing = [name for name in ("word_id", "correct") if getattr(self, name) is None]
            if missing:
                raise TextError("validation.legacy.missing_fields", fields=" and ".join(missing))
        return self

    def answers(self, session_id: int) -> list[Answer]:
        if self.reviews is not None:
            return [
                Answer(session_id, review.word_id, review.is_correct, source="legacy")
                for review in self.reviews
            ]
        assert self.word_id is not None and self.correct is not None
        return [Answer(session_id, self.word_id, self.correct, source="legacy")]


LEGACY_REVIEW_SCOPE = "POST /study_sessions/:id/review"


@router.post("/study_sessions", policy=SESSION_WRITE, status_code=201, summary="Start a session")
def legacy_create_session(services: ServicesDep, body: LegacySessionCreate) -> JsonResponse:
    session = services.study.create_session(body.group_id, body.study_activity_id)
    return JsonResponse({"session_id": session.id}, status_code=201)


@router.post(
    "/study_sessions/{session_id}/review",
    policy=SESSION_WRITE,
    status_code=201,
    summary="Record answers",
    openapi_extra=beyond_schema(*ANSWER_RULES),
)
def legacy_review(
    services: ServicesDep,
    session_id: SessionId,
    body: LegacyReviewBody,
    idempotency_key: IdempotencyKey = None,
) -> JsonResponse:
    # One transaction for the whole batch: a refused answer leaves nothing written.
    stored = services.study.record_reviews(
        body.answers(session_id), idempotency_key=idempotency_key, scope=LEGACY_REVIEW_SCOPE
    )
    reviews = [_review(services.context, item) for item in stored]
    if body.reviews is None:
        return JsonResponse(reviews[0], status_code=201)
    return JsonResponse({"study_session_id": session_id, "reviews": reviews}, status_code=201)


@router.get("/api/study-sessions", policy=SESSION_READ, summary="Sessions, newest first")
def legacy_list_sessions(
    services: ServicesDep, page: PageQuery = None, per_page: PerPageQuery = None
) -> JsonResponse:
    request = _newest_first(services, page, per_page)
    items, pagination = services.study.list_sessions(request)
    return JsonResponse(_counted(pagination, items=[_session(item) for item in items]))


@router.post("/api/study-sessions/reset", policy=SESSION_WRITE, summary="Clear the study history")
def legacy_reset_history(services: ServicesDep, language: RequestLanguage) -> JsonResponse:
    result = services.admin.reset_history(language)
    return JsonResponse({"message": result.message}, headers=language_headers(language))


@router.get(
    "/api/study-sessions/{session_id}", policy=SESSION_READ, summary="A session and its words"
)
def legacy_get_session(
    services: ServicesDep,
    session_id: SessionId,
    page: PageQuery = None,
    per_page: PerPageQuery = None,
) -> JsonResponse:
    session = services.study.get_session(session_id)
    size = _page_size(services, per_page, SESSIONS_PER_PAGE)
    request = PageRequest(page=_page_number(page), per_page=size, sort_by="japanese", order="asc")
    items, pagination = services.study.session_words(session_id, request)
    words = [_word(item) for item in items]
    return JsonResponse(_counted(pagination, session=_session(session), words=words))


# -- study activities ---------------------------------------------------------------------------


@router.get("/api/study-activities", policy=READ, summary="Every activity (a bare array)")
def legacy_list_activities(request: Request, services: ServicesDep) -> JsonResponse:
    return JsonResponse([_activity(request, item) for item in services.study.all_activities()])


@router.get("/api/study-activities/{activity_id}", policy=READ, summary="One activity")
def legacy_get_activity(
    request: Request, services: ServicesDep, activity_id: ActivityId
) -> JsonResponse:
    item = services.study.get_activity(activity_id)
    return JsonResponse({**_activity(request, item), "description": item.description})


@router.get(
    "/api/study-activities/{activity_id}/sessions", policy=READ, summary="An activity's sessions"
)
def legacy_activity_sessions(
    services: ServicesDep,
    activity_id: ActivityId,
    page: PageQuery = None,
    per_page: PerPageQuery = None,
) -> JsonResponse:
    request = _newest_first(services, page, per_page)
    items, pagination = services.study.list_sessions(request, activity_id=activity_id)
    return JsonResponse(_counted(pagination, items=[_session(item) for item in items]))


@router.get(
    "/api/study-activities/{activity_id}/launch",
    policy=READ,
    summary="What the launch form needs: the activity and the groups to pick from",
)
def legacy_launch_form(
    request: Request, services: ServicesDep, activity_id: ActivityId
) -> JsonResponse:
    activity = _activity(request, services.study.get_activity(activity_id))
    return JsonResponse({"activity": activity, "groups": services.inventory.all_groups()})


# -- dashboard ----------------------------------------------------------------------------------


@router.get("/dashboard/recent-session", policy=READ, summary="The latest session, or null")
def legacy_recent_session(services: ServicesDep) -> JsonResponse:
    session = services.dashboard.recent_session()
    if session is None:
        return JsonResponse(None)
    return JsonResponse(
        {
            "id": session.id,
            "group_id": session.group_id,
            "activity_name": session.activity_name,
            "created_at": session.created_at,
            "correct_count": session.correct_count,
            "wrong_count": session.wrong_count,
        }
    )


@router.get(
    "/dashboard/stats", policy=READ, summary="Dashboard figures; success_rate is a fraction 0..1"
)
def legacy_stats(services: ServicesDep) -> JsonResponse:
    return JsonResponse(services.dashboard.overview())
