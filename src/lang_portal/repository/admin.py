"""SQL that spans every table: wiping the database back to empty."""

from __future__ import annotations

import sqlite3

# Children before parents, so the deletes never wait on a cascade.
_TABLES_IN_DELETE_ORDER = (
    "word_review_items",
    "study_session_words",
    "study_sessions",
    "words_groups",
    "level_groups",
    "level_prerequisites",
    "levels",
    "word_path",
    "word_tags",
    "tags",
    "tag_figures",
    "words",
    "groups",
    "study_activities",
    "daily_stats",
)


def delete_everything(connection: sqlite3.Connection) -> None:
    for table in _TABLES_IN_DELETE_ORDER:
        connection.execute(f"DELETE FROM {table}")
