"""SQL for exporting and importing words, groups and the study history."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator


def words_with_groups_and_tags(connection: sqlite3.Connection) -> Iterator[sqlite3.Row]:
    """Every word with its group names and the tags given it by hand (auto tags are computed
    from the text again wherever the words are imported), each as a JSON list."""
    yield from connection.execute(
        "SELECT w.id, w.japanese, w.romaji, w.english, w.parts, "
        "(SELECT json_group_array(g.name) FROM (SELECT g.name FROM words_groups AS wg "
        " JOIN groups AS g ON g.id = wg.group_id WHERE wg.word_id = w.id ORDER BY g.name) AS g"
        ") AS groups, "
        "(SELECT json_group_array(t.name) FROM (SELECT t.name FROM word_tags AS wt "
        " JOIN tags AS t ON t.id = wt.tag_id WHERE wt.word_id = w.id AND wt.source = 'manual' "
        " ORDER BY t.name) AS t) AS tags FROM words AS w ORDER BY w.id"
    )


def group_names(connection: sqlite3.Connection) -> list[str]:
    return [str(row[0]) for row in connection.execute("SELECT name FROM groups ORDER BY id")]


def sessions_in_order(connection: sqlite3.Connection) -> Iterator[sqlite3.Row]:
    yield from connection.execute(
        "SELECT s.id, s.created_at, s.ended_at, g.name AS group_name, a.name AS activity_name, "
        "s.paused_at, s.resumed_at, s.completed_at "
        "FROM study_sessions AS s JOIN groups AS g ON g.id = s.group_id "
        "JOIN study_activities AS a ON a.id = s.study_activity_id ORDER BY s.created_at, s.id"
    )


def session_reviews(connection: sqlite3.Connection, session_id: int) -> list[sqlite3.Row]:
    return connection.execute(
        "SELECT r.correct, r.duration_ms, r.created_at, r.grade, r.response, w.japanese, "
        "w.english FROM word_review_items AS r JOIN words AS w ON w.id = r.word_id "
        "WHERE r.study_session_id = ? ORDER BY r.created_at, r.id",
        (session_id,),
    ).fetchall()


def reviews_in_order(connection: sqlite3.Connection) -> Iterator[sqlite3.Row]:
    yield from connection.execute(
        "SELECT r.study_session_id, r.correct, r.duration_ms, r.created_at, r.grade, w.japanese, "
        "w.english FROM word_review_items AS r JOIN words AS w ON w.id = r.word_id "
        "ORDER BY r.study_session_id, r.created_at, r.id"
    )


def activity_id_by_name(connection: sqlite3.Connection, name: str) -> int | None:
    row = connection.execute("SELECT id FROM study_activities WHERE name = ?", (name,)).fetchone()
    return None if row is None else int(row[0])


def word_ids_by_japanese(connection: sqlite3.Connection, japanese: str) -> list[int]:
    return [
        int(row[0])
        for row in connection.execute("SELECT id FROM words WHERE japanese = ?", (japanese,))
    ]


def set_session_times(
    connection: sqlite3.Connection, session_id: int, created_at: str, ended_at: str | None
) -> None:
    connection.execute(
        "UPDATE study_sessions SET created_at = ?, ended_at = ? WHERE id = ?",
        (created_at, ended_at, session_id),
    )


def set_session_lifecycle(
    connection: sqlite3.Connection, session_id: int, times: dict[str, str]
) -> None:
    """An imported session's lifecycle times (paused_at, resumed_at, completed_at, as given)."""
    lifecycle = (
        "completed" if "completed_at" in times else "paused" if "paused_at" in times else "open"
    )
    connection.execute(
        "UPDATE study_sessions SET lifecycle = ?, paused_at = ?, resumed_at = ?, "
        "completed_at = ? WHERE id = ?",
        (
            lifecycle,
            times.get("paused_at"),
            times.get("resumed_at"),
            times.get("completed_at"),
            session_id,
        ),
    )


def find_session(
    connection: sqlite3.Connection, group_id: int, activity_id: int, created_at: str
) -> int | None:
    """The session of this group and activity that started at this moment, if stored."""
    row = connection.execute(
        "SELECT id FROM study_sessions WHERE created_at = ? AND group_id = ? "
        "AND study_activity_id = ? ORDER BY id LIMIT 1",
        (created_at, group_id, activity_id),
    ).fetchone()
    return None if row is None else int(row[0])


def session_answer_keys(connection: sqlite3.Connection, session_id: int) -> list[tuple[int, str]]:
    return [
        (int(row[0]), str(row[1]))
        for row in connection.execute(
            "SELECT word_id, created_at FROM word_review_items WHERE study_session_id = ?",
            (session_id,),
        )
    ]
