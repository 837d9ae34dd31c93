"""SQL for the levels of the learning path and each word's place on it (word_path)."""

from __future__ import annotations

import sqlite3


def count_levels(connection: sqlite3.Connection) -> int:
    return int(connection.execute("SELECT count(*) FROM levels").fetchone()[0])


def find_level_id(connection: sqlite3.Connection, name: str) -> int | None:
    row = connection.execute("SELECT id FROM levels WHERE name = ?", (name,)).fetchone()
    return None if row is None else int(row[0])


def insert_level(
    connection: sqlite3.Connection,
    name: str,
    title: str,
    min_success_rate: float,
    min_word_count: int,
    now: str,
    *,
    difficulty: float | None = None,
    review_interval_days: int = 0,
) -> int:
    """A new level at the end of the path."""
    cursor = connection.execute(
        "INSERT INTO levels (name, title, position, min_success_rate, min_word_count, created_at,"
        " difficulty, review_interval_days) "
        "SELECT ?, ?, coalesce(max(position), 0) + 1, ?, ?, ?, ?, ? FROM levels",
        (name, title, min_success_rate, min_word_count, now, difficulty, review_interval_days),
    )
    assert cursor.lastrowid is not None
    return cursor.lastrowid


def add_prerequisite(connection: sqlite3.Connection, level_id: int, prerequisite_id: int) -> bool:
    cursor = connection.execute(
        "INSERT OR IGNORE INTO level_prerequisites (level_id, prerequisite_id) VALUES (?, ?)",
        (level_id, prerequisite_id),
    )
    return cursor.rowcount > 0


def link_group(connection: sqlite3.Connection, level_id: int, group_id: int) -> bool:
    """Put the group at the end of the level; False when the group already has a level."""
    cursor = connection.execute(
        "INSERT OR IGNORE INTO level_groups (group_id, level_id, position) "
        "SELECT ?, ?, coalesce(max(position), 0) + 1 FROM level_groups WHERE level_id = ?",
        (group_id, level_id, level_id),
    )
    return cursor.rowcount > 0


def rebuild_word_path(connection: sqlite3.Connection) -> None:
    """Every word's place from scratch, after levels or their groups change (the level
    counters follow through the table's triggers). The view (migration 0013) is the one the
    membership triggers read a single word's place from."""
    connection.execute("DELETE FROM word_path")
    connection.execute(
        "INSERT INTO word_path (word_id, level_id, level_position, group_position,"
        " correct_count, wrong_count, learned, first_review) "
        "SELECT word_id, level_id, level_position, group_position, correct_count, wrong_count,"
        " learned, first_review FROM word_path_places"
    )


def delete_levels(connection: sqlite3.Connection) -> None:
    connection.execute("DELETE FROM level_groups")
    connection.execute("DELETE FROM level_prerequisites")
    connection.execute("DELETE FROM levels")
    connection.execute("DELETE FROM word_path")


# -- reading the path ------------------------------------------------------------------------


def list_levels(connection: sqlite3.Connection) -> list[sqlite3.Row]:
    """The levels in path order with their kept figures; each level's start is one index seek."""
    return connection.execute(
        "SELECT l.id, l.name, l.title, l.position, l.min_success_rate, l.min_word_count,"
        " l.difficulty, l.review_interval_days,"
        " l.word_count AS words, l.words_learned AS learned, l.correct_count AS correct,"
        " l.wrong_count AS wrong, (SELECT min(p.first_review) FROM word_path AS p"
        "  WHERE p.level_position = l.position AND p.first_review IS NOT NULL) AS started_at "
        "FROM levels AS l ORDER BY l.position"
    ).fetchall()


def prerequisites(connection: sqlite3.Connection) -> list[sqlite3.Row]:
    """(level_id, prerequisite_id, prerequisite name), by the prerequisite's position."""
    return connection.execute(
        "SELECT lp.level_id, lp.prerequisite_id, l.name FROM level_prerequisites AS lp "
        "JOIN levels AS l ON l.id = lp.prerequisite_id ORDER BY lp.level_id, l.position"
    ).fetchall()


def level_groups(connection: sqlite3.Connection) -> list[sqlite3.Row]:
    """(level_id, group id, group name), in each level's group order."""
    return connection.execute(
        "SELECT lg.level_id, g.id, g.name FROM level_groups AS lg "
        "JOIN groups AS g ON g.id = lg.group_id ORDER BY lg.level_id, lg.position"
    ).fetchall()


def learned_words(connection: sqlite3.Connection) -> int:
    """Words whose FSRS card has left the learning steps (review or relearning)."""
    return int(
        connection.execute("SELECT count(*) FROM srs_cards WHERE state IN (2, 3)").fetchone()[0]
    )


def total_duration_ms(connection: sqlite3.Connection) -> int:
    """The answers' durations summed, from the daily summary (one row per study day)."""
    return int(
        connection.execute("SELECT coalesce(sum(duration_ms), 0) FROM daily_stats").fetchone()[0]
    )
