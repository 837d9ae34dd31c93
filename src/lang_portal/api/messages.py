"""Route for /messages: what the study apps show, in the learner's language."""

from __future__ import annotations

from typing import Annotated, cast

from fastapi import Header

from lang_portal.api.rendering import ApiResult
from lang_portal.i18n import LANGUAGE_NAMES, LANGUAGES, RIGHT_TO_LEFT, app_messages, negotiate
from lang_portal.models.messages import LanguageCode, MessageSet, SupportedLanguage
from lang_portal.mounts import language_headers
from lang_portal.route_policy import CACHED_READ, PolicyRouter

router = PolicyRouter(tags=["messages"])

AcceptLanguage = Annotated[
    str | None,
    Header(
        alias="Accept-Language",
        max_length=1024,
        description=(
            "The learner's languages (RFC 9110), e.g. `ja-JP,ja;q=0.9,en;q=0.8`: English, "
            "Japanese or Chinese is chosen; anything else is English"
        ),
    ),
]


@router.get(
    "/messages",
    policy=CACHED_READ,
    response_model=MessageSet,
    summary="The study apps' messages in the learner's language (from Accept-Language)",
)
def study_app_messages(accept_language: AcceptLanguage = None) -> ApiResult:
    language = negotiate(accept_language)
    languages = [
        SupportedLanguage(cast(LanguageCode, code), LANGUAGE_NAMES[code], code in RIGHT_TO_LEFT)
        for code in LANGUAGES
    ]
    return ApiResult(
        MessageSet(cast(LanguageCode, language), languages, app_messages(language)),
        headers=language_headers(language),
    )
