"""SQL of the FSRS parameters: the fits kept (srs_parameters) and the last attempt (app_meta)."""

from __future__ import annotations

import sqlite3


def latest(connection: sqlite3.Connection) -> sqlite3.Row | None:
    row: sqlite3.Row | None = connection.execute(
        "SELECT id, parameters, slow_correct_ms, origin, report, created_at FROM srs_parameters "
        "WHERE id = (SELECT max(id) FROM srs_parameters)"
    ).fetchone()
    return row


def insert(
    connection: sqlite3.Connection,
    parameters: str | None,
    slow_correct_ms: int | None,
    origin: str,
    report: str,
    created_at: str,
) -> int:
    cursor = connection.execute(
        "INSERT INTO srs_parameters (parameters, slow_correct_ms, origin, report, created_at) "
        "VALUES (?, ?, ?, ?, ?)",
        (parameters, slow_correct_ms, origin, report, created_at),
    )
    return int(cursor.lastrowid or 0)


def get_meta(connection: sqlite3.Connection, key: str) -> str | None:
    row = connection.execute("SELECT value FROM app_meta WHERE key = ?", (key,)).fetchone()
    return None if row is None else str(row[0])


def set_meta(connection: sqlite3.Connection, key: str, value: str) -> None:
    connection.execute(
        "INSERT INTO app_meta (key, value) VALUES (?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, value),
    )
