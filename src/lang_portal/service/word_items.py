"""A word row as a result, and its parts as stored: shared by every service that serves words.

Its own module so that the inventory, the study sessions and the seeder share it without
importing one another.
"""

from __future__ import annotations

import sqlite3
from typing import Any

import orjson

from lang_portal.models.words import WordItem, WordWithParts
from lang_portal.repository import tags as tag_repo


def _word_fields(row: sqlite3.Row) -> tuple[int, str, str, str, int, int]:
    return (
        row["id"],
        row["japanese"],
        row["romaji"],
        row["english"],
        row["correct_count"],
        row["wrong_count"],
    )


def word_items(connection: sqlite3.Connection, rows: list[sqlite3.Row]) -> list[WordItem]:
    """The rows as results with their tags: one more query for the whole page."""
    tags = tag_repo.tags_of_words(connection, [row["id"] for row in rows])
    return [WordItem(*_word_fields(row), tags[row["id"]]) for row in rows]


def words_with_parts(
    connection: sqlite3.Connection, rows: list[sqlite3.Row]
) -> list[WordWithParts]:
    tags = tag_repo.tags_of_words(connection, [row["id"] for row in rows])
    return [
        WordWithParts(*_word_fields(row), tags[row["id"]], parse_parts(row["parts"]))
        for row in rows
    ]


def parse_parts(stored: str | None) -> Any:
    return None if stored is None else orjson.loads(stored)


def dump_parts(parts: Any) -> str | None:
    return None if parts is None else orjson.dumps(parts).decode("utf-8")
