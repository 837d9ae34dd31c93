"""Romaji cut into syllables for the school's typing app (service/syllables.py)."""

from __future__ import annotations

import json

import pytest

from lang_portal.service.syllables import romaji_syllables
from lang_portal.settings import SEEDS_DIR


@pytest.mark.parametrize(
    ("romaji", "syllables"),
    [
        ("yuu", ["yuu"]),  # a long vowel stays in its syllable
        ("gyuuniku", ["gyuu", "ni", "ku"]),
        ("kyoku", ["kyo", "ku"]),
        ("sensei", ["sen", "sei"]),  # a closing n
        ("bin", ["bin"]),
        ("kin'", ["kin'"]),
        ("kinen", ["ki", "nen"]),  # n before a vowel opens the next syllable
        ("hon'ya", ["hon'", "ya"]),
        ("onna", ["on", "na"]),
        ("konnichiwa", ["kon", "ni", "chi", "wa"]),
        ("kitte", ["kit", "te"]),  # a doubled consonant is split between two
        ("matcha", ["mat", "cha"]),
        ("zasshi", ["zas", "shi"]),
        ("ookii", ["oo", "kii"]),
        ("ie", ["i", "e"]),
        ("Tokyo", ["To", "kyo"]),
        ("n", ["n"]),  # nothing to cut: kept whole
        ("", []),
    ],
)
def test_syllables(romaji: str, syllables: list[str]) -> None:
    assert romaji_syllables(romaji) == syllables


def test_every_seeded_part_cuts_into_syllables_that_join_back() -> None:
    manifest = json.loads((SEEDS_DIR / "manifest.json").read_text(encoding="utf-8"))
    parts = [
        part
        for entry in manifest["groups"]
        for word in json.loads((SEEDS_DIR / entry["file"]).read_text(encoding="utf-8"))
        for part in word["parts"]
    ]
    assert len(parts) > 2000
    for part in parts:
        # what /groups/:id/words/raw builds each part from: its text and its romaji
        assert part["text"] and part["romaji"], part
        syllables = romaji_syllables(part["romaji"])
        assert "".join(syllables) == part["romaji"]
        assert all(syllables), part
