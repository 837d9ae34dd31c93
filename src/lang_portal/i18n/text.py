"""A message not yet put into words: its key and parameters, rendered in a language later.

An error is raised where its language is unknown (a service, a validator) and rendered by the
handler that knows the request. `Text` is that message; `TextError` is a ValueError carrying
one (the field validators' and the importers' kind of error); `localize` renders every `Text`
in an error's `details`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lang_portal.i18n.catalog import translate
from lang_portal.i18n.negotiation import DEFAULT_LANGUAGE


class Text:
    __slots__ = ("key", "params")

    def __init__(self, key: str, /, **params: object) -> None:
        self.key = key
        self.params: Mapping[str, object] = params

    def render(self, language: str = DEFAULT_LANGUAGE) -> str:
        # a parameter that is itself a message (a rule's reason inside an import's) is put
        # into the same language
        params = {
            name: value.render(language) if isinstance(value, Text) else value
            for name, value in self.params.items()
        }
        return translate(self.key, language, **params)

    def __str__(self) -> str:
        return self.render(DEFAULT_LANGUAGE)

    def __repr__(self) -> str:
        return f"Text({self.key!r}, {dict(self.params)!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Text) and (self.key, self.params) == (other.key, other.params)

    def __hash__(self) -> int:
        return hash(self.key)


class TextError(ValueError):
    """A ValueError whose message is a catalog entry: str() is the English, `text` the key."""

    def __init__(self, key: str, /, **params: object) -> None:
        self.text = Text(key, **params)
        super().__init__(str(self.text))


def localize(value: Any, language: str) -> Any:
    """`value` with every `Text` in it (in dicts and lists, at any depth) rendered in `language`."""
    if isinstance(value, Text):
        return value.render(language)
    if isinstance(value, TextError):
        return value.text.render(language)
    if isinstance(value, Mapping):
        return {key: localize(item, language) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [localize(item, language) for item in value]
    return value
