"""SQL that reads the spaced-repetition state (written by repository/answers.py)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

_CARD_COLUMNS = (
    "word_id, state, step, stability, difficulty, due, last_review, first_review, reps, lapses, "
    "day_reps, day_lapses, last_activity_id"
)

_QUEUE_COLUMNS = "w.id AS word_id, w.japanese, w.romaji, w.english"
# the word's level on the learning path (NULL for a word in no level), from word_path
_LEVEL_COLUMNS = "l.name AS level, l.position AS level_position, l.difficulty AS level_difficulty"
_UNSEEN = "NOT EXISTS (SELECT 1 FROM srs_cards AS c WHERE c.word_id = w.id)"
# what a word's difficulty reads of its history, besides its card
_HISTORY_COLUMNS = "w.correct_count, w.wrong_count, w.answer_ms_total, w.timed_answers"


def get_card(connection: sqlite3.Connection, word_id: int) -> sqlite3.Row | None:
    row: sqlite3.Row | None = connection.execute(
        f"SELECT {_CARD_COLUMNS} FROM srs_cards WHERE word_id = ?", (word_id,)
    ).fetchone()
    return row


def new_words_on(connection: sqlite3.Connection, day: str) -> int:
    row = connection.execute("SELECT new_words FROM daily_stats WHERE day = ?", (day,)).fetchone()
    return 0 if row is None else int(row[0])


def evaluation_bins(connection: sqlite3.Connection) -> list[sqlite3.Row]:
    return connection.execute(
        "SELECT delta_bin, i_bin, lapse_bin, n, sum_p, sum_y, sum_log_loss FROM srs_eval_bins"
    ).fetchall()


def evaluation_histogram(connection: sqlite3.Connection) -> list[sqlite3.Row]:
    return connection.execute(
        "SELECT bucket, positives, negatives FROM srs_eval_hist ORDER BY bucket"
    ).fetchall()


# -- the review queue ------------------------------------------------------------------------


def due_cards(
    connection: sqlite3.Connection, now: str, limit: int, group_id: int | None
) -> list[sqlite3.Row]:
    """Words due by `now`, most overdue first, walking idx_srs_cards_due."""
    group_filter, params = _group_filter(group_id, "c.word_id")
    return connection.execute(
        f"SELECT {_QUEUE_COLUMNS}, {_HISTORY_COLUMNS}, c.state, c.due, c.stability, "
        f"c.difficulty, c.lapses, c.last_review, {_LEVEL_COLUMNS} "
        "FROM srs_cards AS c JOIN words AS w ON w.id = c.word_id "
        "LEFT JOIN word_path AS p ON p.word_id = c.word_id "
        "LEFT JOIN levels AS l ON l.id = p.level_id "
        f"WHERE c.due <= ?{group_filter} ORDER BY c.due, c.word_id LIMIT ?",
        (now, *params, limit),
    ).fetchall()


def count_due(connection: sqlite3.Connection, now: str, group_id: int | None) -> int:
    group_filter, params = _group_filter(group_id, "c.word_id")
    return int(
        connection.execute(
            f"SELECT count(*) FROM srs_cards AS c WHERE c.due <= ?{group_filter}",
            (now, *params),
        ).fetchone()[0]
    )


def new_words(
    connection: sqlite3.Connection,
    limit: int,
    group_id: int | None,
    *,
    first_level: int | None = None,
) -> list[sqlite3.Row]:
    """Words never reviewed, in path order, each with its `level`, `level_position` and
    `level_difficulty`.

    Path order: the level at position `first_level` (the learner's current level) first, then
    the other levels by position, then the words in no level; within a level by group order
    (word_path), then id. On the path it walks idx_word_path_new (only words never answered),
    off it the words' primary key; a group (at most MAX_WORDS_PER_GROUP words) sorts its own.
    """
    if group_id is not None:
        return connection.execute(
            f"SELECT {_QUEUE_COLUMNS}, {_LEVEL_COLUMNS} FROM words_groups AS wg "
            "JOIN words AS w ON w.id = wg.word_id "
            "LEFT JOIN word_path AS p ON p.word_id = wg.word_id "
            "LEFT JOIN levels AS l ON l.id = p.level_id "
            f"WHERE wg.group_id = ? AND {_UNSEEN} "
            "ORDER BY p.level_position IS NULL, coalesce(p.level_position = ?, 0) DESC, "
            "p.level_position, p.group_position, wg.word_id LIMIT ?",
            (group_id, first_level, limit),
        ).fetchall()
    # word_path's first_review is the card's: NULL exactly when the word has no card
    on_path = (
        f"SELECT {_QUEUE_COLUMNS}, {_LEVEL_COLUMNS} FROM word_path AS p "
        "JOIN words AS w ON w.id = p.word_id JOIN levels AS l ON l.id = p.level_id "
        "WHERE p.level_position {} ? AND p.first_review IS NULL "
        "ORDER BY p.level_position, p.group_position, p.word_id LIMIT ?"
    )
    rows: list[sqlite3.Row] = []
    if first_level is not None:
        rows += connection.execute(on_path.format("="), (first_level, limit)).fetchall()
    if len(rows) < limit:
        rows += connection.execute(
            on_path.format("<>"), (first_level or 0, limit - len(rows))
        ).fetchall()
    if len(rows) < limit:
        rows += connection.execute(
            f"SELECT {_QUEUE_COLUMNS}, NULL AS level, NULL AS level_position, "
            "NULL AS level_difficulty FROM words AS w "
            f"WHERE {_UNSEEN} AND NOT EXISTS (SELECT 1 FROM word_path AS p WHERE p.word_id = w.id) "
            "ORDER BY w.id LIMIT ?",
            (limit - len(rows),),
        ).fetchall()
    return rows


def recent_answers(connection: sqlite3.Connection, limit: int) -> list[sqlite3.Row]:
    """The learner's latest answers, newest first, walking idx_review_items_created_at
    backwards: right or wrong, the answered word's text, and whether it was the word's first
    answer ever (`first`)."""
    return connection.execute(
        "SELECT r.correct, w.japanese, coalesce(c.first_review = r.created_at, 0) AS first "
        "FROM word_review_items AS r JOIN words AS w ON w.id = r.word_id "
        "LEFT JOIN srs_cards AS c ON c.word_id = r.word_id "
        "ORDER BY r.created_at DESC, r.id DESC LIMIT ?",
        (limit,),
    ).fetchall()


def _group_filter(group_id: int | None, column: str) -> tuple[str, tuple[int, ...]]:
    if group_id is None:
        return "", ()
    return (
        f" AND EXISTS (SELECT 1 FROM words_groups AS wg WHERE wg.group_id = ? "
        f"AND wg.word_id = {column})",
        (group_id,),
    )


def due_between(connection: sqlite3.Connection, start: str, end: str) -> Iterator[str]:
    """Due times in [start, end), from idx_srs_cards_due."""
    for row in connection.execute(
        "SELECT due FROM srs_cards WHERE due >= ? AND due < ? ORDER BY due", (start, end)
    ):
        yield str(row[0])


def session_cards(connection: sqlite3.Connection, session_id: int) -> list[sqlite3.Row]:
    return connection.execute(
        "SELECT sw.word_id, w.japanese, w.romaji, w.english, sw.correct_count, sw.wrong_count, "
        "c.state, c.due, c.stability, c.last_review "
        "FROM study_session_words AS sw JOIN words AS w ON w.id = sw.word_id "
        "LEFT JOIN srs_cards AS c ON c.word_id = sw.word_id "
        "WHERE sw.study_session_id = ? ORDER BY sw.word_id",
        (session_id,),
    ).fetchall()
