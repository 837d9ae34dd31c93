"""Routes for /words."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

from lang_portal.api.deps import ReviewPage, ServicesDep, WordId, WordPage
from lang_portal.api.rendering import ApiResult
from lang_portal.errors import ValidationFailedError
from lang_portal.i18n import TextError
from lang_portal.models.common import Page
from lang_portal.models.words import WordCreate, WordDetail, WordItem, WordReview, WordUpdate
from lang_portal.route_policy import CACHED_READ, READ, WRITE, PolicyRouter

router = PolicyRouter(tags=["words"])
Search = Annotated[
    str | None,
    Query(
        max_length=100,
        description="Only words whose Japanese, romaji or English contains this text "
        "(case-insensitive for Latin letters)",
    ),
]


@router.get(
    "/words",
    policy=CACHED_READ,
    response_model=Page[WordItem],
    summary="List words, or search them",
)
def list_words(services: ServicesDep, page: WordPage, q: Search = None) -> ApiResult:
    items, pagination = services.inventory.list_words(page, q)
    return ApiResult(items, pagination=pagination)


@router.get(
    "/words/{word_id}", policy=READ, response_model=WordDetail, summary="One word with its groups"
)
def get_word(services: ServicesDep, word_id: WordId) -> ApiResult:
    return ApiResult(services.inventory.get_word(word_id))


@router.get(
    "/words/{word_id}/reviews",
    policy=READ,
    response_model=Page[WordReview],
    summary="A word's answers, newest first, each with its session, group and activity",
)
def word_reviews(services: ServicesDep, word_id: WordId, page: ReviewPage) -> ApiResult:
    items, pagination = services.inventory.word_reviews(word_id, page)
    return ApiResult(items, pagination=pagination)


@router.post(
    "/words", policy=WRITE, response_model=WordDetail, status_code=201, summary="Create a word"
)
def create_word(services: ServicesDep, body: WordCreate) -> ApiResult:
    fields = body.model_dump(exclude={"group_ids"})
    return ApiResult(services.inventory.create_word(fields, body.group_ids), status_code=201)


@router.put("/words/{word_id}", policy=WRITE, response_model=WordDetail, summary="Update a word")
@router.patch("/words/{word_id}", policy=WRITE, response_model=WordDetail, summary="Update a word")
def update_word(services: ServicesDep, word_id: WordId, body: WordUpdate) -> ApiResult:
    try:
        changes = body.changes()
    except TextError as exc:
        field = str(exc.text.params.get("field", "body"))
        raise ValidationFailedError("errors.validation.invalid_word", {field: exc.text}) from exc
    return ApiResult(services.inventory.update_word(word_id, changes))


@router.delete(
    "/words/{word_id}", policy=WRITE, status_code=204, summary="Delete a word and its history"
)
def delete_word(services: ServicesDep, word_id: WordId) -> ApiResult:
    services.inventory.delete_word(word_id)
    return ApiResult(None, status_code=204)
