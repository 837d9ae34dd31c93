"""SQL for tags and which words carry them (migration 0012)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

import orjson

from lang_portal.models.common import PageRequest
from lang_portal.repository.paging import order_by

# A tag's difficulty: the mean of its words' FSRS difficulty put on 0 to 1 (each row keeps
# its word's, migration 0013); words never reviewed have no card and stay out of the mean
# (x / 0 is NULL in SQLite: no word answered).
_TAG_DIFFICULTY = "f.difficulty_sum / f.difficulty_count"
TAG_SORT_COLUMNS = {
    "name": "t.name",
    "word_count": "f.word_count",
    "usage_count": "f.usage_count",
    "last_used": "f.last_used",
    "difficulty": "difficulty",
}


def tag_ids(connection: sqlite3.Connection, names: Iterable[str]) -> dict[str, int]:
    """The id of each of `names` that exists."""
    return {
        str(row[0]): int(row[1])
        for row in connection.execute(
            "SELECT name, id FROM tags WHERE name IN (SELECT value FROM json_each(?))",
            (orjson.dumps(list(names)).decode("utf-8"),),
        )
    }


def ensure_tag(connection: sqlite3.Connection, name: str, now: str) -> int:
    connection.execute(
        "INSERT INTO tags (name, created_at) VALUES (?, ?) ON CONFLICT (name) DO NOTHING",
        (name, now),
    )
    row = connection.execute("SELECT id FROM tags WHERE name = ?", (name,)).fetchone()
    return int(row[0])


def word_tags(connection: sqlite3.Connection, word_id: int) -> list[sqlite3.Row]:
    """The word's tags by name, each with its source (the primary key's word_id prefix)."""
    return connection.execute(
        "SELECT t.name, wt.source FROM word_tags AS wt JOIN tags AS t ON t.id = wt.tag_id "
        "WHERE wt.word_id = ? ORDER BY t.name",
        (word_id,),
    ).fetchall()


def tags_of_words(connection: sqlite3.Connection, word_ids: list[int]) -> dict[int, list[str]]:
    """Each word's tag names, sorted: one query for a page of words."""
    tags: dict[int, list[str]] = {word_id: [] for word_id in word_ids}
    if not word_ids:
        return tags
    for word_id, name in connection.execute(
        "SELECT wt.word_id, t.name FROM word_tags AS wt JOIN tags AS t ON t.id = wt.tag_id "
        "WHERE wt.word_id IN (SELECT value FROM json_each(?)) ORDER BY wt.word_id, t.name",
        (orjson.dumps(word_ids).decode("utf-8"),),
    ):
        tags[int(word_id)].append(str(name))
    return tags


def add_word_tag(
    connection: sqlite3.Connection, word_id: int, tag_id: int, source: str, now: str
) -> bool:
    """Gives the word the tag; True when it did not have it. An auto tag takes over a manual
    row of the same name: the rule owns it from then on."""
    cursor = connection.execute(
        "INSERT INTO word_tags (word_id, tag_id, source, created_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (word_id, tag_id) DO UPDATE SET source = excluded.source "
        "WHERE excluded.source = 'auto' AND word_tags.source <> 'auto'",
        (word_id, tag_id, source, now),
    )
    return cursor.rowcount > 0


def remove_word_tag(connection: sqlite3.Connection, word_id: int, tag_id: int) -> bool:
    cursor = connection.execute(
        "DELETE FROM word_tags WHERE word_id = ? AND tag_id = ?", (word_id, tag_id)
    )
    return cursor.rowcount > 0


def count_manual_tags(connection: sqlite3.Connection, word_id: int) -> int:
    return int(
        connection.execute(
            "SELECT count(*) FROM word_tags WHERE word_id = ? AND source = 'manual'", (word_id,)
        ).fetchone()[0]
    )


def set_auto_tags(
    connection: sqlite3.Connection,
    word_id: int,
    names: list[str],
    now: str,
    known: dict[str, int] | None = None,
) -> None:
    """The word's auto tags become exactly `names`; its manual tags stay. `known` (name -> id)
    spares a backfill the lookup of the same few tags for every word."""
    known = {} if known is None else known
    keep = []
    for name in names:
        if name not in known:
            known[name] = ensure_tag(connection, name, now)
        keep.append(known[name])
    connection.execute(
        "DELETE FROM word_tags WHERE word_id = ? AND source = 'auto' "
        "AND tag_id NOT IN (SELECT value FROM json_each(?))",
        (word_id, orjson.dumps(keep).decode("utf-8")),
    )
    for tag_id in keep:
        add_word_tag(connection, word_id, tag_id, "auto", now)


def all_word_texts(connection: sqlite3.Connection) -> list[sqlite3.Row]:
    """Every word's id and text, for the auto-tag backfill."""
    return connection.execute(
        "SELECT id, japanese, romaji, english FROM words ORDER BY id"
    ).fetchall()


def count_tags(connection: sqlite3.Connection) -> int:
    return int(connection.execute("SELECT count(*) FROM tags").fetchone()[0])


def tag_stats(connection: sqlite3.Connection, page: PageRequest) -> list[sqlite3.Row]:
    """One page of tags with their figures, as kept in tag_figures by the triggers of migration
    0013: one row per tag, never the tag's words."""
    return connection.execute(
        "SELECT t.name, f.word_count, f.usage_count, f.last_used, "
        f"{_TAG_DIFFICULTY} AS difficulty "
        "FROM tags AS t JOIN tag_figures AS f ON f.tag_id = t.id "
        f"{order_by(TAG_SORT_COLUMNS, page, 't.name')} LIMIT ? OFFSET ?",
        (page.per_page, page.offset),
    ).fetchall()


def tag_stats_recount(connection: sqlite3.Connection) -> list[sqlite3.Row]:
    """Every tag's figures aggregated afresh from its words and their cards: what tag_figures
    must hold (the tests compare the two)."""
    return connection.execute(
        "SELECT t.name, count(*) AS word_count, "
        "sum(w.correct_count + w.wrong_count) AS usage_count, "
        "max(w.last_reviewed_at) AS last_used, "
        "avg((c.difficulty - 1.0) / 9.0) AS difficulty "
        "FROM tags AS t JOIN word_tags AS wt ON wt.tag_id = t.id "
        "JOIN words AS w ON w.id = wt.word_id "
        "LEFT JOIN srs_cards AS c ON c.word_id = wt.word_id "
        "GROUP BY t.id ORDER BY t.name"
    ).fetchall()
