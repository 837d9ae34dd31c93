"""Queries for operations: database checks, the schema a file carries, sessions in use."""

from __future__ import annotations

import sqlite3


def integrity_problems(connection: sqlite3.Connection) -> list[str]:
    """`PRAGMA integrity_check`'s findings; empty when the database is sound."""
    rows = [str(row[0]) for row in connection.execute("PRAGMA integrity_check").fetchall()]
    return [] if rows == ["ok"] else rows


def recorded_migrations(connection: sqlite3.Connection) -> dict[str, str]:
    """Migration name -> checksum, as recorded in the database; empty if it has no ledger."""
    exists = connection.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
    ).fetchone()
    if exists is None:
        return {}
    rows = connection.execute("SELECT version, checksum FROM schema_migrations")
    return {str(row[0]): str(row[1]) for row in rows}


def count_active_sessions(connection: sqlite3.Connection, since: str) -> int:
    """Open study sessions (neither paused nor completed) whose last activity (last review,
    last resume, else creation) is at or after `since`."""
    row = connection.execute(
        "SELECT count(*) FROM study_sessions WHERE lifecycle = 'open' "
        "AND max(coalesce(ended_at, created_at), coalesce(resumed_at, '')) >= ?",
        (since,),
    ).fetchone()
    return int(row[0])
