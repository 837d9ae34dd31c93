"""Field rules for vocabulary text (spec, *Data Validation and Sanitization*).

Each function trims and normalises its input and returns the stored form, or raises
ValueError with a message fit to show a client. The API's request models, the seeder and the
importers all call these, so a row is judged the same way wherever it comes from.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Literal

MAX_JAPANESE_LENGTH = 100
MAX_ROMAJI_LENGTH = 100
MAX_ENGLISH_LENGTH = 200
MAX_GROUP_NAME_LENGTH = 100

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


def _refuse_control_characters(value: str) -> None:
    for char in value:
        if unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co", "Cn") and char not in " ":
            raise ValueError(f"control or invisible character U+{ord(char):04X} is not allowed")


def _prepare(value: str, form: Literal["NFC", "NFKC"]) -> str:
    if not isinstance(value, str):
        raise ValueError("must be a string")
    _refuse_control_characters(value)
    return _WHITESPACE.sub(" ", unicodedata.normalize(form, value)).strip()


def _check_length(value: str, maximum: int) -> None:
    if not value:
        raise ValueError("must not be empty")
    if len(value) > maximum:
        raise ValueError(f"must be at most {maximum} characters (got {len(value)})")


def _is_japanese_char(char: str) -> bool:
    code = ord(char)
    return any(low <= code <= high for low, high in _JAPANESE_RANGES)


def clean_japanese(value: str) -> str:
    """Hiragana, katakana, kanji, Japanese punctuation and basic Latin; 1-100 characters.

    NFKC turns half-width katakana and full-width Latin into their standard forms, so the same
    word typed two ways is stored once.
    """
    text = _prepare(value, "NFKC")
    _check_length(text, MAX_JAPANESE_LENGTH)
    bad = sorted({char for char in text if not _is_japanese_char(char)})
    if bad:
        raise ValueError("characters outside Japanese script and basic Latin: " + "".join(bad))
    if not any(ord(char) > 0x7F for char in text) and not text.strip("-' "):
        raise ValueError("must contain a word")
    return text


def clean_romaji(value: str) -> str:
    """ASCII Hepburn: letters with `-`, `'` and spaces; 1-100 characters."""
    text = _prepare(value, "NFC")
    _check_length(text, MAX_ROMAJI_LENGTH)
    if not _ROMAJI_PATTERN.fullmatch(text):
        raise ValueError("romaji may hold only ASCII letters, '-', \"'\" and spaces")
    return text


def clean_english(value: str) -> str:
    """Printable ASCII up to 200 characters; `;` separates translations, none may be empty."""
    text = _prepare(value, "NFC")
    _check_length(text, MAX_ENGLISH_LENGTH)
    bad = sorted({char for char in text if not 0x20 <= ord(char) <= 0x7E})
    if bad:
        raise ValueError("English must be printable ASCII; found " + "".join(bad))
    translations = [part.strip() for part in text.split(";")]
    if any(not part for part in translations):
        raise ValueError("each translation between ';' must be non-empty")
    joined = "; ".join(translations)
    _check_length(joined, MAX_ENGLISH_LENGTH)
    return joined


def clean_group_name(value: str) -> str:
    """Any printable text (Japanese allowed), 1-100 characters."""
    text = _prepare(value, "NFC")
    _check_length(text, MAX_GROUP_NAME_LENGTH)
    return text
