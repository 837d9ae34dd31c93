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
from lang_portal.repository import words as word_repo
from lang_portal.service.difficulty import history_of, word_difficulty


def _word_fields(row: sqlite3.Row) -> tuple[int, str, str, str, int, int]:
    return (
        row["id"],
        row["japanese"],
        row["romaji"],
        row["english"],
        row["correct_count"],
        row["wrong_count"],
    )


def difficulties(connection: sqlite3.Connection, word_ids: list[int]) -> dict[int, float]:
    """Each word's difficulty score as GET /words/:id shows it: one query by key for a page
    (the word's counters and its card), whatever the list's own row holds (a session's list
    carries the session's counts)."""
    return {
        int(row["id"]): round(
            word_difficulty(row["japanese"], history_of(row, row["fsrs_difficulty"])).score, 4
        )
        for row in word_repo.difficulty_inputs(connection, word_ids)
    }


def word_items(connection: sqlite3.Connection, rows: list[sqlite3.Row]) -> list[WordItem]:
    """The rows as results with their tags and difficulty: two more queries for the whole
    page."""
    ids = [row["id"] for row in rows]
    tags = tag_repo.tags_of_words(connection, ids)
    scores = difficulties(connection, ids)
    return [WordItem(*_word_fields(row), tags[row["id"]], scores[row["id"]]) for row in rows]


def words_with_parts(
    connection: sqlite3.Connection, rows: list[sqlite3.Row]
) -> list[WordWithParts]:
    ids = [row["id"] for row in rows]
    tags = tag_repo.tags_of_words(connection, ids)
    scores = difficulties(connection, ids)
    return [
        WordWithParts(
            *_word_fields(row), tags[row["id"]], scores[row["id"]], parse_parts(row["parts"])
        )
        for row in rows
    ]


def parse_parts(stored: str | None) -> Any:
    return None if stored is None else orjson.loads(stored)


def dump_parts(parts: Any) -> str | None:
    return None if parts is None else orjson.dumps(parts).decode("utf-8")
