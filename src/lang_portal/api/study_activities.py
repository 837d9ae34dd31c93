"""Routes for /study_activities: the launchpad."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from lang_portal.api.deps import ActivityId, ServicesDep, SessionPage, page_params
from lang_portal.api.rendering import ApiResult
from lang_portal.models.common import Page, PageRequest
from lang_portal.models.study import (
    Launch,
    LaunchRequest,
    SessionCreate,
    SessionCreated,
    StudyActivity,
    StudySession,
)
from lang_portal.repository.activities import ACTIVITY_SORT_COLUMNS
from lang_portal.route_policy import CACHED_READ, READ, SESSION_WRITE, PolicyRouter
from lang_portal.xapi.context import XAPI_PREFIX
from lang_portal.xapi.launch import xapi_launch

router = PolicyRouter(tags=["study activities"])
ActivityPage = Annotated[PageRequest, Depends(page_params(list(ACTIVITY_SORT_COLUMNS), "id"))]


@router.get(
    "/study_activities",
    policy=CACHED_READ,
    response_model=Page[StudyActivity],
    summary="List activities",
)
def list_activities(services: ServicesDep, page: ActivityPage) -> ApiResult:
    items, pagination = services.study.list_activities(page)
    return ApiResult(items, pagination=pagination)


@router.get(
    "/study_activities/{activity_id}",
    policy=CACHED_READ,
    response_model=StudyActivity,
    summary="One activity",
)
def get_activity(services: ServicesDep, activity_id: ActivityId) -> ApiResult:
    return ApiResult(services.study.get_activity(activity_id))


@router.get(
    "/study_activities/{activity_id}/study_sessions",
    policy=READ,  # not cached: session states move with the clock
    response_model=Page[StudySession],
    summary="An activity's study sessions",
)
def activity_sessions(
    services: ServicesDep, activity_id: ActivityId, page: SessionPage
) -> ApiResult:
    items, pagination = services.study.list_sessions(page, activity_id=activity_id)
    return ApiResult(items, pagination=pagination)


@router.post(
    "/study_activities",
    policy=SESSION_WRITE,
    response_model=SessionCreated,
    status_code=201,
    summary="Start a study session (the spec's reading of this route)",
)
def start_session(services: ServicesDep, body: SessionCreate) -> ApiResult:
    session = services.study.create_session(body.group_id, body.study_activity_id)
    return ApiResult(SessionCreated(id=session.id, group_id=session.group_id), status_code=201)


@router.post(
    "/study_activities/{activity_id}/launch",
    policy=SESSION_WRITE,
    response_model=Launch,
    status_code=201,
    summary="Launch an activity on a group: creates a session and returns the app's URL",
)
def launch_activity(
    request: Request, services: ServicesDep, activity_id: ActivityId, body: LaunchRequest
) -> ApiResult:
    launch = services.study.launch(activity_id, body.group_id)
    if not body.xapi:
        # a plain launch's body has no `xapi` key at all, as before launches could ask for it
        plain = {name: value for name, value in vars(launch).items() if name != "xapi"}
        return ApiResult(plain, status_code=201)
    endpoint = str(request.base_url) + XAPI_PREFIX.lstrip("/") + "/"
    return ApiResult(xapi_launch(services.context, launch, endpoint), status_code=201)
