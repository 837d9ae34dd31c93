"""SQL for the spaced-repetition state and the summaries kept beside it in the review write."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from typing import Any

_CARD_COLUMNS = (
    "word_id, state, step, stability, difficulty, due, last_review, first_review, reps, lapses, "
    "day_reps, day_lapses, last_activity_id"
)

_QUEUE_COLUMNS = "w.id AS word_id, w.japanese, w.romaji, w.english"

# Tables derived from the review history, cleared together by a history reset.
DERIVED_TABLES = (
    "srs_cards",
    "daily_words",
    "curve_by_seen",
    "curve_by_gap",
    "activity_stats",
    "srs_eval_bins",
    "srs_eval_hist",
)


def get_card(connection: sqlite3.Connection, word_id: int) -> sqlite3.Row | None:
    row: sqlite3.Row | None = connection.execute(
        f"SELECT {_CARD_COLUMNS} FROM srs_cards WHERE word_id = ?", (word_id,)
    ).fetchone()
    return row


def save_card(connection: sqlite3.Connection, card: dict[str, Any]) -> None:
    names = _CARD_COLUMNS.split(", ")
    updates = ", ".join(f"{name} = excluded.{name}" for name in names if name != "word_id")
    connection.execute(
        f"INSERT INTO srs_cards ({_CARD_COLUMNS}) VALUES ({', '.join('?' * len(names))}) "
        f"ON CONFLICT (word_id) DO UPDATE SET {updates}",
        tuple(card[name] for name in names),
    )


def activity_of_review(connection: sqlite3.Connection, word_id: int, created_at: str) -> int | None:
    """The activity of the word's review stored at that moment (idx_review_items_word)."""
    row = connection.execute(
        "SELECT s.study_activity_id FROM word_review_items AS r "
        "JOIN study_sessions AS s ON s.id = r.study_session_id "
        "WHERE r.word_id = ? AND r.created_at = ? ORDER BY r.id DESC LIMIT 1",
        (word_id, created_at),
    ).fetchone()
    return None if row is None else int(row[0])


def mark_word_studied(connection: sqlite3.Connection, day: str, word_id: int) -> None:
    """Counts the word in the day's distinct words the first time it is studied that day."""
    cursor = connection.execute(
        "INSERT INTO daily_words (day, word_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
        (day, word_id),
    )
    if cursor.rowcount > 0:
        connection.execute("UPDATE daily_stats SET words = words + 1 WHERE day = ?", (day,))


def clear_daily_words(connection: sqlite3.Connection) -> None:
    connection.execute("DELETE FROM daily_words")


def set_day_words(
    connection: sqlite3.Connection, day: str, word_ids: set[int], new_words: int
) -> None:
    """For a rebuild of the daily summary: the day's distinct words and first-seen words."""
    connection.executemany(
        "INSERT INTO daily_words (day, word_id) VALUES (?, ?)", [(day, w) for w in word_ids]
    )
    connection.execute(
        "UPDATE daily_stats SET words = ?, new_words = ? WHERE day = ?",
        (len(word_ids), new_words, day),
    )


def count_new_word(connection: sqlite3.Connection, day: str) -> None:
    connection.execute("UPDATE daily_stats SET new_words = new_words + 1 WHERE day = ?", (day,))


def new_words_on(connection: sqlite3.Connection, day: str) -> int:
    row = connection.execute("SELECT new_words FROM daily_stats WHERE day = ?", (day,)).fetchone()
    return 0 if row is None else int(row[0])


def add_to_curve(connection: sqlite3.Connection, table: str, key: int, correct: bool) -> None:
    column = {"curve_by_seen": "seen", "curve_by_gap": "days"}[table]
    connection.execute(
        f"INSERT INTO {table} ({column}, reviews, correct) VALUES (?, 1, ?) "
        f"ON CONFLICT ({column}) DO UPDATE SET reviews = reviews + 1, "
        "correct = correct + excluded.correct",
        (key, int(correct)),
    )


def add_activity_answer(connection: sqlite3.Connection, activity_id: int, correct: bool) -> None:
    connection.execute(
        "INSERT INTO activity_stats (activity_id, reviews, correct) VALUES (?, 1, ?) "
        "ON CONFLICT (activity_id) DO UPDATE SET reviews = reviews + 1, "
        "correct = correct + excluded.correct",
        (activity_id, int(correct)),
    )


def add_activity_later_answer(
    connection: sqlite3.Connection, activity_id: int, correct: bool
) -> None:
    connection.execute(
        "INSERT INTO activity_stats (activity_id, later_reviews, later_correct) VALUES (?, 1, ?) "
        "ON CONFLICT (activity_id) DO UPDATE SET later_reviews = later_reviews + 1, "
        "later_correct = later_correct + excluded.later_correct",
        (activity_id, int(correct)),
    )


def add_evaluation(
    connection: sqlite3.Connection,
    bins: tuple[float, float, float],
    p: float,
    y: bool,
    log_loss: float,
    bucket: int,
) -> None:
    connection.execute(
        "INSERT INTO srs_eval_bins (delta_bin, i_bin, lapse_bin, n, sum_p, sum_y, sum_log_loss) "
        "VALUES (?, ?, ?, 1, ?, ?, ?) ON CONFLICT (delta_bin, i_bin, lapse_bin) DO UPDATE SET "
        "n = n + 1, sum_p = sum_p + excluded.sum_p, sum_y = sum_y + excluded.sum_y, "
        "sum_log_loss = sum_log_loss + excluded.sum_log_loss",
        (*bins, p, int(y), log_loss),
    )
    column = "positives" if y else "negatives"
    connection.execute(
        f"INSERT INTO srs_eval_hist (bucket, {column}) VALUES (?, 1) "
        f"ON CONFLICT (bucket) DO UPDATE SET {column} = {column} + 1",
        (bucket,),
    )


def evaluation_bins(connection: sqlite3.Connection) -> list[sqlite3.Row]:
    return connection.execute(
        "SELECT delta_bin, i_bin, lapse_bin, n, sum_p, sum_y, sum_log_loss FROM srs_eval_bins"
    ).fetchall()


def evaluation_histogram(connection: sqlite3.Connection) -> list[sqlite3.Row]:
    return connection.execute(
        "SELECT bucket, positives, negatives FROM srs_eval_hist ORDER BY bucket"
    ).fetchall()


def clear_derived(connection: sqlite3.Connection) -> None:
    for table in DERIVED_TABLES:
        connection.execute(f"DELETE FROM {table}")


# -- the review queue ------------------------------------------------------------------------


def due_cards(
    connection: sqlite3.Connection, now: str, limit: int, group_id: int | None
) -> list[sqlite3.Row]:
    """Words due by `now`, most overdue first, walking idx_srs_cards_due."""
    group_filter, params = _group_filter(group_id, "c.word_id")
    return connection.execute(
        f"SELECT {_QUEUE_COLUMNS}, c.state, c.due, c.stability, c.last_review "
        "FROM srs_cards AS c JOIN words AS w ON w.id = c.word_id "
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
    connection: sqlite3.Connection, limit: int, group_id: int | None
) -> list[sqlite3.Row]:
    """Words never reviewed, oldest id first: by the words' primary key or the group's index."""
    unseen = "NOT EXISTS (SELECT 1 FROM srs_cards AS c WHERE c.word_id = w.id)"
    if group_id is None:
        return connection.execute(
            f"SELECT {_QUEUE_COLUMNS} FROM words AS w WHERE {unseen} ORDER BY w.id LIMIT ?",
            (limit,),
        ).fetchall()
    return connection.execute(
        f"SELECT {_QUEUE_COLUMNS} FROM words_groups AS wg JOIN words AS w ON w.id = wg.word_id "
        f"WHERE wg.group_id = ? AND {unseen} ORDER BY wg.word_id LIMIT ?",
        (group_id, limit),
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


def iter_history(connection: sqlite3.Connection) -> Iterator[sqlite3.Row]:
    """Every review in time order with its activity; for replays, never on a request."""
    yield from connection.execute(
        "SELECT r.id, r.word_id, r.correct, r.duration_ms, r.created_at, s.study_activity_id "
        "FROM word_review_items AS r JOIN study_sessions AS s ON s.id = r.study_session_id "
        "ORDER BY r.created_at, r.id"
    )
