"""Which of the catalog's languages a request gets, from its Accept-Language (RFC 9110 12.5.4).

Each language range is matched by its primary subtag, as RFC 4647's lookup truncates a range
until it matches: `ja-JP` is Japanese, `zh-CN`, `zh-TW` and `zh-Hans` are Chinese (the catalog
has one Chinese). The language with the highest q-value wins; on a tie, the one listed first.
`*` gives its q-value to every language the header does not name, English first. A language
whose q-value is 0 is never chosen; when nothing acceptable is left the answer is English, as
RFC 9110 allows (a body in the default language rather than 406).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping

from starlette.types import Scope

LANGUAGES: tuple[str, ...] = ("en", "ja", "zh")
DEFAULT_LANGUAGE = "en"

# The header of a real browser holds a handful of ranges; more is not a client to serve well.
MAX_RANGES = 32
MAX_HEADER_LENGTH = 1024

_RANGE = re.compile(r"^(\*|[a-z]{1,8}(?:-[a-z0-9]{1,8})*)$")
_QUALITY = re.compile(r"^q=(0(?:\.[0-9]{0,3})?|1(?:\.0{0,3})?)$")


def _ranges(header: str) -> Iterable[tuple[str, float]]:
    """(primary subtag or `*`, q-value) of each well-formed range; malformed ones are skipped."""
    for item in header.split(",")[:MAX_RANGES]:
        tag, *parameters = (part.strip() for part in item.split(";"))
        tag = tag.lower()
        if not _RANGE.match(tag):
            continue
        quality = 1.0
        for parameter in parameters:
            found = _QUALITY.match(parameter.replace(" ", "").lower())
            if found:
                quality = float(found.group(1))
                break
            if parameter.lower().startswith("q"):
                quality = -1.0  # a q-value that is none: the range is not understood
        if quality >= 0:
            yield tag.split("-", 1)[0], quality


@functools.lru_cache(maxsize=1024)
def _negotiate(header: str, languages: tuple[str, ...]) -> str:
    named: dict[str, tuple[float, int]] = {}  # language -> (q, position of its first range)
    wildcard: tuple[float, int] | None = None
    for position, (primary, quality) in enumerate(_ranges(header)):
        if primary == "*":
            if wildcard is None or quality > wildcard[0]:
                wildcard = (quality, position)
            continue
        if primary in languages and (primary not in named or quality > named[primary][0]):
            named[primary] = (quality, named.get(primary, (0.0, position))[1])
    scores: dict[str, tuple[float, int]] = dict(named)
    if wildcard is not None:
        for rank, language in enumerate(languages):
            if language not in named:
                # after every named range of the same q-value, in the catalog's order
                scores[language] = (wildcard[0], MAX_RANGES + rank)
    acceptable = [(-q, position, lang) for lang, (q, position) in scores.items() if q > 0]
    return min(acceptable)[2] if acceptable else DEFAULT_LANGUAGE


def negotiate(header: str | None, languages: tuple[str, ...] = LANGUAGES) -> str:
    """The language of `languages` the Accept-Language header `header` prefers; else English."""
    if not header:
        return DEFAULT_LANGUAGE
    return _negotiate(header[:MAX_HEADER_LENGTH], languages)


def headers_language(headers: Mapping[str, str]) -> str:
    return negotiate(headers.get("accept-language"))


def scope_language(scope: Scope) -> str:
    """The negotiated language of an ASGI request, for middleware that answers before routing."""
    for name, value in scope.get("headers", ()):
        if name == b"accept-language":
            return negotiate(value.decode("latin-1"))
    return DEFAULT_LANGUAGE
