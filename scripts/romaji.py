"""Kana -> ASCII Hepburn romaji for the seed builder (build-time only; needs pykakasi).

Conventions ("ASCII Hepburn, long vowels spelled out"):

* Hepburn consonants: shi, chi, tsu, fu, ji (also for ぢ), zu (also for づ), sha, cha, ja/ju/jo.
* No macrons: long vowels are spelled the way the kana are written: とうきょう -> toukyou,
  おおきい -> ookii, えいが -> eiga; the katakana long mark ー repeats the vowel before it
  (コーヒー -> koohii).
* ん is "n" (also before b/m/p: shinbun), and "n'" before a vowel or y (きんえん -> kin'en,
  こんや -> kon'ya).
* っ doubles the next consonant (きって -> kitte), and "t" before ch (まっちゃ -> matcha).
* を -> "o"; the particle は in fixed expressions (では, または, こんにちは) -> "wa".
* Lowercase ASCII only.

The romaji is produced by pykakasi and then checked against an independent mora table that
encodes the rules above (`romanize_morae`). pykakasi gets some extended katakana wrong
(ティー -> "teii", チェ ok but シェ -> "shie", ウォ -> "uo"); where the two disagree the table
wins and the builder reports the word.
"""

from __future__ import annotations

import re
from functools import cache

_BASE = {
    "あ": "a", "い": "i", "う": "u", "え": "e", "お": "o",
    "か": "ka", "き": "ki", "く": "ku", "け": "ke", "こ": "ko",
    "が": "ga", "ぎ": "gi", "ぐ": "gu", "げ": "ge", "ご": "go",
    "さ": "sa", "し": "shi", "す": "su", "せ": "se", "そ": "so",
    "ざ": "za", "じ": "ji", "ず": "zu", "ぜ": "ze", "ぞ": "zo",
    "た": "ta", "ち": "chi", "つ": "tsu", "て": "te", "と": "to",
    "だ": "da", "ぢ": "ji", "づ": "zu", "で": "de", "ど": "do",
    "な": "na", "に": "ni", "ぬ": "nu", "ね": "ne", "の": "no",
    "は": "ha", "ひ": "hi", "ふ": "fu", "へ": "he", "ほ": "ho",
    "ば": "ba", "び": "bi", "ぶ": "bu", "べ": "be", "ぼ": "bo",
    "ぱ": "pa", "ぴ": "pi", "ぷ": "pu", "ぺ": "pe", "ぽ": "po",
    "ま": "ma", "み": "mi", "む": "mu", "め": "me", "も": "mo",
    "や": "ya", "ゆ": "yu", "よ": "yo",
    "ら": "ra", "り": "ri", "る": "ru", "れ": "re", "ろ": "ro",
    "わ": "wa", "ゐ": "i", "ゑ": "e", "を": "o", "ゔ": "vu",
    "ぁ": "a", "ぃ": "i", "ぅ": "u", "ぇ": "e", "ぉ": "o",
    "ゃ": "ya", "ゅ": "yu", "ょ": "yo", "ゎ": "wa",
}  # fmt: skip
_YOON_ROWS = {
    "き": "ky", "ぎ": "gy", "し": "sh", "じ": "j", "ち": "ch", "ぢ": "j", "に": "ny",
    "ひ": "hy", "び": "by", "ぴ": "py", "み": "my", "り": "ry",
}  # fmt: skip
_EXTENDED = {
    "てぃ": "ti", "でぃ": "di", "とぅ": "tu", "どぅ": "du", "てゅ": "tyu", "でゅ": "dyu",
    "ふぁ": "fa", "ふぃ": "fi", "ふぇ": "fe", "ふぉ": "fo", "ふゅ": "fyu",
    "しぇ": "she", "じぇ": "je", "ちぇ": "che",
    "うぃ": "wi", "うぇ": "we", "うぉ": "wo",
    "つぁ": "tsa", "つぃ": "tsi", "つぇ": "tse", "つぉ": "tso",
    "ゔぁ": "va", "ゔぃ": "vi", "ゔぇ": "ve", "ゔぉ": "vo", "ゔゅ": "vyu",
    "いぇ": "ye", "くぁ": "kwa", "ぐぁ": "gwa",
}  # fmt: skip
_DIGRAPHS = dict(_EXTENDED)
for _kana, _stem in _YOON_ROWS.items():
    for _small, _vowel in (("ゃ", "a"), ("ゅ", "u"), ("ょ", "o")):
        _DIGRAPHS[_kana + _small] = _stem + _vowel

#: Readings in which a final は is the particle "wa" (fixed expressions in the word lists).
PARTICLE_WA_READINGS = frozenset({"では", "それでは", "または", "こんにちは", "こんばんは"})

_KATAKANA_START, _KATAKANA_END = 0x30A1, 0x30F6
_ROMAJI_OK = re.compile(r"[a-z][a-z']*")


def to_hiragana(text: str) -> str:
    """Katakana -> hiragana (ー and anything else left as is)."""
    return "".join(
        chr(ord(ch) - 0x60) if _KATAKANA_START <= ord(ch) <= _KATAKANA_END else ch for ch in text
    )


def is_kana(ch: str) -> bool:
    return "\u3041" <= ch <= "\u3096" or "\u30a1" <= ch <= "\u30fa" or ch in "ーゝゞヽヾ"


def romanize_morae(kana: str) -> list[tuple[str, str]]:
    """Split a kana reading into morae and romanise each; ''.join of the romaji is the word.

    っ carries the doubled consonant and ん carries its apostrophe, so any split of the reading
    on mora boundaries also splits the romaji. Raises ValueError for kana that cannot be
    romanised by the rules (e.g. っ at the end or before a vowel).
    """
    hira = to_hiragana(kana)
    morae: list[str] = []
    i = 0
    while i < len(hira):
        if hira[i : i + 2] in _DIGRAPHS:
            morae.append(hira[i : i + 2])
            i += 2
        elif hira[i] in _BASE or hira[i] in "っんー":
            morae.append(hira[i])
            i += 1
        else:
            raise ValueError(f"cannot romanise {hira[i]!r} in {kana!r}")
    plain = [_DIGRAPHS.get(m) or _BASE.get(m, "") for m in morae]
    out: list[str] = []
    for index, mora in enumerate(morae):
        if mora == "っ":
            nxt = plain[index + 1] if index + 1 < len(plain) else ""
            if not nxt or nxt[0] in "aiueon":
                raise ValueError(f"っ before no consonant in {kana!r}")
            roman = "t" if nxt.startswith("ch") else nxt[0]
        elif mora == "ん":
            nxt = plain[index + 1] if index + 1 < len(plain) else ""
            roman = "n'" if nxt[:1] in ("a", "i", "u", "e", "o", "y") and nxt else "n"
        elif mora == "ー":
            previous = "".join(out)
            if not previous or previous[-1] not in "aiueo":
                raise ValueError(f"ー after no vowel in {kana!r}")
            roman = previous[-1]
        else:
            roman = plain[index]
        out.append(roman)
    if hira in PARTICLE_WA_READINGS:
        out[-1] = "wa"
    return list(zip(morae, out, strict=True))


def table_romaji(kana: str) -> str:
    """The reference conversion: the mora table above."""
    return "".join(roman for _, roman in romanize_morae(kana))


@cache
def _kakasi():  # type: ignore[no-untyped-def]
    import pykakasi

    return pykakasi.kakasi()


def pykakasi_romaji(kana: str) -> str:
    """pykakasi's Hepburn for a kana reading, post-processed to the conventions above.

    Pre-processing: the reading is cut after every ん that precedes a vowel or y and the pieces
    are joined with an apostrophe (pykakasi writes こんや as "konya"). Post-processing:
    lowercase, particle は -> wa, and a check that only ASCII letters and ' remain.
    """
    hira = to_hiragana(kana)
    pieces = re.split(r"(?<=ん)(?=[あいうえおやゆよぁぃぅぇぉゃゅょ])", hira)
    kks = _kakasi()
    roman = "'".join("".join(item["hepburn"] for item in kks.convert(p)) for p in pieces)
    roman = roman.lower().replace(" ", "")
    if hira in PARTICLE_WA_READINGS and roman.endswith("ha"):
        roman = roman[:-2] + "wa"
    if not _ROMAJI_OK.fullmatch(roman):
        raise ValueError(f"pykakasi gave {roman!r} for {kana!r}")
    return roman


def to_romaji(kana: str) -> str:
    """ASCII Hepburn for a kana reading: pykakasi, verified against the mora table.

    When pykakasi disagrees with the rules (extended katakana such as ティ), the table's
    spelling is returned; `disagreements` records the cases for the build report.
    """
    reference = table_romaji(kana)
    try:
        roman = pykakasi_romaji(kana)
    except ValueError:
        roman = ""
    if roman != reference:
        disagreements[kana] = (roman, reference)
    return reference


disagreements: dict[str, tuple[str, str]] = {}
