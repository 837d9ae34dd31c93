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


# -- levels of the learning path -------------------------------------------------------------


def level_counts(services: Services) -> dict[str, int]:
    with services.context.db.read() as connection:
        return {
            table: connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("levels", "level_groups", "level_prerequisites", "word_path")
        }


def test_fixture_levels_are_seeded_once(services: Services) -> None:
    before = level_counts(services)
    assert before == {"levels": 2, "level_groups": 2, "level_prerequisites": 1, "word_path": 10}
    assert not services.seeding.seed(FIXTURE_SEEDS).changed
    assert level_counts(services) == before


def with_levels(tmp_path: Path, levels: list[dict[str, object]]) -> Path:
    """The fixture seeds plus a new group (so a refused seeding has something to leave out)."""
    seeds = tmp_path / "seeds"
    shutil.copytree(FIXTURE_SEEDS, seeds)
    manifest = json.loads((seeds / "manifest.json").read_text())
    manifest["groups"].append({"file": "verbs.json", "group": "Fresh Group"})
    manifest["levels"] = levels
    (seeds / "manifest.json").write_text(json.dumps(manifest))
    return seeds


def a_level(name: str, groups: list[str], **fields: object) -> dict[str, object]:
    level: dict[str, object] = {
        "name": name,
        "title": f"Level {name}",
        "groups": groups,
        "progression": {"min_success_rate": 0.8, "min_word_count": 1},
    }
    level.update(fields)
    return level


@pytest.mark.parametrize(
    ("levels", "message"),
    [
        (
            [a_level("A", ["Basic Greetings"]), a_level("A", ["Core Verbs"])],
            "levels[1].name: level 'A' is declared twice",
        ),
        (
            [a_level("A", ["No Such Group"])],
            "levels[0].groups[0]: 'No Such Group' is not a group of the manifest",
        ),
        (
            [a_level("A", ["Basic Greetings"]), a_level("B", ["Core Verbs", "Basic Greetings"])],
            "levels[1].groups[1]: 'Basic Greetings' is already in level 'A'; "
            "a group belongs to one level",
        ),
        (
            [a_level("A", ["Basic Greetings"], prerequisites=["N3"])],
            "levels[0].prerequisites[0]: 'N3' is not a level",
        ),
        (
            [a_level("A", ["Basic Greetings"], prerequisites=["A"])],
            "levels[0].prerequisites[0]: a level cannot require itself",
        ),
        (
            [
                a_level("A", ["Basic Greetings"], prerequisites=["C"]),
                a_level("B", ["Core Verbs"], prerequisites=["A"]),
                a_level(
                    "C",
                    ["Fresh Group"],  # the same words as Core Verbs: none of its own
                    prerequisites=["B"],
                    progression={"min_success_rate": 0.8, "min_word_count": 0},
                ),
            ],
            "levels: the prerequisites go round in a circle: A -> C -> B -> A",
        ),
        (
            # Core Verbs has 6 words, but こんにちは is already on level A
            [
                a_level("A", ["Basic Greetings"]),
                a_level(
                    "B", ["Core Verbs"], progression={"min_success_rate": 0.5, "min_word_count": 6}
                ),
            ],
            "levels[1].progression.min_word_count: 6 is more than the 5 words of level 'B'",
        ),
        (
            [
                a_level(
                    "A", ["Core Verbs"], progression={"min_success_rate": 1.5, "min_word_count": 1}
                )
            ],
            "levels.0.progression.min_success_rate: Input should be less than or equal to 1",
        ),
        (
            [
                a_level(
                    "A", ["Core Verbs"], progression={"min_success_rate": 0.5, "min_word_count": -1}
                )
            ],
            "levels.0.progression.min_word_count: Input should be greater than or equal to 0",
        ),
        (
            [a_level("A B/C", ["Core Verbs"])],
            "levels.0.name: String should match pattern",
        ),
        (
            [a_level("A", ["Core Verbs"], difficulty=1.5)],
            "levels.0.difficulty: Input should be less than or equal to 1",
        ),
        (
            [
                a_level(
                    "A",
                    ["Core Verbs"],
                    progression={
                        "min_success_rate": 0.5,
                        "min_word_count": 1,
                        "review_interval": -1,
                    },
                )
            ],
            "levels.0.progression.review_interval: Input should be greater than or equal to 0",
        ),
    ],
)
def test_bad_levels_are_refused_naming_the_place(
    services: Services, tmp_path: Path, levels: list[dict[str, object]], message: str
) -> None:
    seeds = with_levels(tmp_path, levels)
    before = table_counts(services), level_counts(services)
    with pytest.raises(SeedError) as raised:
        services.seeding.seed(seeds)
    assert str(raised.value).startswith(f"{seeds / 'manifest.json'}: {message}")
    assert (table_counts(services), level_counts(services)) == before


def test_a_database_without_levels_gets_them_and_nothing_else(
    services: Services, tmp_path: Path
) -> None:
    with services.context.db.write() as connection:
        for table in ("level_groups", "level_prerequisites", "levels", "word_path"):
            connection.execute(f"DELETE FROM {table}")
        connection.execute("DELETE FROM words WHERE id = 2")  # the school's own deletion
        connection.execute("DELETE FROM groups WHERE name = 'Core Verbs'")
    before = table_counts(services)
    report = services.seeding.seed_levels_if_none(FIXTURE_SEEDS)
    assert (report.levels_added, report.level_groups_added) == (2, 1)
    assert table_counts(services) == before  # neither the word nor the group came back
    assert level_counts(services) == {
        "levels": 2,
        "level_groups": 1,
        "level_prerequisites": 1,
        "word_path": 4,
    }
    # once it has levels, it is left alone
    assert not services.seeding.seed_levels_if_none(FIXTURE_SEEDS).changed


def test_real_seeds_declare_n5_then_n4(services: Services) -> None:
    with services.context.db.write() as connection:
        for table in ("words", "groups", "study_activities", "levels"):
            connection.execute(f"DELETE FROM {table}")
    services.seeding.seed(SEEDS_DIR)
    with services.context.db.read() as connection:
        rows = connection.execute(
            "SELECT l.name, l.position, l.min_success_rate, l.min_word_count,"
            " (SELECT count(*) FROM word_path AS p WHERE p.level_id = l.id),"
            " (SELECT count(*) FROM level_groups AS lg WHERE lg.level_id = l.id)"
            " FROM levels AS l ORDER BY l.position"
        ).fetchall()
        requires = connection.execute(
            "SELECT a.name, b.name FROM level_prerequisites AS lp"
            " JOIN levels AS a ON a.id = lp.level_id JOIN levels AS b ON b.id = lp.prerequisite_id"
        ).fetchall()
    assert [tuple(row) for row in rows] == [
        ("N5", 1, 0.8, 500, 671, 8),
        ("N4", 2, 0.8, 480, 637, 6),
    ]
    assert [tuple(row) for row in requires] == [("N4", "N5")]
