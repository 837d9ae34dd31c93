"""SQL for study activities (the learning apps the portal launches)."""

from __future__ import annotations

import sqlite3
from typing import Any

from lang_portal.models.common import PageRequest
from lang_portal.repository.paging import order_by

ACTIVITY_SORT_COLUMNS = {"id": "id", "name": "name"}
_COLUMNS = "id, name, thumbnail_url, description, launch_url"


def list_activities(connection: sqlite3.Connection, page: PageRequest) -> list[sqlite3.Row]:
    order = order_by(ACTIVITY_SORT_COLUMNS, page, "id")
    return connection.execute(
        f"SELECT {_COLUMNS} FROM study_activities {order} LIMIT ? OFFSET ?",
        (page.per_page, page.offset),
    ).fetchall()


def all_activities(connection: sqlite3.Connection) -> list[sqlite3.Row]:
    return connection.execute(f"SELECT {_COLUMNS} FROM study_activities ORDER BY id").fetchall()


def launch_urls(connection: sqlite3.Connection) -> list[str]:
    return [
        row[0] for row in connection.execute("SELECT DISTINCT launch_url FROM study_activities")
    ]


def count_activities(connection: sqlite3.Connection) -> int:
    return int(connection.execute("SELECT count(*) FROM study_activities").fetchone()[0])


def get_activity(connection: sqlite3.Connection, activity_id: int) -> sqlite3.Row | None:
    row: sqlite3.Row | None = connection.execute(
        f"SELECT {_COLUMNS} FROM study_activities WHERE id = ?", (activity_id,)
    ).fetchone()
    return row


def upsert_activity(connection: sqlite3.Connection, fields: dict[str, Any], now: str) -> bool:
    """Insert an activity by name; an existing one is left as it is. True when inserted."""
    cursor = connection.execute(
        "INSERT INTO study_activities (name, launch_url, thumbnail_url, description, created_at) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING",
        (
            fields["name"],
            fields["launch_url"],
            fields.get("thumbnail_url"),
            fields.get("description") or "",
            now,
        ),
    )
    return cursor.rowcount > 0
