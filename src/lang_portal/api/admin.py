"""Routes for the resets."""

from __future__ import annotations

from lang_portal.api.deps import RequestLanguage, ServicesDep
from lang_portal.api.rendering import ApiResult
from lang_portal.models.common import SuccessMessage
from lang_portal.mounts import language_headers
from lang_portal.route_policy import WRITE, PolicyRouter

router = PolicyRouter(tags=["admin"])


@router.post(
    "/reset_history",
    policy=WRITE,
    response_model=SuccessMessage,
    summary="Delete all study sessions and reviews; words, groups and activities stay",
)
def reset_history(services: ServicesDep, language: RequestLanguage) -> ApiResult:
    return ApiResult(services.admin.reset_history(language), headers=language_headers(language))


@router.post(
    "/full_reset",
    policy=WRITE,
    response_model=SuccessMessage,
    summary="Back to the freshly seeded state",
)
def full_reset(services: ServicesDep, language: RequestLanguage) -> ApiResult:
    return ApiResult(services.admin.full_reset(language), headers=language_headers(language))
