"""Routes for the resets."""

from __future__ import annotations

from lang_portal.api.deps import ServicesDep
from lang_portal.api.rendering import ApiResult
from lang_portal.models.common import SuccessMessage
from lang_portal.route_policy import WRITE, PolicyRouter

router = PolicyRouter(tags=["admin"])


@router.post(
    "/reset_history",
    policy=WRITE,
    response_model=SuccessMessage,
    summary="Delete all study sessions and reviews; words, groups and activities stay",
)
def reset_history(services: ServicesDep) -> ApiResult:
    return ApiResult(services.admin.reset_history())


@router.post(
    "/full_reset",
    policy=WRITE,
    response_model=SuccessMessage,
    summary="Back to the freshly seeded state",
)
def full_reset(services: ServicesDep) -> ApiResult:
    return ApiResult(services.admin.full_reset())
