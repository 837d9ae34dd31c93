"""Hepburn romaji cut into syllables, as the school's typing app shows a word's parts.

The app draws each part's kanji over its romaji syllables (`{"kanji": "郵", "romaji": ["yuu"]}`)
and joins them back to compare with what is typed, so the one rule that matters is that the
syllables join to the romaji exactly. A syllable here is what a learner hears as one beat of
the word: an onset, a vowel, the vowel's lengthening (`yuu`, `sei`, `kou`), a closing `n`
(`bin`, `kin'`) and the first half of a doubled consonant (`kit` + `te`, `mat` + `cha`).
"""

from __future__ import annotations

import re

_SYLLABLE = re.compile(
    r"""
    [^aeiou]*?                                              # onset: k, sh, ch, ts, ky, ...
    [aeiou]                                                 # the vowel
    (?:(?<=a)a|(?<=i)i|(?<=u)u|(?<=e)[ei]|(?<=o)[ou])?      # lengthened
    (?:n'|n(?![aeiouy']))?                                  # a closing n
    (?:([bcdfghjkmprstz])(?=\1)|t(?=ch))?                   # half of a doubled consonant
    """,
    re.VERBOSE | re.IGNORECASE,
)


def romaji_syllables(romaji: str) -> list[str]:
    """`"gyuuniku"` -> `["gyuu", "ni", "ku"]`; `"".join(result) == romaji` always."""
    syllables: list[str] = []
    position = 0
    for match in _SYLLABLE.finditer(romaji):
        if match.start() > position:  # nothing between syllables can be matched; keep it
            _attach(syllables, romaji[position : match.start()])
        syllables.append(match.group())
        position = match.end()
    if position < len(romaji):
        _attach(syllables, romaji[position:])  # a trailing consonant (`n` alone, `-`)
    return syllables


def _attach(syllables: list[str], rest: str) -> None:
    if syllables:
        syllables[-1] += rest
    else:
        syllables.append(rest)
