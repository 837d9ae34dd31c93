"""Field rules for vocabulary text (spec, *Data Validation and Sanitization*).

Each function trims and normalises its input and returns the stored form, or raises a
ValueError (a `TextError`: a catalog message) fit to show a client. The API's request models,
the seeder and the importers all call these, so a row is judged the same way wherever it
comes from.

`text_schema` states each rule in the OpenAPI document as length bounds and a pattern over the
text as sent (lengths are counted before normalising, as the document's `maxLength` is);
`tests/unit/test_text_patterns.py` pins that a pattern accepts exactly what its function does.
"""

from __future__ import annotations

import functools
import re
import sys
import unicodedata
from collections.abc import Callable, Iterable
from typing import Any, Literal

from lang_portal.i18n import TextError

MAX_JAPANESE_LENGTH = 100
MAX_ROMAJI_LENGTH = 100
MAX_ENGLISH_LENGTH = 200
MAX_GROUP_NAME_LENGTH = 100
MAX_RESPONSE_LENGTH = 200

_JAPANESE_RANGES = (
    (0x0020, 0x007E),  # basic Latin, printable
    (0x3000, 0x303F),  # CJK symbols and punctuation (、。「」〜々〆)
    (0x3040, 0x309F),  # hiragana
    (0x30A0, 0x30FF),  # katakana
    (0x31F0, 0x31FF),  # katakana phonetic extensions
    (0x3400, 0x4DBF),  # CJK extension A
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0xFF01, 0xFF5E),  # full-width ASCII variants left after normalisation (e.g. ～)
    (0x20000, 0x2FA1F),  # CJK extensions B and later, compatibility supplement
)
_ROMAJI_PATTERN = re.compile(r"[A-Za-z][A-Za-z\-' ]*")
_WHITESPACE = re.compile(r"\s+")


_REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})


def _refuse_control_characters(value: str) -> None:
    for char in value:
        if unicodedata.category(char) in _REFUSED_CATEGORIES:
            raise TextError("validation.control_character", code_point=f"U+{ord(char):04X}")


def _prepare(value: str, form: Literal["NFC", "NFKC"]) -> str:
    if not isinstance(value, str):
        raise TextError("validation.string_required")
    _refuse_control_characters(value)
    return _WHITESPACE.sub(" ", unicodedata.normalize(form, value)).strip()


def _check_length(value: str, maximum: int) -> None:
    if not value:
        raise TextError("validation.empty")
    if len(value) > maximum:
        raise TextError("validation.too_long", maximum=maximum, length=len(value))


def _check_sent_length(value: Any, maximum: int) -> None:
    """The length as sent, the one the document's `maxLength` bounds."""
    if isinstance(value, str) and len(value) > maximum:
        raise TextError("validation.too_long", maximum=maximum, length=len(value))


def _is_japanese_char(char: str) -> bool:
    code = ord(char)
    return any(low <= code <= high for low, high in _JAPANESE_RANGES)


def clean_japanese(value: str) -> str:
    """Hiragana, katakana, kanji, Japanese punctuation and basic Latin; 1-100 characters.

    NFKC turns half-width katakana and full-width Latin into their standard forms, so the same
    word typed two ways is stored once.
    """
    _check_sent_length(value, MAX_JAPANESE_LENGTH)
    text = _prepare(value, "NFKC")
    _check_length(text, sys.maxsize)
    bad = sorted({char for char in text if not _is_japanese_char(char)})
    if bad:
        raise TextError("validation.japanese_characters", characters="".join(bad))
    if not any(ord(char) > 0x7F for char in text) and not text.strip("-' "):
        raise TextError("validation.japanese_word")
    return text


def clean_romaji(value: str) -> str:
    """ASCII Hepburn: letters with `-`, `'` and spaces; 1-100 characters."""
    _check_sent_length(value, MAX_ROMAJI_LENGTH)
    text = _prepare(value, "NFC")
    _check_length(text, MAX_ROMAJI_LENGTH)
    if not _ROMAJI_PATTERN.fullmatch(text):
        raise TextError("validation.romaji_characters")
    return text


def clean_english(value: str) -> str:
    """Printable ASCII up to 200 characters; `;` separates translations, none may be empty."""
    _check_sent_length(value, MAX_ENGLISH_LENGTH)
    text = _prepare(value, "NFC")
    _check_length(text, sys.maxsize)
    bad = sorted({char for char in text if not 0x20 <= ord(char) <= 0x7E})
    if bad:
        raise TextError("validation.english_characters", characters="".join(bad))
    translations = [part.strip() for part in text.split(";")]
    if any(not part for part in translations):
        raise TextError("validation.english_empty_translation")
    # "a;b" is stored "a; b": a text at the limit may be stored a little longer.
    return "; ".join(translations)


def clean_group_name(value: str) -> str:
    """Any printable text (Japanese allowed), 1-100 characters."""
    _check_sent_length(value, MAX_GROUP_NAME_LENGTH)
    text = _prepare(value, "NFC")
    _check_length(text, sys.maxsize)
    return text


def clean_response(value: str) -> str:
    """What a learner answered (the text typed, the option chosen): any printable text,
    1-200 characters as sent, trimmed and Unicode-normalised (NFC) like the other fields."""
    _check_sent_length(value, MAX_RESPONSE_LENGTH)
    text = _prepare(value, "NFC")
    _check_length(text, sys.maxsize)
    return text


# -- the rules as the OpenAPI document states them ------------------------------------------


def _code_points() -> Iterable[str]:
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        if unicodedata.category(char) not in _REFUSED_CATEGORIES:
            yield char


def _char_class(chars: Iterable[str]) -> str:
    """A regex character class of `chars`, as ranges; valid in ECMA 262 (u) and Python alike."""
    codes = sorted({ord(char) for char in chars})
    ranges: list[tuple[int, int]] = []
    for code in codes:
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1] = (ranges[-1][0], code)
        else:
            ranges.append((code, code))

    def literal(code: int) -> str:
        # astral characters as themselves: `\u{...}` is ECMA-only and `\U...` Python-only
        return f"\\u{code:04x}" if code <= 0xFFFF else chr(code)

    parts = [
        literal(low) if low == high else f"{literal(low)}-{literal(high)}" for low, high in ranges
    ]
    return "[" + "".join(parts) + "]"


@functools.cache
def _patterns() -> dict[str, str]:
    """Each field's pattern over the text as sent; built once, when a document is first written.

    A character is judged by what normalising makes of it, as the functions above do: the
    Kelvin sign is a romaji `K`, the Greek question mark an English `;`, `①` Japanese `1`.
    """
    chars: dict[str, list[str]] = {
        key: []
        for key in (
            "any",
            "space",
            "non_space",
            "japanese",
            "japanese_word",
            "letter",
            "romaji",
            "english",
            "english_word",
            "semicolon",
        )
    }
    for char in _code_points():
        chars["any"].append(char)
        nfc = unicodedata.normalize("NFC", char)
        nfkc = unicodedata.normalize("NFKC", char)
        is_space = nfc.isspace()
        chars["space" if is_space else "non_space"].append(char)
        if all(_is_japanese_char(part) for part in nfkc):
            chars["japanese"].append(char)
            if any(part not in " -'" and not part.isspace() for part in nfkc):
                chars["japanese_word"].append(char)
        if is_space or (len(nfc) == 1 and 0x20 <= ord(nfc) <= 0x7E):
            if nfc == ";":
                chars["semicolon"].append(char)
            else:
                chars["english"].append(char)
                if not is_space:
                    chars["english_word"].append(char)
        if is_space or nfc in ("-", "'") or (nfc.isascii() and nfc.isalpha()):
            chars["romaji"].append(char)
            if nfc.isascii() and nfc.isalpha():
                chars["letter"].append(char)
    c = {key: _char_class(value) for key, value in chars.items()}
    english_part = f"{c['english']}*{c['english_word']}{c['english']}*"
    return {
        "group_name": f"^{c['any']}*{c['non_space']}{c['any']}*$",
        "response": f"^{c['any']}*{c['non_space']}{c['any']}*$",
        "japanese": f"^{c['japanese']}*{c['japanese_word']}{c['japanese']}*$",
        "romaji": f"^{c['space']}*{c['letter']}{c['romaji']}*$",
        "english": f"^{english_part}({c['semicolon']}{english_part})*$",
    }


_MAX_LENGTHS = {
    "group_name": MAX_GROUP_NAME_LENGTH,
    "response": MAX_RESPONSE_LENGTH,
    "japanese": MAX_JAPANESE_LENGTH,
    "romaji": MAX_ROMAJI_LENGTH,
    "english": MAX_ENGLISH_LENGTH,
}


TextField = Literal["group_name", "response", "japanese", "romaji", "english"]


def text_pattern(field: TextField) -> str:
    return _patterns()[field]


def text_schema(
    field: TextField,
) -> Callable[[dict[str, Any]], None]:
    """`json_schema_extra` stating the field's rule: written when the document is built."""

    def extend(schema: dict[str, Any]) -> None:
        schema.update(minLength=1, maxLength=_MAX_LENGTHS[field], pattern=text_pattern(field))

    return extend


# -- tag names ---------------------------------------------------------------------------------
# A tag name, as sent, is judged character by character by what NFKC makes of each: a word
# character (letters, digits, marks, the first a letter or digit: kana and kanji are letters),
# a combining mark, a joiner (`-`, `_`) or a space. Spaces around are trimmed; the name then
# starts with a word character and ends with a word character or a mark, so `-`, `_` and
# spaces stand only inside it. Judging the characters as sent, one at a time, is what lets the
# OpenAPI pattern below state the rule exactly.

# The settings' ceiling for max_tag_length: the request models bound names by it.
MAX_TAG_LENGTH_LIMIT = 100
_TAG_JOINERS = frozenset("-_")


def _tag_char_class(char: str) -> str | None:
    """'W' word, 'M' mark, 'J' joiner, 'S' space, or None for a character a tag cannot hold."""
    nfkc = unicodedata.normalize("NFKC", char)
    if not nfkc:
        return None
    if all(part.isspace() for part in nfkc):
        return "S"
    if nfkc in _TAG_JOINERS:
        return "J"
    categories = [unicodedata.category(part) for part in nfkc]
    if not all(category[0] in "LM" or category == "Nd" for category in categories):
        return None
    if categories[0][0] == "M":
        return "M" if all(category[0] == "M" for category in categories) else None
    return "W"


def clean_tag_name(value: str, max_length: int = MAX_TAG_LENGTH_LIMIT) -> str:
    """Letters, digits, kana and kanji, with `-`, `_` and spaces inside; 1 to `max_length`
    characters as sent. Stored NFKC-normalised, spaces collapsed, lower-cased."""
    _check_sent_length(value, max_length)
    if not isinstance(value, str):
        raise TextError("validation.string_required")
    _refuse_control_characters(value)
    classes = []
    for char in value:
        kind = _tag_char_class(char)
        if kind is None:
            raise TextError("validation.tag_character", character=char)
        classes.append(kind)
    shape = "".join(classes).strip("S")
    if not shape:
        raise TextError("validation.empty")
    if shape[0] != "W" or shape[-1] not in "WM":
        raise TextError("validation.tag_edges")
    text = _WHITESPACE.sub(" ", unicodedata.normalize("NFKC", value)).strip()
    # lower-casing may leave a sequence NFKC writes otherwise (İ): normalised again, so that one
    # name has one stored form
    return unicodedata.normalize("NFKC", text.lower())


@functools.cache
def tag_name_pattern() -> str:
    """The tag name rule as a pattern over the text as sent (built once, on first use)."""
    chars: dict[str, list[str]] = {"W": [], "M": [], "J": [], "S": []}
    for char in _code_points():
        kind = _tag_char_class(char)
        if kind is not None:
            chars[kind].append(char)
    c = {key: _char_class(value) for key, value in chars.items()}
    inner = _char_class([*chars["W"], *chars["M"], *chars["J"], *chars["S"]])
    last = _char_class([*chars["W"], *chars["M"]])
    return f"^{c['S']}*{c['W']}({inner}*{last})?{c['S']}*$"


def tag_name_schema(max_length_setting: str = "max_tag_length") -> Callable[[dict[str, Any]], None]:
    """`json_schema_extra` stating the tag name rule, its maximum length taken from the setting."""

    def extend(schema: dict[str, Any]) -> None:
        schema.update(
            minLength=1,
            pattern=tag_name_pattern(),
            # api.documentation puts the setting's value here when the app writes its document
            **{"x-setting-bounds": {"maxLength": max_length_setting}},
        )

    return extend
