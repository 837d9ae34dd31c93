"""A database from every earlier schema version upgrades with nothing lost; a backup taken under
load restores to a consistent database; backup and restore refuse path tricks cleanly."""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from lang_portal import cli
from lang_portal.clock import FixedClock
from lang_portal.database import Database
from lang_portal.repository import migrations
from lang_portal.service.answers import AnswerPipeline
from lang_portal.service.context import ServiceContext
from lang_portal.settings import MIGRATIONS_DIR, load_settings
from tests.conftest import START
from tests.reliability.figures import record_figure
from tests.reliability.server import (
    LoadResult,
    drive_load,
    inconsistencies,
    integrity,
    running_server,
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
        if version >= 2:
            # what the review writes of that release kept beside the history (0002 added it)
            with _as_this_release_reads(connection, MIGRATION_FILES[:version]):
                AnswerPipeline(
                    ServiceContext(db, load_settings(database_path=path), FixedClock(START))
                ).rebuild(connection)
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


@contextlib.contextmanager
def _as_this_release_reads(connection: sqlite3.Connection, applied: list[str]) -> Iterator[None]:
    """This release's pipeline replays an older schema's history: before 0007 it lacked the
    answers' grades (all NULL then) and the fitted parameters (the defaults then), before 0008
    the archive of old answers (empty then), before 0011 the words' answer-time counters (zero
    then). They are lent for the replay and taken away again, so the file keeps the older
    schema."""
    with contextlib.ExitStack() as lent:
        if "0007_srs_fit_grades.sql" not in applied:
            connection.execute("ALTER TABLE word_review_items ADD COLUMN grade INTEGER")
            connection.execute(
                "CREATE TABLE srs_parameters (id INTEGER PRIMARY KEY, parameters TEXT, "
                "slow_correct_ms INTEGER)"
            )
            lent.callback(connection.execute, "ALTER TABLE word_review_items DROP COLUMN grade")
            lent.callback(connection.execute, "DROP TABLE srs_parameters")
        if "0008_operations.sql" not in applied:
            # before 0008 no answer had been archived: an empty archive ledger
            connection.execute(
                "CREATE TABLE archived_answers (id INTEGER PRIMARY KEY, word_id INTEGER, "
                "correct INTEGER, duration_ms INTEGER, created_at TEXT, "
                "study_activity_id INTEGER, grade INTEGER)"
            )
            lent.callback(connection.execute, "DROP TABLE archived_answers")
        if "0011_difficulty_responses.sql" not in applied:
            # before 0011 the words kept no answer-time counters
            for column in ("answer_ms_total", "timed_answers"):
                connection.execute(
                    f"ALTER TABLE words ADD COLUMN {column} INTEGER NOT NULL DEFAULT 0"
                )
                lent.callback(connection.execute, f"ALTER TABLE words DROP COLUMN {column}")
        yield


def _cli(monkeypatch: pytest.MonkeyPatch, database: Path, backups: Path, *argv: str) -> int:
    monkeypatch.setenv("DATABASE_PATH", str(database))
    monkeypatch.setenv("BACKUP_PATH", str(backups))
    return cli.main(list(argv))


@pytest.mark.slow
def test_backup_taken_under_load_restores_to_a_consistent_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    live, backups = tmp_path / "live.db", tmp_path / "backups"
    with running_server(live, workers=2) as server:
        stop, warmed = threading.Event(), threading.Event()
        result = LoadResult()
        load = threading.Thread(
            target=drive_load,
            args=(server.base_url,),
            kwargs={
                "clients": 16,
                "reviews_per_client": 10_000,
                "stop": stop,
                "acked": warmed,
                "acked_threshold": 100,
                "result": result,
            },
        )
        load.start()
        try:
            assert warmed.wait(timeout=120)
            with result.lock:
                before_backup = list(result.acks)
            assert _cli(monkeypatch, live, backups, "backup") == 0
        finally:
            stop.set()
            load.join(timeout=120)
        assert result.server_errors == []
    (backup_file,) = sorted(backups.glob("lang-portal-*.db.gz"))

    restored = tmp_path / "restored" / "words.db"
    restored.parent.mkdir()
    assert (
        _cli(monkeypatch, restored, tmp_path / "safety", "restore", "--yes", str(backup_file)) == 0
    )
    assert integrity(restored) == "ok"
    # Everything acknowledged before the backup began is in it, and it agrees with itself.
    assert inconsistencies(restored, before_backup) == []
    record_figure(
        "restore_under_load",
        {
            "acknowledged_before_backup": len(before_backup),
            "acknowledged_during_load": len(result.acks),
            "integrity_check": "ok",
            "missing_after_restore": 0,
        },
    )


def _snapshot(path: Path) -> tuple[int, int, str]:
    connection = sqlite3.connect(path)
    try:
        words = connection.execute("SELECT count(*) FROM words").fetchone()[0]
        reviews = connection.execute("SELECT count(*) FROM word_review_items").fetchone()[0]
        return (
            int(words),
            int(reviews),
            str(connection.execute("PRAGMA integrity_check").fetchone()[0]),
        )
    finally:
        connection.close()


def test_restore_and_backup_refuse_path_tricks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    database, backups = tmp_path / "db" / "words.db", tmp_path / "backups"
    database.parent.mkdir()
    monkeypatch.setenv("DATABASE_PATH", str(database))
    assert cli.main(["migrate"]) == 0
    assert cli.main(["seed", "--dir", str(Path(__file__).parents[1] / "fixtures" / "seeds")]) == 0
    before = _snapshot(database)
    capsys.readouterr()

    plain = tmp_path / "not-a-backup.txt"
    plain.write_text("SQLite format 3 is what this file pretends to be\n")
    foreign = tmp_path / "foreign.db"
    sqlite3.connect(foreign).executescript("CREATE TABLE t (x); INSERT INTO t VALUES (1);")
    loop = tmp_path / "loop"
    loop.symlink_to(loop)
    to_passwd = tmp_path / "innocent.db.gz"
    to_passwd.symlink_to("/etc/passwd")
    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    tricks = {
        "restore": [
            "../../../../../../etc/passwd",
            "/etc/passwd",
            "/dev/zero",
            "/dev/null",
            "/proc/self/environ",
            str(tmp_path),
            str(tmp_path / "missing.db.gz"),
            str(plain),
            str(foreign),
            str(loop),
            str(to_passwd),
            "",
            "~nobody-such-user/x.db",
            "x\n; rm -rf /",
            "%2e%2e%2fetc%2fpasswd",
        ],
        "backup --dir": [str(a_file), "/proc/self", str(a_file / "below-a-file"), "/dev/null"],
    }
    tried = 0
    for path in tricks["restore"]:
        code = _cli(monkeypatch, database, backups, "restore", "--yes", path)
        tried += 1
        captured = capsys.readouterr()
        assert code == 1, (path, captured)
        assert captured.err.startswith("lang-portal restore: error:"), (path, captured.err)
        assert "Traceback" not in captured.err
        assert _snapshot(database) == before, path
    for directory in tricks["backup --dir"]:
        code = _cli(monkeypatch, database, backups, "backup", "--dir", directory)
        tried += 1
        captured = capsys.readouterr()
        assert code == 1, (directory, captured)
        assert captured.err.startswith("lang-portal backup: error:"), (directory, captured.err)
        assert "Traceback" not in captured.err
    assert _snapshot(database) == before
    assert a_file.read_text() == "x"
    assert (
        sorted(p.name for p in database.parent.iterdir() if not p.name.startswith("words.db")) == []
    )
    record_figure("backup_restore_path_tricks", {"tried": tried, "refused_cleanly": tried})
