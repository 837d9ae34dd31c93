"""Migration 0011: a database built at 0008 gets the answers' `response` (NULL for the answers
already stored) and the words' answer-time counters, filled from the history (archived answers
included) as the answer pipeline's rebuild fills them."""

from __future__ import annotations

from pathlib import Path

from lang_portal.clock import FixedClock
from lang_portal.repository import migrations
from lang_portal.settings import MIGRATIONS_DIR, load_settings
from tests.helpers import database_before, migrated_services

MIGRATION = "0011_difficulty_responses.sql"
STAMP = "2026-01-01T09:00:00.000000Z"


def test_existing_history_fills_the_counters_and_has_no_responses(
    tmp_path: Path, clock: FixedClock
) -> None:
    database = tmp_path / "old.db"
    db = database_before("0009_session_lifecycle.sql", database, clock)
    with db.write() as connection:
        connection.executemany(
            "INSERT INTO words (id, japanese, romaji, english, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [
                (1, "食べる", "taberu", "to eat", STAMP, STAMP),
                (2, "飲む", "nomu", "to drink", STAMP, STAMP),
                (3, "見る", "miru", "to see", STAMP, STAMP),
            ],
        )
        connection.execute(
            "INSERT INTO groups (id, name, created_at, updated_at) VALUES (1, 'G', ?, ?)",
            (STAMP, STAMP),
        )
        connection.execute(
            "INSERT INTO words_groups (word_id, group_id, created_at) SELECT id, 1, ? FROM words",
            (STAMP,),
        )
        activity = connection.execute("SELECT min(id) FROM study_activities").fetchone()[0]
        if activity is None:
            connection.execute(
                "INSERT INTO study_activities (id, name, launch_url, description, created_at) "
                "VALUES (1, 'A', '/apps/typing/', '', ?)",
                (STAMP,),
            )
            activity = 1
        connection.execute(
            "INSERT INTO study_sessions (id, group_id, study_activity_id, created_at, "
            "registration) VALUES (1, 1, ?, ?, 'r1')",
            (activity, STAMP),
        )
        connection.executemany(
            "INSERT INTO word_review_items (word_id, study_session_id, correct, duration_ms, "
            "created_at, source, grade) VALUES (?, 1, ?, ?, ?, 'portal', NULL)",
            [
                (1, 1, 2000, "2026-01-01T09:01:00.000000Z"),
                (1, 0, None, "2026-01-01T09:02:00.000000Z"),
                (1, 0, 5000, "2026-01-01T09:03:00.000000Z"),
                (2, 1, 1000, "2026-01-01T09:04:00.000000Z"),
            ],
        )
        connection.execute(
            "INSERT INTO archives (name, created_at, cutoff, sessions, reviews, sha256) "
            "VALUES ('a.json.gz', ?, ?, 1, 1, 'x')",
            (STAMP, STAMP),
        )
        connection.execute(
            "INSERT INTO archived_sessions (id, original_id, group_id, study_activity_id, "
            "created_at, archive) VALUES (1, 9, 1, ?, '2025-12-01T09:00:00.000000Z', "
            "'a.json.gz')",
            (activity,),
        )
        connection.execute(
            "INSERT INTO archived_answers (original_id, session_id, word_id, study_activity_id, "
            "correct, duration_ms, grade, created_at) "
            "VALUES (90, 1, 1, ?, 1, 3000, NULL, '2025-12-01T09:01:00.000000Z')",
            (activity,),
        )

    assert MIGRATION in migrations.apply(db, MIGRATIONS_DIR, clock)
    with db.read() as connection:
        counters = connection.execute(
            "SELECT id, answer_ms_total, timed_answers FROM words ORDER BY id"
        ).fetchall()
        responses = connection.execute("SELECT response FROM word_review_items").fetchall()
        indexes = {row[1] for row in connection.execute("PRAGMA index_list(word_review_items)")}
    # word 1: 2000 + 5000 live and 3000 archived over three timed answers; word 3 never answered
    assert [tuple(row) for row in counters] == [(1, 10_000, 3), (2, 1000, 1), (3, 0, 0)]
    assert [row[0] for row in responses] == [None] * 4
    assert "idx_review_items_wrong_responses" in indexes
    db.close()

    # what the migration filled is what the answer pipeline's rebuild derives
    services = migrated_services(load_settings(database_path=database, timezone="UTC"), clock)
    try:
        with services.context.db.write() as connection:
            services.answers.rebuild(connection)
        with services.context.db.read() as connection:
            rebuilt = connection.execute(
                "SELECT id, answer_ms_total, timed_answers FROM words ORDER BY id"
            ).fetchall()
        assert [tuple(row) for row in rebuilt] == [tuple(row) for row in counters]
        detail = services.inventory.get_word(1)
        assert detail.difficulty is not None and detail.difficulty.answers == 4
        assert detail.difficulty.factors.average_time_spent == round(10_000 / 3 / 10_000, 4)
        assert detail.common_mistakes == []
    finally:
        services.context.db.close()
