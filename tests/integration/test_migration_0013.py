"""Migration 0013: a database with tagged, answered words gets its tag figures from the
migration (equal to the aggregate GET /tags used to run), the triggers keep them from then on,
the learning path's membership triggers read their view, and the levels gain a difficulty
(none) and a review interval (0)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from lang_portal.clock import FixedClock
from lang_portal.repository import migrations
from lang_portal.repository import tags as tag_repo
from lang_portal.settings import MIGRATIONS_DIR
from tests.helpers import database_before

MIGRATION = "0013_tag_figures.sql"
STAMP = "2026-01-01T09:00:00.000000Z"
LATER = "2026-01-03T09:00:00.000000Z"


def _figures(connection: sqlite3.Connection) -> dict[str, tuple[object, ...]]:
    return {
        row[0]: tuple(row[1:])
        for row in connection.execute(
            "SELECT t.name, f.word_count, f.usage_count, f.last_used,"
            " f.difficulty_sum / f.difficulty_count FROM tag_figures AS f"
            " JOIN tags AS t ON t.id = f.tag_id"
        )
    }


def _recount(connection: sqlite3.Connection) -> dict[str, tuple[object, ...]]:
    connection.row_factory = sqlite3.Row
    try:
        return {row["name"]: tuple(row)[1:] for row in tag_repo.tag_stats_recount(connection)}
    finally:
        connection.row_factory = None


def _approx(figures: dict[str, tuple[object, ...]]) -> dict[str, tuple[object, ...]]:
    return {
        name: (*values[:3], None if values[3] is None else pytest.approx(values[3], abs=1e-12))
        for name, values in figures.items()
    }


def test_the_figures_are_filled_and_kept(tmp_path: Path, clock: FixedClock) -> None:
    path = tmp_path / "old.db"
    db = database_before(MIGRATION, path, clock)
    with db.write() as connection:
        connection.executemany(
            "INSERT INTO words (id, japanese, romaji, english, correct_count, wrong_count,"
            " last_reviewed_at, created_at, updated_at) VALUES (?, ?, 'r', 'e', ?, ?, ?, ?, ?)",
            [
                (1, "一", 3, 1, STAMP, STAMP, STAMP),
                (2, "二", 0, 2, LATER, STAMP, STAMP),
                (3, "三", 0, 0, None, STAMP, STAMP),
            ],
        )
        connection.executemany(
            "INSERT INTO srs_cards (word_id, state, stability, difficulty, due, last_review,"
            " first_review) VALUES (?, 2, 3.0, ?, ?, ?, ?)",
            [(1, 4.0, STAMP, STAMP, STAMP), (2, 7.0, LATER, LATER, LATER)],
        )
        connection.execute(
            "INSERT INTO tags (id, name, created_at) VALUES (1, 'a', ?), (2, 'b', ?)",
            (STAMP, STAMP),
        )
        connection.executemany(
            "INSERT INTO word_tags (word_id, tag_id, source, created_at) VALUES (?, ?, ?, ?)",
            [(1, 1, "manual", STAMP), (2, 1, "auto", STAMP), (3, 2, "manual", STAMP)],
        )
        connection.execute(
            "INSERT INTO groups (id, name, created_at, updated_at) VALUES (1, 'G', ?, ?)",
            (STAMP, STAMP),
        )
        connection.execute(
            "INSERT INTO levels (id, name, title, position, min_success_rate, min_word_count,"
            " created_at) VALUES (1, 'L', 'Level', 1, 0.8, 1, ?)",
            (STAMP,),
        )
        connection.execute(
            "INSERT INTO level_groups (group_id, level_id, position) VALUES (1, 1, 1)"
        )
    assert MIGRATION in migrations.apply(db, MIGRATIONS_DIR, clock)
    with db.write() as connection:
        figures = _figures(connection)
        assert figures == _approx(_recount(connection))
        assert figures["a"][:3] == (2, 6, LATER)
        assert figures["a"][3] == pytest.approx(((4.0 - 1) / 9 + (7.0 - 1) / 9) / 2)
        assert figures["b"] == (1, 0, None, None)
        assert connection.execute(
            "SELECT difficulty, review_interval_days FROM levels"
        ).fetchall() == [(None, 0)]

        # kept from now on: the latest answer's word loses its card and its tag
        connection.execute("DELETE FROM srs_cards WHERE word_id = 2")
        connection.execute("DELETE FROM word_tags WHERE word_id = 2 AND tag_id = 1")
        connection.execute("UPDATE words SET wrong_count = 5 WHERE id = 3")
        figures = _figures(connection)
        assert figures == _approx(_recount(connection))
        assert figures["a"] == (1, 4, STAMP, pytest.approx(3 / 9))
        assert figures["b"][:2] == (1, 5)

        # a word joining a level's group gets its place through the view
        connection.execute(
            "INSERT INTO words_groups (word_id, group_id, created_at) VALUES (1, 1, ?)", (STAMP,)
        )
        assert connection.execute(
            "SELECT word_id, level_id, correct_count, wrong_count, learned FROM word_path"
        ).fetchall() == [(1, 1, 3, 1, 1)]
        assert connection.execute("SELECT word_count, words_learned FROM levels").fetchall() == [
            (1, 1)
        ]
    db.close()
