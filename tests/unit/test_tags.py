"""The tag-name rule (the cleaner, and the OpenAPI pattern that states it), the auto-tag rules,
and the tag settings' validation."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lang_portal.models.validation import clean_tag_name, tag_name_pattern
from lang_portal.service.tagging import AutoTagger, auto_tagger
from lang_portal.settings import SettingsError, load_settings

MAX = 30


def server_accepts(text: str) -> bool:
    try:
        clean_tag_name(text, MAX)
    except ValueError:
        return False
    return True


def document_accepts(text: str) -> bool:
    return 1 <= len(text) <= MAX and re.search(tag_name_pattern(), text) is not None


@pytest.mark.parametrize(
    ("sent", "stored"),
    [
        ("Food", "food"),
        ("  JLPT   N5 ", "jlpt n5"),
        ("ｶﾞｲﾗｲｺﾞ", "ガイライゴ"),  # half-width kana, stored full-width
        ("食べ物", "食べ物"),
        ("kana-only", "kana-only"),
        ("snake_case", "snake_case"),
        ("ＡＢＣ１２", "abc12"),  # full-width Latin and digits
        ("e\u0301te", "éte"),  # a combining accent, composed
        ("Ελληνικά", "ελληνικά"),
        ("n\u3000５", "n 5"),  # the ideographic space is a space
    ],
)
def test_names_are_stored_in_one_form(sent: str, stored: str) -> None:
    assert clean_tag_name(sent, MAX) == stored
    assert document_accepts(sent)


@pytest.mark.parametrize(
    "refused",
    [
        "",
        "   ",
        "-food",
        "food-",
        "_x",
        "a,b",
        "a;b",
        "a|b",
        "food!",
        "日本・語",  # the katakana middle dot is punctuation
        "\u0301a",  # a name cannot start with a mark
        "a\u200bb",  # invisible
        "a\tb",
        "x" * 31,
    ],
)
def test_names_refused(refused: str) -> None:
    assert not server_accepts(refused)
    assert not document_accepts(refused)


def test_the_limit_is_the_length_as_sent() -> None:
    assert clean_tag_name("x" * 30, 30) == "x" * 30
    with pytest.raises(ValueError, match="at most 5"):
        clean_tag_name("abcdef", 5)


ALPHABET = st.one_of(
    st.characters(codec=None),
    st.sampled_from(" \u3000\u00a0-_;,|ｶﾞ①Kー食べるaZ\u0301\u3099\u30fb\t\u200b¨ﷺ"),
    st.characters(min_codepoint=0x3000, max_codepoint=0x30FF),
    st.characters(min_codepoint=0xFF00, max_codepoint=0xFFEF),
)


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(text=st.text(ALPHABET, max_size=8) | st.text(ALPHABET, min_size=28, max_size=33))
def test_the_document_and_the_server_judge_names_alike(text: str) -> None:
    assert document_accepts(text) == server_accepts(text), repr(text)


@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
@given(text=st.from_regex(tag_name_pattern(), fullmatch=True).filter(lambda t: len(t) <= MAX))
def test_names_drawn_from_the_pattern_are_accepted(text: str) -> None:
    assert server_accepts(text), repr(text)


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(text=st.text(ALPHABET, min_size=1, max_size=10))
def test_a_stored_name_is_stored_as_itself(text: str) -> None:
    if server_accepts(text):
        stored = clean_tag_name(text, MAX)
        assert clean_tag_name(stored, 100) == stored


# -- the rules ----------------------------------------------------------------------------------


def word(japanese: str, english: str = "thing", romaji: str = "x") -> dict[str, str]:
    return {"japanese": japanese, "romaji": romaji, "english": english}


@pytest.mark.parametrize(
    ("text", "tags"),
    [
        (word("コーヒー", "coffee"), ["loanword"]),
        (word("テレビ"), ["loanword"]),
        (word("食べる", "to eat"), ["kanji", "verb"]),
        (word("有難う"), ["kanji"]),
        (word("々"), ["kanji"]),
        (word("こんにちは"), ["kana-only"]),
        (word("すーぱー"), ["kana-only"]),
        (word("ボールペンを"), []),  # mixed kana: neither rule
        (word("ABC"), []),
        (word("いく", "to go"), ["kana-only", "verb"]),
        (word("いく", "tofu"), ["kana-only"]),
    ],
)
def test_the_default_rules(text: dict[str, str], tags: list[str]) -> None:
    assert auto_tagger(load_settings()).tags_for(text) == tags


def test_rules_match_their_own_field_and_merge_their_tags() -> None:
    tagger = AutoTagger(
        [
            {"field": "romaji", "pattern": "^[aeiou]", "tags": ["vowel", "start"]},
            {"field": "english", "pattern": "(?i)cat", "tags": ["start", "animal"]},
        ]
    )
    assert tagger.tags_for(word("猫", "Cat", "neko")) == ["animal", "start"]
    assert tagger.tags_for(word("絵", "picture", "e")) == ["start", "vowel"]
    assert tagger.tags_for(word("犬", "dog", "inu")) == ["start", "vowel"]
    assert tagger.tags_for(word("犬", "dog", "ninu")) == []
    other = AutoTagger([{"field": "romaji", "pattern": "^[aeiou]", "tags": ["vowel"]}])
    assert other.fingerprint != tagger.fingerprint


# -- the settings -------------------------------------------------------------------------------


def test_the_settings_clean_their_tag_names() -> None:
    loaded = load_settings(
        reserved_tags=["System", " ALL "],
        auto_tag_rules=[{"field": "english", "pattern": "^to ", "tags": ["Verb", "verb"]}],
    )
    assert loaded.reserved_tags == ["system", "all"]
    assert loaded.auto_tag_rules[0].tags == ["verb"]
    assert loaded.auto_tags == {"verb"}


@pytest.mark.parametrize(
    ("overrides", "named"),
    [
        ({"auto_tag_rules": [{"field": "japanese", "pattern": "[", "tags": ["x"]}]}, "PATTERN"),
        (
            {"auto_tag_rules": [{"field": "kanji", "pattern": "a", "tags": ["x"]}]},
            "AUTO_TAG_RULES.0.FIELD",
        ),
        (
            {"auto_tag_rules": [{"field": "english", "pattern": "a", "tags": ["a,b"]}]},
            "AUTO_TAG_RULES.0.TAGS",
        ),
        ({"auto_tag_rules": [{"field": "english", "pattern": "a", "tags": []}]}, "TAGS"),
        ({"reserved_tags": ["-x"]}, "RESERVED_TAGS"),
        ({"max_tag_length": 5}, "RESERVED_TAGS"),  # "untagged" no longer fits
        ({"max_tag_length": 8, "reserved_tags": []}, "AUTO_TAG_RULES"),  # nor "kana-only"
        ({"max_tags_per_word": 0}, "MAX_TAGS_PER_WORD"),
        ({"max_tag_length": 101}, "MAX_TAG_LENGTH"),
    ],
)
def test_bad_tag_settings_stop_the_program_naming_the_setting(
    overrides: dict[str, object], named: str
) -> None:
    with pytest.raises(SettingsError, match=named):
        load_settings(**overrides)


def test_the_rules_come_from_the_environment_as_json(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(
        "AUTO_TAG_RULES", '[{"field": "english", "pattern": "^an? ", "tags": ["noun"]}]'
    )
    loaded = load_settings()
    assert auto_tagger(loaded).tags_for(word("本", "a book")) == ["noun"]
