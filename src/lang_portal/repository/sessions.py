"""SQL for study sessions, their review items and the daily summary they feed."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

from lang_portal.models.common import PageRequest
from lang_portal.repository.paging import order_by

SESSION_SORT_COLUMNS = {
    "start_time": "s.created_at",
    "created_at": "s.created_at",
    "end_time": "s.ended_at",
    "review_items_count": "s.review_items_count",
    "id": "s.id",
}

_SESSION_ITEM = (
    "SELECT s.id, s.group_id, g.name AS group_name, s.study_activity_id, "
    "a.name AS activity_name, s.created_at, s.ended_at, s.review_items_count, s.correct_count, "
    "s.registration, s.lifecycle, s.paused_at, s.resumed_at, s.completed_at "
    "FROM study_sessions AS s "
    "JOIN groups AS g ON g.id = s.group_id "
    "JOIN study_activities AS a ON a.id = s.study_activity_id "
)

SESSION_FILTERS = {"group_id": "s.group_id", "study_activity_id": "s.study_activity_id"}


def list_sessions(
    connection: sqlite3.Connection,
    page: PageRequest,
    *,
    filter_by: str | None = None,
    filter_value: int | None = None,
) -> list[sqlite3.Row]:
    where, params = _where(filter_by, filter_value)
    order = order_by(SESSION_SORT_COLUMNS, page, "s.id")
    return connection.execute(
        f"{_SESSION_ITEM}{where} {order} LIMIT ? OFFSET ?",
        (*params, page.per_page, page.offset),
    ).fetchall()


def count_sessions(
    connection: sqlite3.Connection, *, filter_by: str | None = None, filter_value: int | None = None
) -> int:
    where, params = _where(filter_by, filter_value)
    return int(
        connection.execute(f"SELECT count(*) FROM study_sessions AS s{where}", params).fetchone()[0]
    )


def count_sessions_ever(connection: sqlite3.Connection) -> int:
    """Every session recorded, the archived ones (retention) included."""
    return int(
        connection.execute(
            "SELECT (SELECT count(*) FROM study_sessions) "
            "+ (SELECT count(*) FROM archived_sessions)"
        ).fetchone()[0]
    )


def _where(filter_by: str | None, filter_value: int | None) -> tuple[str, tuple[int, ...]]:
    if filter_by is None or filter_value is None:
        return "", ()
    return f" WHERE {SESSION_FILTERS[filter_by]} = ?", (filter_value,)


def get_session(connection: sqlite3.Connection, session_id: int) -> sqlite3.Row | None:
    row: sqlite3.Row | None = connection.execute(
        f"{_SESSION_ITEM} WHERE s.id = ?", (session_id,)
    ).fetchone()
    return row


def session_by_registration(
    connection: sqlite3.Connection, registration: str
) -> sqlite3.Row | None:
    row: sqlite3.Row | None = connection.execute(
        f"{_SESSION_ITEM} WHERE s.registration = ?", (registration,)
    ).fetchone()
    return row


def latest_session(connection: sqlite3.Connection) -> sqlite3.Row | None:
    row: sqlite3.Row | None = connection.execute(
        f"{_SESSION_ITEM} ORDER BY s.created_at DESC, s.id DESC LIMIT 1"
    ).fetchone()
    return row


def insert_session(
    connection: sqlite3.Connection, group_id: int, activity_id: int, now: str, registration: str
) -> int:
    cursor = connection.execute(
        "INSERT INTO study_sessions (group_id, study_activity_id, created_at, registration) "
        "VALUES (?, ?, ?, ?)",
        (group_id, activity_id, now, registration),
    )
    return int(cursor.lastrowid or 0)


# -- the lifecycle (service/lifecycle.py) ------------------------------------------------------


def set_paused(connection: sqlite3.Connection, session_id: int, now: str) -> None:
    connection.execute(
        "UPDATE study_sessions SET lifecycle = 'paused', paused_at = ? WHERE id = ?",
        (now, session_id),
    )


def set_resumed(connection: sqlite3.Connection, session_id: int, now: str) -> None:
    connection.execute(
        "UPDATE study_sessions SET lifecycle = 'open', paused_at = NULL, resumed_at = ? "
        "WHERE id = ?",
        (now, session_id),
    )


def set_completed(connection: sqlite3.Connection, session_id: int, now: str) -> None:
    connection.execute(
        "UPDATE study_sessions SET lifecycle = 'completed', paused_at = NULL, completed_at = ? "
        "WHERE id = ?",
        (now, session_id),
    )


def add_break(
    connection: sqlite3.Connection, session_id: int, started_at: str, ended_at: str
) -> None:
    connection.execute(
        "INSERT INTO study_session_breaks (study_session_id, started_at, ended_at) "
        "VALUES (?, ?, ?)",
        (session_id, started_at, ended_at),
    )


def session_breaks(connection: sqlite3.Connection, session_id: int) -> list[tuple[str, str]]:
    """(start, end) of each pause and each idle time before a resume after expiry."""
    return [
        (str(row[0]), str(row[1]))
        for row in connection.execute(
            "SELECT started_at, ended_at FROM study_session_breaks WHERE study_session_id = ? "
            "ORDER BY started_at",
            (session_id,),
        )
    ]


# -- a session's answers, for its analytics ----------------------------------------------------


def session_answers(connection: sqlite3.Connection, session_id: int) -> list[sqlite3.Row]:
    """The session's answers in time order, each with the word's first answer ever (from its
    card: archived answers count) to tell a word studied before from a new one."""
    return connection.execute(
        "SELECT r.word_id, r.correct, r.duration_ms, r.created_at, w.japanese, w.english, "
        "c.first_review "
        "FROM word_review_items AS r JOIN words AS w ON w.id = r.word_id "
        "LEFT JOIN srs_cards AS c ON c.word_id = r.word_id "
        "WHERE r.study_session_id = ? ORDER BY r.created_at, r.id",
        (session_id,),
    ).fetchall()


def timed_answers_before(connection: sqlite3.Connection, before: str, limit: int) -> list[int]:
    """The durations (ms) of the latest `limit` answers with a duration stored before `before`:
    the learner's usual pace, walked from the time index backwards."""
    return [
        int(row[0])
        for row in connection.execute(
            "SELECT duration_ms FROM word_review_items "
            "WHERE created_at < ? AND duration_ms IS NOT NULL ORDER BY created_at DESC LIMIT ?",
            (before, limit),
        )
    ]


def session_word_known(connection: sqlite3.Connection, session_id: int, word_id: int) -> bool:
    return (
        connection.execute(
            "SELECT 1 FROM study_session_words WHERE study_session_id = ? AND word_id = ?",
            (session_id, word_id),
        ).fetchone()
        is not None
    )


def count_session_words(connection: sqlite3.Connection, session_id: int) -> int:
    return int(
        connection.execute(
            "SELECT count(*) FROM study_session_words WHERE study_session_id = ?", (session_id,)
        ).fetchone()[0]
    )


SESSION_WORD_SORT_COLUMNS = {
    "japanese": "w.japanese",
    "romaji": "w.romaji",
    "english": "w.english",
    "correct_count": "sw.correct_count",
    "wrong_count": "sw.wrong_count",
    "id": "w.id",
}


def list_session_words(
    connection: sqlite3.Connection, session_id: int, page: PageRequest
) -> list[sqlite3.Row]:
    order = order_by(SESSION_WORD_SORT_COLUMNS, page, "w.id")
    return connection.execute(
        "SELECT w.id, w.japanese, w.romaji, w.english, sw.correct_count, sw.wrong_count "
        "FROM study_session_words AS sw JOIN words AS w ON w.id = sw.word_id "
        f"WHERE sw.study_session_id = ? {order} LIMIT ? OFFSET ?",
        (session_id, page.per_page, page.offset),
    ).fetchall()


def answer_totals(connection: sqlite3.Connection) -> tuple[int, int]:
    """(correct answers, all answers) over the whole history, from the daily summary."""
    row = connection.execute(
        "SELECT coalesce(sum(correct), 0), coalesce(sum(reviews), 0) FROM daily_stats"
    ).fetchone()
    return int(row[0]), int(row[1])


def study_days_descending(connection: sqlite3.Connection) -> Iterator[str]:
    for row in connection.execute("SELECT day FROM daily_stats ORDER BY day DESC"):
        yield str(row[0])


def delete_history(connection: sqlite3.Connection) -> None:
    connection.execute("DELETE FROM word_review_items")
    connection.execute("DELETE FROM archived_answers")  # the archive files stay on disk
    connection.execute("DELETE FROM archived_sessions")
    connection.execute("DELETE FROM study_session_words")
    connection.execute("DELETE FROM study_sessions")
    connection.execute("DELETE FROM daily_stats")


def get_meta(connection: sqlite3.Connection, key: str) -> str | None:
    row = connection.execute("SELECT value FROM app_meta WHERE key = ?", (key,)).fetchone()
    return None if row is None else str(row[0])


def set_meta(connection: sqlite3.Connection, key: str, value: str) -> None:
    connection.execute(
        "INSERT INTO app_meta (key, value) VALUES (?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, value),
    )
