"""Routes for /groups."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from lang_portal.api.deps import GroupId, ServicesDep, SessionPage, WordId, WordPage, page_params
from lang_portal.api.documentation import beyond_schema
from lang_portal.api.rendering import ApiResult
from lang_portal.models.common import Page, PageRequest
from lang_portal.models.groups import (
    GroupCreate,
    GroupDetail,
    GroupItem,
    GroupUpdate,
    GroupWordsAdd,
    GroupWordsAdded,
)
from lang_portal.models.study import StudySession
from lang_portal.models.words import WordItem
from lang_portal.repository.groups import GROUP_SORT_COLUMNS
from lang_portal.route_policy import CACHED_READ, READ, WRITE, PolicyRouter

router = PolicyRouter(tags=["groups"])
GroupPage = Annotated[PageRequest, Depends(page_params(list(GROUP_SORT_COLUMNS), "name"))]


@router.get("/groups", policy=CACHED_READ, response_model=Page[GroupItem], summary="List groups")
def list_groups(services: ServicesDep, page: GroupPage) -> ApiResult:
    items, pagination = services.inventory.list_groups(page)
    return ApiResult(items, pagination=pagination)


@router.get(
    "/groups/{group_id}", policy=CACHED_READ, response_model=GroupDetail, summary="One group"
)
def get_group(services: ServicesDep, group_id: GroupId) -> ApiResult:
    return ApiResult(services.inventory.get_group(group_id))


@router.get(
    "/groups/{group_id}/words",
    policy=CACHED_READ,
    response_model=Page[WordItem],
    summary="A group's words",
)
def group_words(services: ServicesDep, group_id: GroupId, page: WordPage) -> ApiResult:
    items, pagination = services.inventory.group_words(group_id, page)
    return ApiResult(items, pagination=pagination)


@router.get(
    "/groups/{group_id}/study_sessions",
    policy=READ,  # not cached: session states move with the clock
    response_model=Page[StudySession],
    summary="A group's study sessions",
)
def group_sessions(services: ServicesDep, group_id: GroupId, page: SessionPage) -> ApiResult:
    items, pagination = services.study.list_sessions(page, group_id=group_id)
    return ApiResult(items, pagination=pagination)


@router.post(
    "/groups",
    policy=WRITE,
    response_model=GroupDetail,
    status_code=201,
    summary="Create a group",
    openapi_extra=beyond_schema(
        "a new group when ${max_groups} groups exist",
        "more than ${max_words_per_group} distinct `word_ids`",
    ),
)
def create_group(services: ServicesDep, body: GroupCreate) -> ApiResult:
    return ApiResult(services.inventory.create_group(body.name, body.word_ids), status_code=201)


@router.put(
    "/groups/{group_id}", policy=WRITE, response_model=GroupDetail, summary="Rename a group"
)
@router.patch(
    "/groups/{group_id}", policy=WRITE, response_model=GroupDetail, summary="Rename a group"
)
def rename_group(services: ServicesDep, group_id: GroupId, body: GroupUpdate) -> ApiResult:
    return ApiResult(services.inventory.rename_group(group_id, body.name))


@router.delete(
    "/groups/{group_id}", policy=WRITE, status_code=204, summary="Delete a group (words stay)"
)
def delete_group(services: ServicesDep, group_id: GroupId) -> ApiResult:
    services.inventory.delete_group(group_id)
    return ApiResult(None, status_code=204)


@router.post(
    "/groups/{group_id}/words",
    policy=WRITE,
    response_model=GroupWordsAdded,
    summary="Add words to a group",
    openapi_extra=beyond_schema("words past ${max_words_per_group} in one group"),
)
def add_group_words(services: ServicesDep, group_id: GroupId, body: GroupWordsAdd) -> ApiResult:
    return ApiResult(services.inventory.add_words_to_group(group_id, body.all_ids()))


@router.delete(
    "/groups/{group_id}/words/{word_id}",
    policy=WRITE,
    status_code=204,
    summary="Remove a word from a group",
)
def remove_group_word(
    services: ServicesDep,
    group_id: GroupId,
    word_id: WordId,
) -> ApiResult:
    services.inventory.remove_word_from_group(group_id, word_id)
    return ApiResult(None, status_code=204)
