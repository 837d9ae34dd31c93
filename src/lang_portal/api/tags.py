"""Routes for tags: a word's tags, and every tag with its figures (docs/tags.md)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path

from lang_portal.api.deps import ServicesDep, WordId, page_params
from lang_portal.api.documentation import beyond_schema
from lang_portal.api.rendering import ApiResult
from lang_portal.models.common import Page, PageRequest
from lang_portal.models.tags import TagStats, WordTags, WordTagsAdd
from lang_portal.models.validation import tag_name_schema
from lang_portal.repository.tags import TAG_SORT_COLUMNS
from lang_portal.route_policy import CACHED_READ, READ, WRITE, PolicyRouter

router = PolicyRouter(tags=["tags"])
TagPage = Annotated[PageRequest, Depends(page_params(list(TAG_SORT_COLUMNS), "name"))]
TagName = Annotated[str, Path(description="The tag's name", json_schema_extra=tag_name_schema())]


@router.get(
    "/words/{word_id}/tags",
    policy=READ,
    response_model=WordTags,
    summary="A word's tags, each given by hand (manual) or by a rule (auto)",
)
def word_tags(services: ServicesDep, word_id: WordId) -> ApiResult:
    return ApiResult(services.tags.word_tags(word_id))


@router.post(
    "/words/{word_id}/tags",
    policy=WRITE,
    response_model=WordTags,
    summary="Give a word tags by hand (those it has already stay as they are); all or nothing",
    openapi_extra=beyond_schema(
        "a reserved tag (RESERVED_TAGS) or one an auto-tag rule gives",
        "more tags given by hand than MAX_TAGS_PER_WORD (${max_tags_per_word}) on the word",
    ),
)
def add_word_tags(services: ServicesDep, word_id: WordId, body: WordTagsAdd) -> ApiResult:
    return ApiResult(services.tags.add_tags(word_id, body.tags))


@router.delete(
    "/words/{word_id}/tags/{tag}",
    policy=WRITE,
    status_code=204,
    summary="Take a tag given by hand off a word",
    openapi_extra=beyond_schema("a tag given by an auto-tag rule, or a reserved one"),
)
def remove_word_tag(services: ServicesDep, word_id: WordId, tag: TagName) -> ApiResult:
    services.tags.remove_tag(word_id, tag)
    return ApiResult(None, status_code=204)


@router.get(
    "/tags",
    policy=CACHED_READ,
    response_model=Page[TagStats],
    summary="Every tag in use, with its words' count, answers, last answer and difficulty",
)
def list_tags(services: ServicesDep, page: TagPage) -> ApiResult:
    items, pagination = services.tags.list_tags(page)
    return ApiResult(items, pagination=pagination)
