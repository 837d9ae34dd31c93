"""A database from every earlier schema version upgrades with nothing lost; a backup taken under
load restores to a consistent database; backup and restore refuse path tricks cleanly."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from lang_portal import cli
from lang_portal.clock import FixedClock
from lang_portal.database import Database
from lang_portal.repository import migrations
from lang_portal.settings import MIGRATIONS_DIR, load_settings
from tests.reliability.figures import record_figure
from tests.reliability.server import (
    inconsistencies,
    integrity,
)

MIGRATION_FILES = sorted(path.name for path in MIGRATIONS_DIR.glob("*.sql"))
# The tables of the first schema: every later version must keep their rows as they were.
CORE_TABLES = [
    "words",
    "groups",
    "words_groups",
    "study_activities",
    "study_sessions",
    "word_review_items",
    "study_session_words",
    "daily_stats",
]


def _fill_history(connection: sqlite3.Connection) -> None:
    """A small history written as the first schema's code wrote it (counters included)."""
    stamp = "2026-01-{:02d}T09:00:00.000000Z"
    connection.executemany(
        "INSERT INTO words (id, japanese, romaji, english, parts, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            (i, f"ことば{i}", f"kotoba {i}", f"word {i}", '["x"]', stamp.format(1), stamp.format(1))
            for i in range(1, 13)
        ],
    )
    connection.execute(
        "INSERT INTO groups (id, name, created_at, updated_at) VALUES (1, 'Old group', ?, ?)",
        (stamp.format(1), stamp.format(1)),
    )
    connection.executemany(
        "INSERT INTO words_groups (word_id, group_id, created_at) VALUES (?, 1, ?)",
        [(i, stamp.format(1)) for i in range(1, 13)],
    )
    connection.execute(
        "INSERT INTO study_activities (id, name, launch_url, created_at)"
        " VALUES (1, 'Quiz', 'http://localhost:8081', ?)",
        (stamp.format(1),),
    )
    review_id = 0
    for session in range(1, 5):
        day = stamp.format(session + 1)
        connection.execute(
            "INSERT INTO study_sessions (id, group_id, study_activity_id, created_at)"
            " VALUES (?, 1, 1, ?)",
            (session, day),
        )
        for word in range(1, 13):
            correct = (word + session) % 3 != 0
            review_id += 1
            moment = day.replace("09:00:00", f"09:{word:02d}:00")
            connection.execute(
                "INSERT INTO word_review_items"
                " (id, word_id, study_session_id, correct, duration_ms, created_at)"
                " VALUES (?, ?, ?, ?, 1500, ?)",
                (review_id, word, session, int(correct), moment),
            )
            connection.execute(
                "UPDATE words SET correct_count = correct_count + ?,"
                " wrong_count = wrong_count + ?, last_reviewed_at = ? WHERE id = ?",
                (int(correct), int(not correct), moment, word),
            )
            connection.execute(
                "INSERT INTO study_session_words (study_session_id, word_id, correct_count,"
                " wrong_count) VALUES (?, ?, ?, ?)",
                (session, word, int(correct), int(not correct)),
            )
            connection.execute(
                "UPDATE study_sessions SET review_items_count = review_items_count + 1,"
                " correct_count = correct_count + ?, ended_at = ? WHERE id = ?",
                (int(correct), moment, session),
            )
            connection.execute(
                "INSERT INTO daily_stats (day, reviews, correct, duration_ms)"
                " VALUES (?, 1, ?, 1500)"
                " ON CONFLICT (day) DO UPDATE SET reviews = reviews + 1,"
                " correct = correct + excluded.correct, duration_ms = duration_ms + 1500",
                (day[:10], int(correct)),
            )
    connection.execute(
        "INSERT OR REPLACE INTO app_meta (key, value) VALUES ('stats_timezone', 'UTC')"
    )


def _columns(path: Path, tables: list[str]) -> dict[str, list[str]]:
    connection = sqlite3.connect(path)
    try:
        return {
            table: [row[1] for row in connection.execute(f"PRAGMA table_info({table})")]
            for table in tables
        }
    finally:
        connection.close()


def _rows(path: Path, columns: dict[str, list[str]]) -> dict[str, list[tuple[Any, ...]]]:
    """Each table's rows in the columns it had before the upgrade (later ones may add some)."""
    connection = sqlite3.connect(path)
    try:
        return {
            table: [
                tuple(row)
                for row in connection.execute(
                    f"SELECT {', '.join(names)} FROM {table} ORDER BY 1, 2"
                )
            ]
            for table, names in columns.items()
        }
    finally:
        connection.close()


@pytest.mark.parametrize("version", range(1, len(MIGRATION_FILES)))
def test_database_from_every_earlier_schema_upgrades_with_nothing_lost(
    tmp_path: Path, version: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    earlier = tmp_path / "migrations"
    earlier.mkdir()
    for name in MIGRATION_FILES[:version]:
        shutil.copy(MIGRATIONS_DIR / name, earlier / name)
    path = tmp_path / "old.db"
    db = Database(path)
    migrations.apply(db, earlier, FixedClock(datetime(2026, 1, 1, tzinfo=UTC)))
    with db.write() as connection:
        _fill_history(connection)
    db.close()
    columns = _columns(path, CORE_TABLES)
    before = _rows(path, columns)

    # The real upgrade path: what `lang-portal migrate` (and `serve`) run.
    monkeypatch.setenv("DATABASE_PATH", str(path))
    monkeypatch.setenv("BACKUP_PATH", str(tmp_path / "backups"))
    applied = cli.migrate_database(load_settings())
    assert applied == MIGRATION_FILES[version:]

    after = _rows(path, columns)
    for table in CORE_TABLES:
        assert after[table] == before[table], f"{table} changed in the upgrade"
    assert integrity(path) == "ok"
    # State derived from the history (scheduling, analytics) agrees with the history it had.
    assert inconsistencies(path, []) == []
    record_figure(
        f"upgrade_from_{MIGRATION_FILES[version - 1][:4]}",
        {"rows_kept": sum(len(rows) for rows in before.values()), "rows_lost": 0},
    )
