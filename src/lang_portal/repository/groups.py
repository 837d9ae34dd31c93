"""SQL for groups and the words in them."""

from __future__ import annotations

import sqlite3

from lang_portal.models.common import PageRequest
from lang_portal.repository.paging import order_by

GROUP_SORT_COLUMNS = {"name": "name", "word_count": "word_count", "id": "id"}


def list_groups(connection: sqlite3.Connection, page: PageRequest) -> list[sqlite3.Row]:
    return connection.execute(
        f"SELECT id, name, word_count FROM groups {order_by(GROUP_SORT_COLUMNS, page, 'id')} "
        "LIMIT ? OFFSET ?",
        (page.per_page, page.offset),
    ).fetchall()


def all_groups(connection: sqlite3.Connection) -> list[sqlite3.Row]:
    return connection.execute("SELECT id, name FROM groups ORDER BY name, id").fetchall()


def count_groups(connection: sqlite3.Connection) -> int:
    return int(connection.execute("SELECT count(*) FROM groups").fetchone()[0])


def get_group(connection: sqlite3.Connection, group_id: int) -> sqlite3.Row | None:
    row: sqlite3.Row | None = connection.execute(
        "SELECT id, name, word_count, created_at, updated_at FROM groups WHERE id = ?",
        (group_id,),
    ).fetchone()
    return row


def find_group_id(connection: sqlite3.Connection, name: str) -> int | None:
    row = connection.execute("SELECT id FROM groups WHERE name = ?", (name,)).fetchone()
    return None if row is None else int(row[0])


def insert_group(connection: sqlite3.Connection, name: str, now: str) -> int:
    """Raises sqlite3.IntegrityError when the name is taken."""
    cursor = connection.execute(
        "INSERT INTO groups (name, created_at, updated_at) VALUES (?, ?, ?)", (name, now, now)
    )
    return int(cursor.lastrowid or 0)


def rename_group(connection: sqlite3.Connection, group_id: int, name: str, now: str) -> None:
    connection.execute(
        "UPDATE groups SET name = ?, updated_at = ? WHERE id = ?", (name, now, group_id)
    )


def delete_group(connection: sqlite3.Connection, group_id: int) -> None:
    connection.execute("DELETE FROM groups WHERE id = ?", (group_id,))


def has_word(connection: sqlite3.Connection, group_id: int, word_id: int) -> bool:
    return (
        connection.execute(
            "SELECT 1 FROM words_groups WHERE group_id = ? AND word_id = ?", (group_id, word_id)
        ).fetchone()
        is not None
    )


def add_word(connection: sqlite3.Connection, group_id: int, word_id: int, now: str) -> bool:
    """True when the word was added, False when it was already there."""
    cursor = connection.execute(
        "INSERT INTO words_groups (word_id, group_id, created_at) VALUES (?, ?, ?) "
        "ON CONFLICT (group_id, word_id) DO NOTHING",
        (word_id, group_id, now),
    )
    return cursor.rowcount > 0


def remove_word(connection: sqlite3.Connection, group_id: int, word_id: int) -> bool:
    cursor = connection.execute(
        "DELETE FROM words_groups WHERE group_id = ? AND word_id = ?", (group_id, word_id)
    )
    return cursor.rowcount > 0


def count_groups_with_sessions(connection: sqlite3.Connection) -> int:
    # One index probe per group rather than a scan of every session (count(DISTINCT ...)).
    return int(
        connection.execute(
            "SELECT count(*) FROM groups AS g "
            "WHERE EXISTS (SELECT 1 FROM study_sessions AS s WHERE s.group_id = g.id) "
            "OR EXISTS (SELECT 1 FROM archived_sessions AS a WHERE a.group_id = g.id)"
        ).fetchone()[0]
    )
