"""The xAPI keys table (migrations/0004): secrets are kept as SHA-256 hashes only."""

from __future__ import annotations

import sqlite3


def insert_key(
    connection: sqlite3.Connection,
    *,
    username: str,
    name: str,
    secret_sha256: str,
    created_at: str,
    registration: str | None = None,
    actor_json: str | None = None,
    expires_at: str | None = None,
) -> None:
    connection.execute(
        "INSERT INTO xapi_keys (username, name, secret_sha256, created_at, registration, actor, "
        "expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (username, name, secret_sha256, created_at, registration, actor_json, expires_at),
    )


def key_by_username(connection: sqlite3.Connection, username: str) -> sqlite3.Row | None:
    row: sqlite3.Row | None = connection.execute(
        "SELECT username, name, secret_sha256, registration, actor, expires_at "
        "FROM xapi_keys WHERE username = ?",
        (username,),
    ).fetchone()
    return row


def delete_expired_keys(connection: sqlite3.Connection, now: str) -> int:
    cursor = connection.execute(
        "DELETE FROM xapi_keys WHERE expires_at IS NOT NULL AND expires_at <= ?", (now,)
    )
    return cursor.rowcount


def list_keys(connection: sqlite3.Connection) -> list[sqlite3.Row]:
    return connection.execute(
        "SELECT username, name, created_at, registration, expires_at FROM xapi_keys "
        "ORDER BY created_at, username"
    ).fetchall()


def delete_key(connection: sqlite3.Connection, username: str) -> bool:
    cursor = connection.execute("DELETE FROM xapi_keys WHERE username = ?", (username,))
    return cursor.rowcount > 0
