"""A word row as a result, and its parts as stored: shared by every service that serves words.

Its own module so that the inventory, the study sessions and the seeder share it without
importing one another.
"""

from __future__ import annotations

import sqlite3
from typing import Any

import orjson

from lang_portal.models.words import WordItem, WordWithParts


def _word_fields(row: sqlite3.Row) -> tuple[int, str, str, str, int, int]:
    return (
        row["id"],
        row["japanese"],
        row["romaji"],
        row["english"],
        row["correct_count"],
        row["wrong_count"],
    )


def word_item(row: sqlite3.Row) -> WordItem:
    return WordItem(*_word_fields(row))


def word_with_parts(row: sqlite3.Row) -> WordWithParts:
    return WordWithParts(*_word_fields(row), parse_parts(row["parts"]))


def parse_parts(stored: str | None) -> Any:
    return None if stored is None else orjson.loads(stored)


def dump_parts(parts: Any) -> str | None:
    return None if parts is None else orjson.dumps(parts).decode("utf-8")
