"""SQL for the learning analytics: every query reads a summary table or the small word tables."""

from __future__ import annotations

import sqlite3


def daily_range(connection: sqlite3.Connection, start: str, end: str) -> list[sqlite3.Row]:
    """Summary rows for local days in [start, end] (daily_stats' primary key)."""
    return connection.execute(
        "SELECT day, reviews, correct, duration_ms, words, new_words FROM daily_stats "
        "WHERE day >= ? AND day <= ? ORDER BY day",
        (start, end),
    ).fetchall()


def study_days(connection: sqlite3.Connection) -> list[str]:
    return [str(row[0]) for row in connection.execute("SELECT day FROM daily_stats ORDER BY day")]


def curve(connection: sqlite3.Connection, table: str) -> list[sqlite3.Row]:
    key = {"curve_by_seen": "seen", "curve_by_gap": "days"}[table]
    return connection.execute(
        f"SELECT {key} AS key, reviews, correct FROM {table} ORDER BY {key}"
    ).fetchall()


def difficult_words(
    connection: sqlite3.Connection, min_attempts: int, limit: int
) -> list[sqlite3.Row]:
    """Lowest accuracy first, from the per-word counters (never the review rows)."""
    return connection.execute(
        "SELECT w.id, w.japanese, w.romaji, w.english, w.correct_count, w.wrong_count, "
        "c.stability, c.lapses FROM words AS w LEFT JOIN srs_cards AS c ON c.word_id = w.id "
        "WHERE w.correct_count + w.wrong_count >= ? "
        "ORDER BY CAST(w.correct_count AS REAL) / (w.correct_count + w.wrong_count), "
        "w.wrong_count DESC, w.id LIMIT ?",
        (min_attempts, limit),
    ).fetchall()


# A card is mastered when its stability is at least the threshold and its recall probability
# now is at least the target: for FSRS's curve the latter is "whole days since the last review
# <= stability * ratio" (the ratio from the weights and the target), so it is one comparison.
_MASTERED = (
    "(c.stability >= :threshold AND (CAST(strftime('%s', :now) AS INTEGER) "
    "- CAST(strftime('%s', c.last_review) AS INTEGER)) / 86400 <= c.stability * :ratio)"
)


def mastery_totals(
    connection: sqlite3.Connection, threshold: float, now: str, ratio: float
) -> sqlite3.Row:
    row: sqlite3.Row = connection.execute(
        "SELECT (SELECT count(*) FROM words) AS words, "
        "(SELECT count(*) FROM srs_cards) AS studied, "
        f"(SELECT count(*) FROM srs_cards AS c WHERE {_MASTERED}) AS mastered",
        {"threshold": threshold, "now": now, "ratio": ratio},
    ).fetchone()
    return row


def mastery_by_group(
    connection: sqlite3.Connection, threshold: float, now: str, ratio: float
) -> list[sqlite3.Row]:
    return connection.execute(
        "SELECT g.id, g.name, g.word_count, count(c.word_id) AS studied, "
        f"coalesce(sum(c.word_id IS NOT NULL AND {_MASTERED}), 0) AS mastered "
        "FROM groups AS g LEFT JOIN words_groups AS wg ON wg.group_id = g.id "
        "LEFT JOIN srs_cards AS c ON c.word_id = wg.word_id "
        "GROUP BY g.id ORDER BY g.name",
        {"threshold": threshold, "now": now, "ratio": ratio},
    ).fetchall()


def activity_stats(connection: sqlite3.Connection) -> list[sqlite3.Row]:
    return connection.execute(
        "SELECT a.id, a.name, coalesce(s.reviews, 0) AS reviews, "
        "coalesce(s.correct, 0) AS correct, "
        "coalesce(s.later_reviews, 0) AS later_reviews, "
        "coalesce(s.later_correct, 0) AS later_correct "
        "FROM study_activities AS a LEFT JOIN activity_stats AS s ON s.activity_id = a.id "
        "ORDER BY a.id"
    ).fetchall()
