"""Routes for the learning path: /learning_path and /progress."""

from __future__ import annotations

from lang_portal.api.deps import ServicesDep
from lang_portal.api.rendering import ApiResult
from lang_portal.models.learning_path import LearningPath, ProgressMetrics
from lang_portal.route_policy import READ, PolicyRouter

router = PolicyRouter(tags=["learning path"])


@router.get(
    "/learning_path",
    policy=READ,  # a level's review interval moves with the clock
    response_model=LearningPath,
    summary="The levels (JLPT N5, then N4), each with its status, and the next milestone",
)
def learning_path(services: ServicesDep) -> ApiResult:
    return ApiResult(services.learning_path.learning_path())


@router.get(
    "/progress",
    policy=READ,  # mastery and the streak move with the clock
    response_model=ProgressMetrics,
    summary="The learner's figures: words learned and mastered, accuracy, time, streak, level",
)
def progress(services: ServicesDep) -> ApiResult:
    return ApiResult(services.learning_path.progress())
