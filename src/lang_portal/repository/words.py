"""SQL for words and their group memberships."""

from __future__ import annotations

import sqlite3
from typing import Any

import orjson

from lang_portal.models.common import PageRequest
from lang_portal.repository.paging import order_by

WORD_SORT_COLUMNS = {
    "japanese": "w.japanese",
    "romaji": "w.romaji",
    "english": "w.english",
    "correct_count": "w.correct_count",
    "wrong_count": "w.wrong_count",
    "id": "w.id",
    "created_at": "w.created_at",
}

_WORD_ITEM_COLUMNS = "w.id, w.japanese, w.romaji, w.english, w.correct_count, w.wrong_count"
REVIEW_SORT_COLUMNS = {"created_at": "r.created_at"}
# A search matches any of these columns; LIKE is case-insensitive for ASCII, as romaji needs.
_SEARCH_FILTER = (
    "(w.japanese LIKE :pattern ESCAPE '\\' OR w.romaji LIKE :pattern ESCAPE '\\' "
    "OR w.english LIKE :pattern ESCAPE '\\')"
)


def _order_clause(page: PageRequest) -> str:
    return order_by(WORD_SORT_COLUMNS, page, "w.id")


def list_words(connection: sqlite3.Connection, page: PageRequest) -> list[sqlite3.Row]:
    return connection.execute(
        f"SELECT {_WORD_ITEM_COLUMNS} FROM words AS w {_order_clause(page)} LIMIT ? OFFSET ?",
        (page.per_page, page.offset),
    ).fetchall()


def count_words(connection: sqlite3.Connection) -> int:
    return int(connection.execute("SELECT count(*) FROM words").fetchone()[0])


def like_pattern(text: str) -> str:
    """`%text%` with LIKE's own wildcards in `text` taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def search_words(connection: sqlite3.Connection, text: str, page: PageRequest) -> list[sqlite3.Row]:
    """One page of matches, each row with `total`, the number of all matches.

    One scan of the words: a separate count would be a second, and walking the sort index with
    the filter costs a whole walk of it when few words match.
    """
    return connection.execute(
        f"SELECT {_WORD_ITEM_COLUMNS}, count(*) OVER () AS total "
        f"FROM words AS w WHERE {_SEARCH_FILTER} "
        f"{_order_clause(page)} LIMIT :limit OFFSET :offset",
        {"pattern": like_pattern(text), "limit": page.per_page, "offset": page.offset},
    ).fetchall()


def _filtered_from(text: str, tag_ids: list[int]) -> tuple[str, dict[str, Any]]:
    """FROM and WHERE for words matching `text` (when given) and carrying every tag of
    `tag_ids`: the first tag's index drives, the others are looked up by key."""
    params: dict[str, Any] = {}
    conditions = []
    source = "words AS w"
    if tag_ids:
        source = "word_tags AS wt JOIN words AS w ON w.id = wt.word_id"
        conditions.append("wt.tag_id = :tag0")
        params["tag0"] = tag_ids[0]
        for index, tag_id in enumerate(tag_ids[1:], start=1):
            conditions.append(
                f"EXISTS (SELECT 1 FROM word_tags AS wt{index} "
                f"WHERE wt{index}.word_id = w.id AND wt{index}.tag_id = :tag{index})"
            )
            params[f"tag{index}"] = tag_id
    if text:
        conditions.append(_SEARCH_FILTER)
        params["pattern"] = like_pattern(text)
    where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
    return f"FROM {source}{where}", params


def filter_words(
    connection: sqlite3.Connection, text: str, tag_ids: list[int], page: PageRequest
) -> list[sqlite3.Row]:
    """One page of the words matching `text` and carrying every tag of `tag_ids`, each row
    with `total` (as search_words)."""
    source, params = _filtered_from(text, tag_ids)
    return connection.execute(
        f"SELECT {_WORD_ITEM_COLUMNS}, count(*) OVER () AS total {source} "
        f"{_order_clause(page)} LIMIT :limit OFFSET :offset",
        {**params, "limit": page.per_page, "offset": page.offset},
    ).fetchall()


def count_filtered(connection: sqlite3.Connection, text: str, tag_ids: list[int]) -> int:
    source, params = _filtered_from(text, tag_ids)
    return int(connection.execute(f"SELECT count(*) {source}", params).fetchone()[0])


def count_search(connection: sqlite3.Connection, text: str) -> int:
    return int(
        connection.execute(
            f"SELECT count(*) FROM words AS w WHERE {_SEARCH_FILTER}",
            {"pattern": like_pattern(text)},
        ).fetchone()[0]
    )


def word_reviews(
    connection: sqlite3.Connection, word_id: int, page: PageRequest
) -> list[sqlite3.Row]:
    """One word's answers with the session, group and activity of each (idx_review_items_word)."""
    return connection.execute(
        "SELECT r.id, r.study_session_id, r.correct, r.duration_ms, r.response, r.created_at, "
        "s.group_id, g.name AS group_name, s.study_activity_id, a.name AS activity_name "
        "FROM word_review_items AS r "
        "JOIN study_sessions AS s ON s.id = r.study_session_id "
        "JOIN groups AS g ON g.id = s.group_id "
        "JOIN study_activities AS a ON a.id = s.study_activity_id "
        f"WHERE r.word_id = ? {order_by(REVIEW_SORT_COLUMNS, page, 'r.id')} LIMIT ? OFFSET ?",
        (word_id, page.per_page, page.offset),
    ).fetchall()


def count_word_reviews(connection: sqlite3.Connection, word_id: int) -> int:
    return int(
        connection.execute(
            "SELECT count(*) FROM word_review_items WHERE word_id = ?", (word_id,)
        ).fetchone()[0]
    )


def list_group_words(
    connection: sqlite3.Connection, group_id: int, page: PageRequest
) -> list[sqlite3.Row]:
    return connection.execute(
        f"SELECT {_WORD_ITEM_COLUMNS} FROM words_groups AS wg "
        f"JOIN words AS w ON w.id = wg.word_id WHERE wg.group_id = ? "
        f"{_order_clause(page)} LIMIT ? OFFSET ?",
        (group_id, page.per_page, page.offset),
    ).fetchall()


def all_group_words(connection: sqlite3.Connection, group_id: int) -> list[sqlite3.Row]:
    return connection.execute(
        "SELECT w.id, w.japanese, w.romaji, w.english, w.parts, w.correct_count, w.wrong_count "
        "FROM words_groups AS wg JOIN words AS w ON w.id = wg.word_id "
        "WHERE wg.group_id = ? ORDER BY w.id",
        (group_id,),
    ).fetchall()


def get_word(connection: sqlite3.Connection, word_id: int) -> sqlite3.Row | None:
    row: sqlite3.Row | None = connection.execute(
        "SELECT id, japanese, romaji, english, parts, correct_count, wrong_count, "
        "answer_ms_total, timed_answers, last_reviewed_at, created_at, updated_at "
        "FROM words WHERE id = ?",
        (word_id,),
    ).fetchone()
    return row


def difficulty_inputs(connection: sqlite3.Connection, word_ids: list[int]) -> list[sqlite3.Row]:
    """What a word's difficulty is computed from (its text, counters and card's FSRS
    difficulty), for a page of words: each word and card by key."""
    if not word_ids:
        return []
    return connection.execute(
        "SELECT w.id, w.japanese, w.correct_count, w.wrong_count, w.answer_ms_total,"
        " w.timed_answers, c.difficulty AS fsrs_difficulty FROM words AS w"
        " LEFT JOIN srs_cards AS c ON c.word_id = w.id"
        " WHERE w.id IN (SELECT value FROM json_each(?))",
        (orjson.dumps(word_ids).decode("utf-8"),),
    ).fetchall()


def word_exists(connection: sqlite3.Connection, word_id: int) -> bool:
    return connection.execute("SELECT 1 FROM words WHERE id = ?", (word_id,)).fetchone() is not None


def groups_of_word(connection: sqlite3.Connection, word_id: int) -> list[sqlite3.Row]:
    return connection.execute(
        "SELECT g.id, g.name FROM words_groups AS wg JOIN groups AS g ON g.id = wg.group_id "
        "WHERE wg.word_id = ? ORDER BY g.name",
        (word_id,),
    ).fetchall()


def find_word_id(connection: sqlite3.Connection, japanese: str, english: str) -> int | None:
    row = connection.execute(
        "SELECT id FROM words WHERE japanese = ? AND english = ?", (japanese, english)
    ).fetchone()
    return None if row is None else int(row[0])


def insert_word(connection: sqlite3.Connection, fields: dict[str, Any], now: str) -> int:
    """Raises sqlite3.IntegrityError when (japanese, english) already exists."""
    cursor = connection.execute(
        "INSERT INTO words (japanese, romaji, english, parts, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (fields["japanese"], fields["romaji"], fields["english"], fields["parts"], now, now),
    )
    return int(cursor.lastrowid or 0)


def insert_word_if_new(connection: sqlite3.Connection, fields: dict[str, Any], now: str) -> bool:
    cursor = connection.execute(
        "INSERT INTO words (japanese, romaji, english, parts, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (japanese, english) DO NOTHING",
        (fields["japanese"], fields["romaji"], fields["english"], fields["parts"], now, now),
    )
    return cursor.rowcount > 0


def update_word(
    connection: sqlite3.Connection, word_id: int, fields: dict[str, Any], now: str
) -> None:
    """Raises sqlite3.IntegrityError when the change collides with another word."""
    assignments = ", ".join(f"{name} = ?" for name in fields)
    connection.execute(
        f"UPDATE words SET {assignments}, updated_at = ? WHERE id = ?",
        (*fields.values(), now, word_id),
    )


def delete_word(connection: sqlite3.Connection, word_id: int) -> None:
    connection.execute("DELETE FROM words WHERE id = ?", (word_id,))


def count_studied_words(connection: sqlite3.Connection) -> int:
    return int(
        connection.execute(
            "SELECT count(*) FROM words WHERE last_reviewed_at IS NOT NULL"
        ).fetchone()[0]
    )


def common_wrong_responses(
    connection: sqlite3.Connection, word_id: int, limit: int
) -> list[sqlite3.Row]:
    """The word's most frequent wrong responses (ASCII case-folded) with their counts, live
    and archived answers alike (archiving moves no figure), each table from its partial index
    on (word_id, lower(response))."""
    wrong = "WHERE word_id = ?1 AND correct = 0 AND response IS NOT NULL GROUP BY lower(response)"
    return connection.execute(
        "SELECT response, sum(n) AS count FROM ("
        f"SELECT lower(response) AS response, count(*) AS n FROM word_review_items {wrong} "
        f"UNION ALL SELECT lower(response), count(*) FROM archived_answers {wrong}"
        ") GROUP BY response ORDER BY count DESC, response LIMIT ?2",
        (word_id, limit),
    ).fetchall()
