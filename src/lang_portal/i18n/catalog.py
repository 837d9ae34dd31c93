"""The message catalog: one JSON file per language in `catalog/`, each a flat object of keys.

A message names its parameters (`{count}`, `{name!r}`); every language has every key with the
same parameters (tests/unit/test_i18n_catalog.py). A key missing in a language falls back to
English; a key missing everywhere is shown as itself, so a mistake is visible, not a crash.
"""

from __future__ import annotations

import functools
import json
import logging
import string
from collections.abc import Mapping
from importlib import resources

from lang_portal.i18n.negotiation import DEFAULT_LANGUAGE, LANGUAGES

logger = logging.getLogger("lang_portal.i18n")

_FORMATTER = string.Formatter()


@functools.cache
def catalog(language: str) -> Mapping[str, str]:
    """The messages of one language, read once from the package."""
    text = (
        resources.files("lang_portal.i18n")
        .joinpath("catalog", f"{language}.json")
        .read_text(encoding="utf-8")
    )
    messages = json.loads(text)
    if not isinstance(messages, dict) or not all(
        isinstance(key, str) and isinstance(value, str) for key, value in messages.items()
    ):
        raise ValueError(f"catalog/{language}.json must be an object of strings")
    return messages


def has_key(key: str) -> bool:
    return key in catalog(DEFAULT_LANGUAGE)


def placeholders(template: str) -> frozenset[str]:
    """The parameter names a message uses (`{count}`, `{name!r}` -> count, name)."""
    return frozenset(
        field.split(".", 1)[0].split("[", 1)[0]
        for _, field, _, _ in _FORMATTER.parse(template)
        if field is not None
    )


def translate(key: str, language: str = DEFAULT_LANGUAGE, **params: object) -> str:
    """The message `key` in `language` (English when that language lacks it), with `params`."""
    if language not in LANGUAGES:
        language = DEFAULT_LANGUAGE
    template = catalog(language).get(key)
    if template is None:
        template = catalog(DEFAULT_LANGUAGE).get(key)
        if template is None:
            logger.warning("no message %r in the catalog", key)
            return key
    try:
        return template.format_map(params)
    except (KeyError, IndexError, ValueError) as exc:
        logger.warning("message %r in %s lacks a parameter: %r", key, language, exc)
        return template


# What the study apps and the portal page show: their own texts and a message for each error
# code (GET /messages).
APP_MESSAGE_PREFIXES = ("study.", "portal.", "errors.code.")


def app_messages(language: str) -> dict[str, str]:
    """Every study-app and portal message in `language` (English where it lacks one), as
    templates."""
    english = catalog(DEFAULT_LANGUAGE)
    own = catalog(language) if language in LANGUAGES else english
    return {
        key: own.get(key, template)
        for key, template in english.items()
        if key.startswith(APP_MESSAGE_PREFIXES)
    }
