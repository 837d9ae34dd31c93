"""One hypothesis regex strategy for each pattern, flags and alphabet, however often asked for.

hypothesis builds a regex strategy by adding each character of each range in its classes one
at a time, and the document's text patterns name every printable code point: a build takes
over a second. schemathesis asks again for every operation, mode and phase (and hypothesis
builds twice when the alphabet is itself lazy), which took minutes of the suite's fuzzing.
A strategy is immutable, and an alphabet's repr is the call that made it: the same key draws
the same values. With another hypothesis, lacking this internal builder, nothing changes but
the time.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hypothesis.strategies._internal import regex as hypothesis_regex

BUILDER = "regex_strategy"


def built_once(build: Callable[..., Any]) -> Callable[..., Any]:
    built: dict[tuple[Any, ...], Any] = {}

    def regex_strategy(regex: Any, fullmatch: bool, *, alphabet: Any, **options: Any) -> Any:
        pattern, flags = getattr(regex, "pattern", regex), getattr(regex, "flags", 0)
        key = (type(pattern), pattern, flags, fullmatch, type(alphabet), repr(alphabet))
        key += tuple(sorted(options.items()))
        if key not in built:
            built[key] = build(regex, fullmatch, alphabet=alphabet, **options)
        return built[key]

    return regex_strategy


def install() -> Callable[[], None]:
    """Build regex strategies once from now on in this process; returns what undoes it."""
    build = getattr(hypothesis_regex, BUILDER, None)
    if build is None:
        return lambda: None
    setattr(hypothesis_regex, BUILDER, built_once(build))
    return lambda: setattr(hypothesis_regex, BUILDER, build)
