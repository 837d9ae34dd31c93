"""The field rules every row goes through, whatever door it comes in by."""

from __future__ import annotations

import pytest

from lang_portal.models.validation import (
    clean_english,
    clean_group_name,
    clean_japanese,
    clean_romaji,
)


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        (" 食べる ", "食べる"),
        ("ｶﾀｶﾅ", "カタカナ"),  # half-width katakana normalised
        ("ＡＢＣ", "ABC"),  # full-width Latin normalised
        ("お 茶", "お 茶"),
        ("〜から", "〜から"),
        ("々", "々"),
        ("Tシャツ", "Tシャツ"),
    ],
)
def test_japanese_accepted_and_normalised(raw: str, stored: str) -> None:
    assert clean_japanese(raw) == stored


@pytest.mark.parametrize(
    "raw", ["", "   ", "кошка", "猫\u0000", "猫\u200b", "a" * 101, "😀", "--", "\u202e猫"]
)
def test_japanese_refused(raw: str) -> None:
    with pytest.raises(ValueError):
        clean_japanese(raw)


def test_japanese_length_boundary() -> None:
    assert clean_japanese("あ" * 100) == "あ" * 100


@pytest.mark.parametrize(
    ("raw", "stored"), [("konnichiwa", "konnichiwa"), ("kin'en", "kin'en"), (" o  cha ", "o cha")]
)
def test_romaji_accepted(raw: str, stored: str) -> None:
    assert clean_romaji(raw) == stored


@pytest.mark.parametrize("raw", ["", "tōkyō", "neko1", "ねこ", "'neko", "a" * 101, "ne\tko\x07"])
def test_romaji_refused(raw: str) -> None:
    with pytest.raises(ValueError):
        clean_romaji(raw)


def test_english_translations_are_normalised() -> None:
    assert clean_english(" to eat ;to dine  ") == "to eat; to dine"
    assert clean_english("a" * 200) == "a" * 200


@pytest.mark.parametrize("raw", ["", ";", "cat;", "café", "a" * 201, "tab\there", "x\x00"])
def test_english_refused(raw: str) -> None:
    with pytest.raises(ValueError):
        clean_english(raw)


def test_group_name() -> None:
    assert clean_group_name("  JLPT N5 - Verbs ") == "JLPT N5 - Verbs"
    with pytest.raises(ValueError):
        clean_group_name("")
    with pytest.raises(ValueError):
        clean_group_name("x\x1b[31m")
