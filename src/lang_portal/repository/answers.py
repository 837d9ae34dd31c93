"""SQL of the answer pipeline: the review rows, and every table derived from them.

The derived tables are written as increments (upserts that add), so one answer, a batch, a
whole-history rebuild in chunks and the removal of an answer (negative increments) all use the
same statements.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

CARD_COLUMNS = (
    "word_id",
    "state",
    "step",
    "stability",
    "difficulty",
    "due",
    "last_review",
    "first_review",
    "reps",
    "lapses",
    "day_reps",
    "day_lapses",
    "last_activity_id",
)
_CARD_SELECT = ", ".join(f"c.{name}" for name in CARD_COLUMNS[1:])

# Tables holding nothing but what answers derived; a rebuild empties them first.
DERIVED_TABLES = (
    "srs_cards",
    "daily_words",
    "daily_stats",
    "curve_by_seen",
    "curve_by_gap",
    "activity_stats",
    "srs_eval_bins",
    "srs_eval_hist",
    "study_session_words",
)


# -- reads -------------------------------------------------------------------------------------


def word_for_answer(
    connection: sqlite3.Connection, word_id: int, session_id: int
) -> sqlite3.Row | None:
    """The word's text, its card (its columns NULL before the first answer) and whether the
    session already has the word, in one lookup; None when the word does not exist."""
    row: sqlite3.Row | None = connection.execute(
        f"SELECT w.id, w.japanese, w.english, {_CARD_SELECT}, "
        "EXISTS (SELECT 1 FROM study_session_words AS sw "
        "        WHERE sw.study_session_id = ? AND sw.word_id = w.id) AS in_session "
        "FROM words AS w LEFT JOIN srs_cards AS c ON c.word_id = w.id WHERE w.id = ?",
        (session_id, word_id),
    ).fetchone()
    return row


def session_for_answer(connection: sqlite3.Connection, session_id: int) -> sqlite3.Row | None:
    """The session, with the number of distinct words it has (the per-session word limit),
    in one lookup: at most that limit's index entries counted."""
    row: sqlite3.Row | None = connection.execute(
        "SELECT s.id, s.group_id, s.study_activity_id, s.created_at, s.ended_at, "
        "s.registration, s.review_items_count, s.lifecycle, s.resumed_at, "
        "(SELECT count(*) FROM study_session_words AS sw WHERE sw.study_session_id = s.id) "
        "AS distinct_words "
        "FROM study_sessions AS s WHERE s.id = ?",
        (session_id,),
    ).fetchone()
    return row


def history(connection: sqlite3.Connection, word_id: int | None = None) -> Iterator[sqlite3.Row]:
    """Answers in time order with their session's activity: all of them, or one word's.

    Archived answers (moved out with their sessions by the retention task) are part of the
    history: they come with no session.
    """
    where, params = ("WHERE word_id = ? ", (word_id,) * 2) if word_id is not None else ("", ())
    yield from connection.execute(
        "SELECT * FROM ("
        "SELECT r.id, r.word_id, r.study_session_id, r.correct, r.duration_ms, r.created_at, "
        "r.grade, s.study_activity_id "
        "FROM word_review_items AS r JOIN study_sessions AS s ON s.id = r.study_session_id "
        f"{where.replace('word_id', 'r.word_id')}"
        "UNION ALL "
        "SELECT id, word_id, NULL, correct, duration_ms, created_at, grade, study_activity_id "
        f"FROM archived_answers {where}"
        ") ORDER BY created_at, id",
        params,
    )


def parameters_in_use(connection: sqlite3.Connection) -> tuple[str | None, int | None]:
    """The FSRS weights in use as stored (JSON; None for the defaults), and the answer time
    above which a right answer without a grade counts as hard (None: never)."""
    row = connection.execute(
        "SELECT parameters, slow_correct_ms FROM srs_parameters "
        "WHERE id = (SELECT max(id) FROM srs_parameters)"
    ).fetchone()
    return (None, None) if row is None else (row[0], row[1])


def answer_time_at(connection: sqlite3.Connection, position: int) -> str | None:
    """The stored time of the answer at this position (from 0) in time order."""
    row = connection.execute(
        "SELECT created_at FROM word_review_items ORDER BY created_at, id LIMIT 1 OFFSET ?",
        (position,),
    ).fetchone()
    return None if row is None else str(row[0])


def latest_review_id(connection: sqlite3.Connection) -> int:
    row = connection.execute("SELECT max(id) FROM word_review_items").fetchone()
    return int(row[0] or 0)


def history_after(connection: sqlite3.Connection, review_id: int) -> Iterator[sqlite3.Row]:
    """The answers stored after `review_id`, in time order, as `history` gives them."""
    yield from connection.execute(
        "SELECT r.id, r.word_id, r.study_session_id, r.correct, r.duration_ms, r.created_at, "
        "r.grade, s.study_activity_id "
        "FROM word_review_items AS r JOIN study_sessions AS s ON s.id = r.study_session_id "
        "WHERE r.id > ? ORDER BY r.created_at, r.id",
        (review_id,),
    )


def history_starts_with(
    connection: sqlite3.Connection, answers: int, last_review_id: int, last_time: str
) -> bool:
    """Whether the history still holds exactly the `answers` with ids up to `last_review_id`,
    and every later one comes after `last_time` (live answers do; an import may not)."""
    kept = connection.execute(
        "SELECT count(*) FROM word_review_items WHERE id <= ?", (last_review_id,)
    ).fetchone()[0]
    earlier = connection.execute(
        "SELECT 1 FROM word_review_items WHERE id > ? AND created_at < ? LIMIT 1",
        (last_review_id, last_time),
    ).fetchone()
    return int(kept) == answers and earlier is None


def replace_model_state(
    connection: sqlite3.Connection,
    cards: Iterable[tuple[Any, ...]],
    bins: list[tuple[Any, ...]],
    histogram: list[tuple[int, int, int]],
) -> None:
    """Every card and the prediction scores, replaced as a whole (a refit)."""
    for table in ("srs_cards", "srs_eval_bins", "srs_eval_hist"):
        connection.execute(f"DELETE FROM {table}")
    save_cards(connection, cards)
    add_evaluation_bins(connection, bins)
    add_evaluation_histogram(connection, histogram)


def reviews_by_id(connection: sqlite3.Connection, review_ids: Sequence[int]) -> list[sqlite3.Row]:
    rows = connection.execute(
        "SELECT id, word_id, study_session_id, correct, duration_ms, created_at, source, grade, "
        f"response FROM word_review_items WHERE id IN ({', '.join('?' * len(review_ids))})",
        tuple(review_ids),
    ).fetchall()
    by_id = {row["id"]: row for row in rows}
    return [by_id[review_id] for review_id in review_ids if review_id in by_id]


def latest_answer_time(
    connection: sqlite3.Connection, *, session_id: int | None = None, word_id: int | None = None
) -> str | None:
    column, value = (
        ("study_session_id", session_id) if session_id is not None else ("word_id", word_id)
    )
    row = connection.execute(
        f"SELECT max(created_at) FROM word_review_items WHERE {column} = ?", (value,)
    ).fetchone()
    return None if row[0] is None else str(row[0])


# -- the review row ----------------------------------------------------------------------------


def insert_review(
    connection: sqlite3.Connection,
    session_id: int,
    word_id: int,
    correct: bool,
    duration_ms: int | None,
    created_at: str,
    source: str,
    grade: int | None = None,
    response: str | None = None,
) -> int:
    cursor = connection.execute(
        "INSERT INTO word_review_items (word_id, study_session_id, correct, duration_ms, "
        "created_at, source, grade, response) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (word_id, session_id, int(correct), duration_ms, created_at, source, grade, response),
    )
    return int(cursor.lastrowid or 0)


def delete_review(connection: sqlite3.Connection, review_id: int) -> None:
    connection.execute("DELETE FROM word_review_items WHERE id = ?", (review_id,))


def get_review(connection: sqlite3.Connection, review_id: int) -> sqlite3.Row | None:
    row: sqlite3.Row | None = connection.execute(
        "SELECT id, word_id, study_session_id, correct, duration_ms, created_at, source, grade, "
        "response FROM word_review_items WHERE id = ?",
        (review_id,),
    ).fetchone()
    return row


# -- derived tables, as increments -----------------------------------------------------------


def _run(connection: sqlite3.Connection, sql: str, rows: list[tuple[Any, ...]]) -> None:
    if len(rows) == 1:
        connection.execute(sql, rows[0])
    elif rows:
        connection.executemany(sql, rows)


def add_word_counts(
    connection: sqlite3.Connection, rows: list[tuple[int, int, int, int, str | None, int]]
) -> None:
    """(correct, wrong, answer time ms, answers with a time, last answer time, word id); the
    later of the two times is kept."""
    _run(
        connection,
        "UPDATE words SET correct_count = correct_count + ?1, wrong_count = wrong_count + ?2, "
        "answer_ms_total = answer_ms_total + ?3, timed_answers = timed_answers + ?4, "
        "last_reviewed_at = coalesce(max(last_reviewed_at, ?5), last_reviewed_at, ?5) "
        "WHERE id = ?6",
        rows,
    )


def add_session_counts(
    connection: sqlite3.Connection, rows: list[tuple[int, int, str | None, int]]
) -> None:
    """(answers, correct, last answer time, session id); the later of the two times is kept."""
    _run(
        connection,
        "UPDATE study_sessions SET review_items_count = review_items_count + ?1, "
        "correct_count = correct_count + ?2, "
        "ended_at = coalesce(max(ended_at, ?3), ended_at, ?3) WHERE id = ?4",
        rows,
    )


def add_session_words(
    connection: sqlite3.Connection, rows: list[tuple[int, int, int, int]]
) -> None:
    """(session id, word id, correct, wrong)."""
    _run(
        connection,
        "INSERT INTO study_session_words (study_session_id, word_id, correct_count, wrong_count) "
        "VALUES (?, ?, ?, ?) ON CONFLICT (study_session_id, word_id) DO UPDATE SET "
        "correct_count = correct_count + excluded.correct_count, "
        "wrong_count = wrong_count + excluded.wrong_count",
        rows,
    )


def add_daily(
    connection: sqlite3.Connection, rows: list[tuple[str, int, int, int, int, int]]
) -> None:
    """(day, answers, correct, duration ms, distinct words, new words)."""
    _run(
        connection,
        "INSERT INTO daily_stats (day, reviews, correct, duration_ms, words, new_words) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (day) DO UPDATE SET "
        "reviews = reviews + excluded.reviews, correct = correct + excluded.correct, "
        "duration_ms = duration_ms + excluded.duration_ms, words = words + excluded.words, "
        "new_words = new_words + excluded.new_words",
        rows,
    )


def add_daily_words(connection: sqlite3.Connection, rows: list[tuple[str, int]]) -> None:
    _run(
        connection,
        "INSERT INTO daily_words (day, word_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
        rows,
    )


def remove_daily_words(connection: sqlite3.Connection, rows: list[tuple[str, int]]) -> None:
    _run(connection, "DELETE FROM daily_words WHERE day = ? AND word_id = ?", rows)


def add_curve(connection: sqlite3.Connection, table: str, rows: list[tuple[int, int, int]]) -> None:
    """(key, answers, correct) into curve_by_seen or curve_by_gap."""
    column = {"curve_by_seen": "seen", "curve_by_gap": "days"}[table]
    _run(
        connection,
        f"INSERT INTO {table} ({column}, reviews, correct) VALUES (?, ?, ?) "
        f"ON CONFLICT ({column}) DO UPDATE SET reviews = reviews + excluded.reviews, "
        "correct = correct + excluded.correct",
        rows,
    )


def add_activity(
    connection: sqlite3.Connection, rows: list[tuple[int, int, int, int, int]]
) -> None:
    """(activity id, answers, correct, later answers, later correct)."""
    _run(
        connection,
        "INSERT INTO activity_stats (activity_id, reviews, correct, later_reviews, later_correct) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (activity_id) DO UPDATE SET "
        "reviews = reviews + excluded.reviews, correct = correct + excluded.correct, "
        "later_reviews = later_reviews + excluded.later_reviews, "
        "later_correct = later_correct + excluded.later_correct",
        rows,
    )


def add_evaluation_bins(
    connection: sqlite3.Connection, rows: list[tuple[float, float, float, int, float, int, float]]
) -> None:
    """(delta bin, i bin, lapse bin, n, sum p, sum y, sum log loss)."""
    _run(
        connection,
        "INSERT INTO srs_eval_bins (delta_bin, i_bin, lapse_bin, n, sum_p, sum_y, sum_log_loss) "
        "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (delta_bin, i_bin, lapse_bin) DO UPDATE SET "
        "n = n + excluded.n, sum_p = sum_p + excluded.sum_p, sum_y = sum_y + excluded.sum_y, "
        "sum_log_loss = sum_log_loss + excluded.sum_log_loss",
        rows,
    )


def add_evaluation_histogram(
    connection: sqlite3.Connection, rows: list[tuple[int, int, int]]
) -> None:
    """(bucket, positives, negatives)."""
    _run(
        connection,
        "INSERT INTO srs_eval_hist (bucket, positives, negatives) VALUES (?, ?, ?) "
        "ON CONFLICT (bucket) DO UPDATE SET positives = positives + excluded.positives, "
        "negatives = negatives + excluded.negatives",
        rows,
    )


def save_cards(connection: sqlite3.Connection, rows: Iterable[tuple[Any, ...]]) -> None:
    """Rows in CARD_COLUMNS order."""
    updates = ", ".join(f"{name} = excluded.{name}" for name in CARD_COLUMNS[1:])
    _run(
        connection,
        f"INSERT INTO srs_cards ({', '.join(CARD_COLUMNS)}) "
        f"VALUES ({', '.join('?' * len(CARD_COLUMNS))}) "
        f"ON CONFLICT (word_id) DO UPDATE SET {updates}",
        list(rows),
    )


def delete_card(connection: sqlite3.Connection, word_id: int) -> None:
    connection.execute("DELETE FROM srs_cards WHERE word_id = ?", (word_id,))


def set_last_answer_times(
    connection: sqlite3.Connection,
    word_id: int,
    session_id: int,
    word_time: str | None,
    session_time: str | None,
) -> None:
    """After an answer is taken out: the word's and the session's latest remaining answer."""
    connection.execute("UPDATE words SET last_reviewed_at = ? WHERE id = ?", (word_time, word_id))
    connection.execute(
        "UPDATE study_sessions SET ended_at = ? WHERE id = ?", (session_time, session_id)
    )


def drop_empty_rows(connection: sqlite3.Connection) -> None:
    """Rows that negative increments left at zero, so a removal leaves what a rebuild would."""
    connection.execute(
        "DELETE FROM study_session_words WHERE correct_count = 0 AND wrong_count = 0"
    )
    connection.execute("DELETE FROM daily_stats WHERE reviews = 0")
    connection.execute("DELETE FROM curve_by_seen WHERE reviews = 0")
    connection.execute("DELETE FROM curve_by_gap WHERE reviews = 0")
    connection.execute("DELETE FROM srs_eval_bins WHERE n = 0")
    connection.execute("DELETE FROM srs_eval_hist WHERE positives = 0 AND negatives = 0")
    connection.execute("DELETE FROM activity_stats WHERE reviews = 0 AND later_reviews = 0")


def reset_derived(connection: sqlite3.Connection) -> None:
    """Empty every table derived from the answers, and zero the counters kept on rows."""
    for table in DERIVED_TABLES:
        connection.execute(f"DELETE FROM {table}")
    connection.execute(
        "UPDATE words SET correct_count = 0, wrong_count = 0, answer_ms_total = 0, "
        "timed_answers = 0, last_reviewed_at = NULL "
        "WHERE last_reviewed_at IS NOT NULL OR correct_count > 0 OR wrong_count > 0 "
        "OR timed_answers > 0"
    )
    connection.execute(
        "UPDATE study_sessions SET review_items_count = 0, correct_count = 0, ended_at = NULL "
        "WHERE review_items_count > 0 OR ended_at IS NOT NULL"
    )


# -- idempotency keys --------------------------------------------------------------------------


def find_idempotency_key(
    connection: sqlite3.Connection, scope: str, key: str
) -> sqlite3.Row | None:
    row: sqlite3.Row | None = connection.execute(
        "SELECT request_hash, review_ids, created_at FROM idempotency_keys "
        "WHERE scope = ? AND key = ?",
        (scope, key),
    ).fetchone()
    return row


def save_idempotency_key(
    connection: sqlite3.Connection,
    scope: str,
    key: str,
    request_hash: str,
    review_ids: str,
    created_at: str,
) -> None:
    connection.execute(
        "INSERT INTO idempotency_keys (scope, key, request_hash, review_ids, created_at) "
        "VALUES (?, ?, ?, ?, ?)",
        (scope, key, request_hash, review_ids, created_at),
    )


def delete_idempotency_keys_before(connection: sqlite3.Connection, moment: str) -> None:
    connection.execute("DELETE FROM idempotency_keys WHERE created_at < ?", (moment,))
