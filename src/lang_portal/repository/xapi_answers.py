"""What the xAPI door reads of the portal's data to turn statements into answers."""

from __future__ import annotations

import sqlite3


def session_id_by_registration(connection: sqlite3.Connection, registration: str) -> int | None:
    row = connection.execute(
        "SELECT id FROM study_sessions WHERE registration = ?", (registration,)
    ).fetchone()
    return None if row is None else int(row[0])


def group_exists(connection: sqlite3.Connection, group_id: int) -> bool:
    return (
        connection.execute("SELECT 1 FROM groups WHERE id = ?", (group_id,)).fetchone() is not None
    )


def activity_exists(connection: sqlite3.Connection, activity_id: int) -> bool:
    row = connection.execute("SELECT 1 FROM study_activities WHERE id = ?", (activity_id,))
    return row.fetchone() is not None


def first_group_of_word(connection: sqlite3.Connection, word_id: int) -> int | None:
    row = connection.execute(
        "SELECT min(group_id) FROM words_groups WHERE word_id = ?", (word_id,)
    ).fetchone()
    return None if row is None or row[0] is None else int(row[0])


def first_activity(connection: sqlite3.Connection) -> int | None:
    row = connection.execute("SELECT min(id) FROM study_activities").fetchone()
    return None if row is None or row[0] is None else int(row[0])


def registration_of_session(connection: sqlite3.Connection, session_id: int) -> str | None:
    row = connection.execute(
        "SELECT registration FROM study_sessions WHERE id = ?", (session_id,)
    ).fetchone()
    return None if row is None else str(row[0])
