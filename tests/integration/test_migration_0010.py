"""Migration 0010: a database built and seeded before levels existed keeps its data, and gets
the manifest's levels the next time the server starts (`serve` seeds only an empty database)."""

from __future__ import annotations

from pathlib import Path

from lang_portal.cli import seed_missing_levels
from lang_portal.clock import FixedClock
from lang_portal.database import Database
from lang_portal.repository import migrations
from lang_portal.service.seeding import load_seeds
from lang_portal.settings import MIGRATIONS_DIR, SEEDS_DIR, Settings
from tests.helpers import database_before

MIGRATION = "0010_learning_path.sql"
STAMP = "2026-01-01T09:00:00.000000Z"
DATA_TABLES = ("words", "groups", "words_groups", "study_activities", "study_sessions")


def counts(db: Database, tables: tuple[str, ...]) -> dict[str, int]:
    with db.read() as connection:
        return {
            table: connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in tables
        }


def test_an_old_database_migrates_and_gets_its_levels_on_start(
    tmp_path: Path, clock: FixedClock, settings: Settings
) -> None:
    old_settings = settings.model_copy(update={"database_path": tmp_path / "old.db"})
    db = database_before(MIGRATION, old_settings.database_path, clock)
    # seeded as before levels existed: the manifest's groups and words, written as the seeding
    # of that schema wrote them
    _, groups = load_seeds(SEEDS_DIR)
    with db.write() as connection:
        connection.execute(
            "INSERT INTO study_activities (id, name, launch_url, created_at)"
            " VALUES (1, 'Typing Tutor', '/apps/typing/', ?)",
            (STAMP,),
        )
        for group_id, seed_group in enumerate(groups, start=1):
            connection.execute(
                "INSERT INTO groups (id, name, created_at, updated_at) VALUES (?, ?, ?, ?)",
                (group_id, seed_group.name, STAMP, STAMP),
            )
            for word in seed_group.words:
                connection.execute(
                    "INSERT OR IGNORE INTO words (japanese, romaji, english, created_at,"
                    " updated_at) VALUES (?, ?, ?, ?, ?)",
                    (word.japanese, word.romaji, word.english, STAMP, STAMP),
                )
                connection.execute(
                    "INSERT OR IGNORE INTO words_groups (word_id, group_id, created_at)"
                    " SELECT id, ?, ? FROM words WHERE japanese = ? AND english = ?",
                    (group_id, STAMP, word.japanese, word.english),
                )
        connection.execute(
            "INSERT INTO study_sessions (id, group_id, study_activity_id, created_at)"
            " VALUES (1, 1, 1, ?)",
            (STAMP,),
        )
        # the school's own change since: a word taken out of its group
        connection.execute("DELETE FROM words_groups WHERE word_id = 1")
    kept = counts(db, DATA_TABLES)

    assert MIGRATION in migrations.apply(db, MIGRATIONS_DIR, clock)
    assert counts(db, DATA_TABLES) == kept
    assert counts(db, ("levels", "level_groups", "word_path")) == {
        "levels": 0,
        "level_groups": 0,
        "word_path": 0,
    }
    db.close()

    assert seed_missing_levels(old_settings) == "seeded 2 levels of the learning path"
    db = Database(old_settings.database_path)
    assert counts(db, DATA_TABLES) == kept  # the word stays out of its group
    with db.read() as connection:
        placed = dict(
            connection.execute(
                "SELECT l.name, count(*) FROM word_path AS p JOIN levels AS l ON l.id = p.level_id"
                " GROUP BY l.name"
            ).fetchall()
        )
        unplaced = connection.execute(
            "SELECT count(*) FROM words WHERE id NOT IN (SELECT word_id FROM word_path)"
        ).fetchone()[0]
    db.close()
    assert placed == {"N5": 670, "N4": 637}
    assert unplaced == 1
    # the next start finds the levels there and does nothing
    assert seed_missing_levels(old_settings) is None
