"""The romaji conventions of scripts/romaji.py (pykakasi, checked against the mora table)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))

from romaji import pykakasi_romaji, romanize_morae, table_romaji, to_romaji

CASES = [
    ("すし", "sushi"),
    ("しお", "shio"),
    ("ちかてつ", "chikatetsu"),
    ("つくえ", "tsukue"),
    ("ふじさん", "fujisan"),
    ("じかん", "jikan"),
    ("はなぢ", "hanaji"),
    ("じゃあ", "jaa"),
    ("じゅう", "juu"),
    ("じょうず", "jouzu"),
    ("しゃしん", "shashin"),
    ("ちゃわん", "chawan"),
    ("きって", "kitte"),
    ("がっこう", "gakkou"),
    ("ざっし", "zasshi"),
    ("まっちゃ", "matcha"),
    ("いっぱい", "ippai"),
    ("きんえん", "kin'en"),
    ("こんや", "kon'ya"),
    ("せんえん", "sen'en"),
    ("しんぶん", "shinbun"),
    ("とうきょう", "toukyou"),
    ("おおきい", "ookii"),
    ("えいが", "eiga"),
    ("コーヒー", "koohii"),
    ("パーティー", "paatii"),
    ("チェック", "chekku"),
    ("フォーク", "fooku"),
    ("フィルム", "firumu"),
    ("それでは", "soredewa"),
    ("または", "matawa"),
    ("では", "dewa"),
    ("たべる", "taberu"),
]


@pytest.mark.parametrize(("kana", "expected"), CASES)
def test_to_romaji(kana: str, expected: str) -> None:
    assert to_romaji(kana) == expected
    assert table_romaji(kana) == expected


@pytest.mark.parametrize(
    ("kana", "expected"),
    [(k, e) for k, e in CASES if k not in ("パーティー",)],
)
def test_pykakasi_agrees_after_post_processing(kana: str, expected: str) -> None:
    assert pykakasi_romaji(kana) == expected


def test_morae_carry_gemination_and_apostrophe() -> None:
    assert romanize_morae("がっこう") == [("が", "ga"), ("っ", "k"), ("こ", "ko"), ("う", "u")]
    assert romanize_morae("きんようび")[1] == ("ん", "n'")


@pytest.mark.parametrize("kana", ["あっ", "ー", "abc"])
def test_unromanisable_input_is_refused(kana: str) -> None:
    with pytest.raises(ValueError):
        table_romaji(kana)
