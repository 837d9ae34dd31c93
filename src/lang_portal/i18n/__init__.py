"""Messages in the learner's language (spec, "Internationalization", "Localized Error Messages").

English, Japanese and Chinese, picked per request from Accept-Language (`negotiate`). Every
error message and every message a study app shows is a catalog key (`catalog/*.json`);
`translate` puts one into words. Error codes never depend on the language.
"""

from lang_portal.i18n.catalog import catalog, has_key, placeholders, translate
from lang_portal.i18n.negotiation import (
    DEFAULT_LANGUAGE,
    LANGUAGES,
    headers_language,
    negotiate,
    scope_language,
)
from lang_portal.i18n.text import Text, TextError, localize

LANGUAGE_NAMES = {"en": "English", "ja": "日本語", "zh": "中文"}

__all__ = [
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "LANGUAGE_NAMES",
    "Text",
    "TextError",
    "catalog",
    "has_key",
    "headers_language",
    "localize",
    "negotiate",
    "placeholders",
    "scope_language",
    "translate",
]
