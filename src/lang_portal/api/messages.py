"""Route for /messages: what the study apps and the portal page show, in the learner's language."""

from __future__ import annotations

from typing import cast

from lang_portal.api.deps import RequestLanguage
from lang_portal.api.rendering import ApiResult
from lang_portal.i18n import LANGUAGE_NAMES, LANGUAGES, RIGHT_TO_LEFT, app_messages
from lang_portal.models.messages import LanguageCode, MessageSet, SupportedLanguage
from lang_portal.mounts import language_headers
from lang_portal.route_policy import CACHED_READ, PolicyRouter

router = PolicyRouter(tags=["messages"])


@router.get(
    "/messages",
    policy=CACHED_READ,
    response_model=MessageSet,
    summary=(
        "The study apps' and the portal page's messages in the learner's language "
        "(from Accept-Language)"
    ),
)
def study_app_messages(language: RequestLanguage) -> ApiResult:
    languages = [
        SupportedLanguage(cast(LanguageCode, code), LANGUAGE_NAMES[code], code in RIGHT_TO_LEFT)
        for code in LANGUAGES
    ]
    return ApiResult(
        MessageSet(cast(LanguageCode, language), languages, app_messages(language)),
        headers=language_headers(language),
    )
