"""Seeding: every row checked, one transaction, twice changes nothing, real seeds load."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from lang_portal.service.container import Services
from lang_portal.service.seeding import SeedError
from lang_portal.settings import SEEDS_DIR
from tests.conftest import FIXTURE_SEEDS


def table_counts(services: Services) -> dict[str, int]:
    with services.context.db.read() as connection:
        return {
            table: connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("words", "groups", "words_groups", "study_activities")
        }


def test_seeding_twice_changes_nothing(services: Services) -> None:
    before = table_counts(services)
    assert before == {"words": 10, "groups": 2, "words_groups": 11, "study_activities": 2}
    report = services.seeding.seed(FIXTURE_SEEDS)
    assert not report.changed
    assert report.rows == 11
    assert table_counts(services) == before


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ({"japanese": "猫", "romaji": "neko1", "english": "cat"}, "romaji"),
        ({"japanese": "猫", "romaji": "neko"}, "english"),
        ({"japanese": "кошка", "romaji": "koshka", "english": "cat"}, "japanese"),
    ],
)
def test_bad_row_is_reported_and_nothing_written(
    services: Services, tmp_path: Path, row: dict[str, str], reason: str
) -> None:
    seeds = tmp_path / "seeds"
    shutil.copytree(FIXTURE_SEEDS, seeds)
    verbs = json.loads((seeds / "verbs.json").read_text())
    verbs.insert(2, {"japanese": "新しい", "romaji": "atarashii", "english": "new"})
    verbs.insert(3, row)
    (seeds / "verbs.json").write_text(json.dumps(verbs, ensure_ascii=False))
    manifest = json.loads((seeds / "manifest.json").read_text())
    manifest["groups"].append({"file": "verbs.json", "group": "Fresh Group"})
    (seeds / "manifest.json").write_text(json.dumps(manifest))

    before = table_counts(services)
    with pytest.raises(SeedError) as raised:
        services.seeding.seed(seeds)
    assert str(raised.value).startswith("verbs.json, row 4: ")
    assert reason in str(raised.value)
    assert table_counts(services) == before


def test_group_over_limit_rolls_back_everything(services: Services, tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    shutil.copytree(FIXTURE_SEEDS, seeds)
    many = [
        {
            "japanese": f"語{'あいうえおかきくけこ'[i % 10]}{'さしすせそ'[i // 10]}",
            "romaji": "go",
            "english": f"word {i}",
        }
        for i in range(50)
    ]
    (seeds / "big.json").write_text(json.dumps(many, ensure_ascii=False))
    manifest = json.loads((seeds / "manifest.json").read_text())
    manifest["groups"].insert(0, {"file": "big.json", "group": "Big"})
    (seeds / "manifest.json").write_text(json.dumps(manifest))
    limited = services.context.settings.model_copy(update={"max_words_per_group": 40})
    services.context.settings = limited
    before = table_counts(services)
    with pytest.raises(Exception, match="limit is 40"):
        services.seeding.seed(seeds)
    assert table_counts(services) == before


def test_missing_and_broken_files(services: Services, tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    shutil.copytree(FIXTURE_SEEDS, seeds)
    (seeds / "verbs.json").unlink()
    with pytest.raises(
        SeedError, match=re.escape("verbs.json: listed in the manifest but missing")
    ):
        services.seeding.seed(seeds)
    (seeds / "verbs.json").write_text("[{")
    with pytest.raises(SeedError, match=re.escape("verbs.json: not valid JSON")):
        services.seeding.seed(seeds)
    with pytest.raises(SeedError, match="no seed manifest"):
        services.seeding.seed(tmp_path)


def test_real_seeds_load_within_rules(services: Services) -> None:
    with services.context.db.write() as connection:
        connection.execute("DELETE FROM words")
        connection.execute("DELETE FROM groups")
        connection.execute("DELETE FROM study_activities")
    report = services.seeding.seed(SEEDS_DIR)
    assert report.words_added > 1200
    assert report.activities_added >= 1
    counts = table_counts(services)
    assert counts["groups"] <= 100
    with services.context.db.read() as connection:
        biggest = connection.execute("SELECT max(word_count) FROM groups").fetchone()[0]
        launch_urls = [r[0] for r in connection.execute("SELECT launch_url FROM study_activities")]
    assert biggest <= 500
    assert sorted(launch_urls) == ["/apps/flashcards/", "/apps/typing/"]
    assert not services.seeding.seed(SEEDS_DIR).changed
