"""SQL of the scheduled maintenance: cleanup, statistics, vacuum, the task ledger, the archive."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from typing import Any

# -- cleanup ---------------------------------------------------------------------------------

# Rows whose parent is gone. Foreign keys (ON DELETE CASCADE) keep these from appearing while
# they are enforced; a database written with them off (an old tool, a manual edit) may hold some.
_ORPHANS = {
    "word_review_items": "study_session_id NOT IN (SELECT id FROM study_sessions) "
    "OR word_id NOT IN (SELECT id FROM words)",
    "study_session_words": "study_session_id NOT IN (SELECT id FROM study_sessions) "
    "OR word_id NOT IN (SELECT id FROM words)",
    "words_groups": "word_id NOT IN (SELECT id FROM words) "
    "OR group_id NOT IN (SELECT id FROM groups)",
    "srs_cards": "word_id NOT IN (SELECT id FROM words)",
    # no foreign key: a word's place on the learning path (migration 0010)
    "word_path": "word_id NOT IN (SELECT id FROM words)",
    "level_groups": "group_id NOT IN (SELECT id FROM groups) "
    "OR level_id NOT IN (SELECT id FROM levels)",
    "archived_answers": "session_id NOT IN (SELECT id FROM archived_sessions) "
    "OR word_id NOT IN (SELECT id FROM words)",
}


def delete_orphans(connection: sqlite3.Connection) -> dict[str, int]:
    """Delete rows pointing at a missing parent; returns the count per table."""
    removed: dict[str, int] = {}
    for table, condition in _ORPHANS.items():
        cursor = connection.execute(f"DELETE FROM {table} WHERE {condition}")
        if cursor.rowcount:
            removed[table] = cursor.rowcount
    return removed


def delete_idempotency_keys_before(connection: sqlite3.Connection, moment: str) -> int:
    cursor = connection.execute("DELETE FROM idempotency_keys WHERE created_at < ?", (moment,))
    return cursor.rowcount


# -- statistics and space ----------------------------------------------------------------------


def analyze(connection: sqlite3.Connection) -> None:
    # bounded: reads at most ~1000 rows per index, so it stays short on a big history
    connection.execute("PRAGMA analysis_limit = 1000")
    connection.execute("ANALYZE")


def optimize(connection: sqlite3.Connection) -> None:
    connection.execute("PRAGMA optimize")


def auto_vacuum_mode(connection: sqlite3.Connection) -> int:
    """0 none, 1 full, 2 incremental."""
    return int(connection.execute("PRAGMA auto_vacuum").fetchall()[0][0])


def set_incremental_auto_vacuum(connection: sqlite3.Connection) -> None:
    connection.execute("PRAGMA auto_vacuum = INCREMENTAL")


def vacuum(connection: sqlite3.Connection) -> None:
    connection.execute("VACUUM")


def free_pages(connection: sqlite3.Connection) -> int:
    # fetchall: a statement left unfinished would keep incremental_vacuum from running
    return int(connection.execute("PRAGMA freelist_count").fetchall()[0][0])


def page_size(connection: sqlite3.Connection) -> int:
    return int(connection.execute("PRAGMA page_size").fetchall()[0][0])


def incremental_vacuum(connection: sqlite3.Connection, pages: int) -> None:
    # One page per statement: the sqlite3 module steps a statement without result columns only
    # once, and `incremental_vacuum(N)` frees one page per step.
    for _ in range(pages):
        connection.execute("PRAGMA incremental_vacuum(1)").close()


def checkpoint(connection: sqlite3.Connection) -> tuple[int, int, int]:
    """A PASSIVE WAL checkpoint: copies what it can without waiting for readers or writers."""
    row = connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()[0]
    return int(row[0]), int(row[1]), int(row[2])


def has_tables(connection: sqlite3.Connection) -> bool:
    row = connection.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' LIMIT 1").fetchone()
    return row is not None


# -- the task ledger ---------------------------------------------------------------------------


def task_started(connection: sqlite3.Connection, task: str, moment: str) -> None:
    connection.execute(
        "INSERT INTO maintenance_runs (task, started_at, status) VALUES (?, ?, 'running') "
        "ON CONFLICT (task) DO UPDATE SET started_at = excluded.started_at, "
        "finished_at = NULL, status = 'running', duration_ms = NULL, attempts = 1, detail = NULL",
        (task, moment),
    )


def task_finished(
    connection: sqlite3.Connection,
    task: str,
    *,
    started_at: str,
    finished_at: str,
    status: str,
    duration_ms: float,
    attempts: int,
    detail: str,
) -> None:
    ok, failed = (1, 0) if status == "ok" else (0, 1)
    connection.execute(
        "INSERT INTO maintenance_runs (task, started_at, finished_at, status, duration_ms, "
        "attempts, detail, runs_ok, runs_failed) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (task) DO UPDATE SET started_at = excluded.started_at, "
        "finished_at = excluded.finished_at, status = excluded.status, "
        "duration_ms = excluded.duration_ms, attempts = excluded.attempts, "
        "detail = excluded.detail, runs_ok = runs_ok + excluded.runs_ok, "
        "runs_failed = runs_failed + excluded.runs_failed",
        (task, started_at, finished_at, status, duration_ms, attempts, detail, ok, failed),
    )


def task_runs(connection: sqlite3.Connection) -> list[sqlite3.Row]:
    return connection.execute(
        "SELECT task, started_at, finished_at, status, duration_ms, attempts, detail, runs_ok, "
        "runs_failed FROM maintenance_runs ORDER BY task"
    ).fetchall()


# -- the archive of old sessions -----------------------------------------------------------------


def sessions_idle_before(connection: sqlite3.Connection, cutoff: str) -> list[int]:
    """Sessions whose last activity (last answer, else creation) is before `cutoff`."""
    rows = connection.execute(
        "SELECT id FROM study_sessions WHERE coalesce(ended_at, created_at) < ? ORDER BY id",
        (cutoff,),
    )
    return [int(row[0]) for row in rows]


def _in(ids: Sequence[int]) -> str:
    return ", ".join("?" * len(ids))


def sessions_for_archive(connection: sqlite3.Connection, ids: Sequence[int]) -> list[sqlite3.Row]:
    return connection.execute(
        "SELECT s.id, s.group_id, s.study_activity_id, s.created_at, s.ended_at, "
        "s.registration, s.lifecycle, s.paused_at, s.resumed_at, s.completed_at, "
        "g.name AS group_name, a.name AS activity_name "
        "FROM study_sessions AS s JOIN groups AS g ON g.id = s.group_id "
        "JOIN study_activities AS a ON a.id = s.study_activity_id "
        f"WHERE s.id IN ({_in(ids)}) ORDER BY s.id",
        tuple(ids),
    ).fetchall()


def reviews_for_archive(
    connection: sqlite3.Connection, ids: Sequence[int]
) -> Iterator[sqlite3.Row]:
    yield from connection.execute(
        "SELECT r.id, r.study_session_id, r.word_id, r.correct, r.duration_ms, r.grade, "
        "r.response, r.created_at, r.source, w.japanese, w.english "
        "FROM word_review_items AS r JOIN words AS w ON w.id = r.word_id "
        f"WHERE r.study_session_id IN ({_in(ids)}) ORDER BY r.study_session_id, r.created_at, r.id",
        tuple(ids),
    )


def breaks_for_archive(
    connection: sqlite3.Connection, ids: Sequence[int]
) -> dict[int, list[tuple[str, str]]]:
    """session id -> (start, end) of each of its breaks, in time order."""
    breaks: dict[int, list[tuple[str, str]]] = {}
    for row in connection.execute(
        "SELECT study_session_id, started_at, ended_at FROM study_session_breaks "
        f"WHERE study_session_id IN ({_in(ids)}) ORDER BY study_session_id, started_at, id",
        tuple(ids),
    ):
        breaks.setdefault(int(row[0]), []).append((str(row[1]), str(row[2])))
    return breaks


def archive_size(connection: sqlite3.Connection, ids: Sequence[int]) -> tuple[int, int]:
    """(sessions of `ids` that exist, their answers)."""
    row = connection.execute(
        f"SELECT (SELECT count(*) FROM study_sessions WHERE id IN ({_in(ids)})), "
        f"(SELECT count(*) FROM word_review_items WHERE study_session_id IN ({_in(ids)}))",
        (*ids, *ids),
    ).fetchone()
    return int(row[0]), int(row[1])


def record_archive(connection: sqlite3.Connection, **fields: Any) -> None:
    connection.execute(
        "INSERT INTO archives (name, created_at, cutoff, sessions, reviews, sha256) "
        "VALUES (:name, :created_at, :cutoff, :sessions, :reviews, :sha256)",
        fields,
    )


def move_to_ledger(connection: sqlite3.Connection, ids: Sequence[int], archive: str) -> None:
    """Keep what the derived figures need of these sessions, then delete them, their answers
    and their session words from the live tables."""
    params = tuple(ids)
    connection.execute(
        "INSERT INTO archived_sessions (original_id, registration, group_id, study_activity_id, "
        "created_at, archive) SELECT id, registration, group_id, study_activity_id, created_at, ? "
        f"FROM study_sessions WHERE id IN ({_in(ids)}) ORDER BY id",
        (archive, *params),
    )
    connection.execute(
        "INSERT INTO archived_answers (original_id, session_id, word_id, study_activity_id, "
        "correct, duration_ms, grade, response, created_at) "
        "SELECT r.id, a.id, r.word_id, a.study_activity_id, r.correct, r.duration_ms, r.grade, "
        "r.response, r.created_at FROM word_review_items AS r "
        "JOIN archived_sessions AS a ON a.original_id = r.study_session_id AND a.archive = ? "
        f"WHERE r.study_session_id IN ({_in(ids)}) ORDER BY r.id",
        (archive, *params),
    )
    for table, column in (
        ("word_review_items", "study_session_id"),
        ("study_session_breaks", "study_session_id"),
        ("study_session_words", "study_session_id"),
        ("study_sessions", "id"),
    ):
        connection.execute(f"DELETE FROM {table} WHERE {column} IN ({_in(ids)})", params)


def find_archive(connection: sqlite3.Connection, name: str) -> sqlite3.Row | None:
    row: sqlite3.Row | None = connection.execute(
        "SELECT name, sha256, restored_at FROM archives WHERE name = ?", (name,)
    ).fetchone()
    return row


def ledger_sessions(connection: sqlite3.Connection, archive: str) -> dict[int, int]:
    """original session id -> ledger id, for one archive's sessions still in the ledger."""
    rows = connection.execute(
        "SELECT original_id, id FROM archived_sessions WHERE archive = ?", (archive,)
    )
    return {int(row[0]): int(row[1]) for row in rows}


def ledger_answers(connection: sqlite3.Connection, archive: str) -> dict[int, int]:
    """original review id -> ledger id, for one archive's answers still in the ledger."""
    rows = connection.execute(
        "SELECT r.original_id, r.id FROM archived_answers AS r "
        "JOIN archived_sessions AS s ON s.id = r.session_id WHERE s.archive = ?",
        (archive,),
    )
    return {int(row[0]): int(row[1]) for row in rows}


def id_taken(connection: sqlite3.Connection, table: str, row_id: int) -> bool:
    assert table in ("study_sessions", "word_review_items")
    return (
        connection.execute(f"SELECT 1 FROM {table} WHERE id = ?", (row_id,)).fetchone() is not None
    )


def restore_session(connection: sqlite3.Connection, row: dict[str, Any]) -> int:
    """Back into study_sessions from the ledger row `ledger_id`, under `id` (None: a new one),
    with its lifecycle (`lifecycle`, `paused_at`, `resumed_at`, `completed_at`) and `breaks`
    from the archive file (the ledger keeps only what the derived figures read)."""
    cursor = connection.execute(
        "INSERT INTO study_sessions (id, group_id, study_activity_id, created_at, ended_at, "
        "review_items_count, correct_count, registration, lifecycle, paused_at, resumed_at, "
        "completed_at) "
        "SELECT :id, group_id, study_activity_id, created_at, :ended_at, :reviews, :correct, "
        "registration, :lifecycle, :paused_at, :resumed_at, :completed_at "
        "FROM archived_sessions WHERE id = :ledger_id",
        row,
    )
    session_id = int(cursor.lastrowid or 0)
    connection.executemany(
        "INSERT INTO study_session_breaks (study_session_id, started_at, ended_at) "
        "VALUES (?, ?, ?)",
        [(session_id, start, end) for start, end in row["breaks"]],
    )
    return session_id


def restore_review(connection: sqlite3.Connection, row: dict[str, Any]) -> None:
    connection.execute(
        "INSERT INTO word_review_items (id, word_id, study_session_id, correct, duration_ms, "
        "grade, response, created_at, source) SELECT :id, word_id, :session_id, correct, "
        "duration_ms, grade, response, created_at, :source FROM archived_answers "
        "WHERE id = :ledger_id",
        row,
    )


def rebuild_session_words(connection: sqlite3.Connection, ids: Sequence[int]) -> None:
    connection.execute(
        "INSERT INTO study_session_words (study_session_id, word_id, correct_count, wrong_count) "
        "SELECT study_session_id, word_id, sum(correct), sum(1 - correct) FROM word_review_items "
        f"WHERE study_session_id IN ({_in(ids)}) GROUP BY study_session_id, word_id",
        tuple(ids),
    )


def drop_from_ledger(connection: sqlite3.Connection, archive: str, moment: str) -> None:
    connection.execute(
        "DELETE FROM archived_answers WHERE session_id IN "
        "(SELECT id FROM archived_sessions WHERE archive = ?)",
        (archive,),
    )
    connection.execute("DELETE FROM archived_sessions WHERE archive = ?", (archive,))
    connection.execute("UPDATE archives SET restored_at = ? WHERE name = ?", (moment, archive))
