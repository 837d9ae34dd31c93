"""Each text rule as the OpenAPI document states it (length bounds and a pattern over the text as
sent) accepts exactly what the server's function accepts."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from lang_portal.models.validation import (
    MAX_ENGLISH_LENGTH,
    MAX_GROUP_NAME_LENGTH,
    MAX_JAPANESE_LENGTH,
    MAX_RESPONSE_LENGTH,
    MAX_ROMAJI_LENGTH,
    clean_english,
    clean_group_name,
    clean_japanese,
    clean_response,
    clean_romaji,
    text_pattern,
)

RULES: dict[str, tuple[Callable[[str], str], int]] = {
    "group_name": (clean_group_name, MAX_GROUP_NAME_LENGTH),
    "japanese": (clean_japanese, MAX_JAPANESE_LENGTH),
    "romaji": (clean_romaji, MAX_ROMAJI_LENGTH),
    "english": (clean_english, MAX_ENGLISH_LENGTH),
    "response": (clean_response, MAX_RESPONSE_LENGTH),
}


def server_accepts(field: str, text: str) -> bool:
    clean, _ = RULES[field]
    try:
        clean(text)
    except ValueError:
        return False
    return True


def document_accepts(field: str, text: str) -> bool:
    _, maximum = RULES[field]
    # A JSON Schema pattern is ECMA-262, where `$` is the end of the text; Python's `$` also
    # matches before a final newline, which would accept "0\n" the document refuses.
    ecma_pattern = text_pattern(field).removesuffix("$") + r"\Z"
    return 1 <= len(text) <= maximum and re.search(ecma_pattern, text) is not None


# Text a fuzzer sends: any code point, the scripts each field takes, spaces, separators.
ALPHABET = st.one_of(
    st.characters(codec=None),
    st.sampled_from(" \u3000\u00a0\u2003-';;ｶﾞ①Kー食べるaZ\u037e\u212a\u0301\t\u200b"),
    st.characters(min_codepoint=0x3000, max_codepoint=0x30FF),
    st.characters(min_codepoint=0xFF00, max_codepoint=0xFFEF),
)


@pytest.mark.parametrize("field", sorted(RULES))
@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(text=st.text(ALPHABET, max_size=12) | st.text(ALPHABET, min_size=95, max_size=205))
@example(text="0\n")
def test_the_document_and_the_server_judge_text_alike(field: str, text: str) -> None:
    assert document_accepts(field, text) == server_accepts(field, text), repr(text)


@pytest.mark.parametrize("field", sorted(RULES))
def test_text_drawn_from_the_pattern_is_accepted(field: str) -> None:
    _, maximum = RULES[field]
    drawn = st.from_regex(text_pattern(field), fullmatch=True).filter(
        lambda value: len(value) <= maximum
    )

    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
    @given(text=drawn)
    def accepted(text: str) -> None:
        assert server_accepts(field, text), repr(text)

    accepted()


@pytest.mark.parametrize(
    ("field", "text", "accepted"),
    [
        ("group_name", "  Basic  Greetings ", True),
        ("group_name", "\u0097name", False),
        ("group_name", "   ", False),
        ("japanese", "ｶﾞｯｺｳ", True),  # half-width katakana, stored as ガッコウ
        ("japanese", "--", False),
        ("japanese", "\u3000", False),
        ("romaji", " taberu", True),
        ("romaji", "-taberu", False),
        ("english", "to eat;to have a meal", True),
        ("english", "to eat;;", False),
        ("english", "é", False),
    ],
)
def test_examples(field: str, text: str, accepted: bool) -> None:
    assert server_accepts(field, text) is accepted
    assert document_accepts(field, text) is accepted
