"""Migration 0009: sessions stored before the lifecycle existed read as their times say."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from lang_portal.clock import FixedClock, to_stored
from lang_portal.repository import migrations
from lang_portal.repository import sessions as session_repo
from lang_portal.service.lifecycle import SessionState, Timeouts, session_status
from lang_portal.settings import MIGRATIONS_DIR, load_settings
from tests.helpers import database_before

MIGRATION = "0009_session_lifecycle.sql"
NOW = datetime(2026, 1, 15, 9, 0, tzinfo=UTC)


def stamp(minutes_ago: float) -> str:
    return to_stored(NOW - timedelta(minutes=minutes_ago))


def test_existing_sessions_become_created_active_or_expired(
    tmp_path: Path, clock: FixedClock
) -> None:
    db = database_before(MIGRATION, tmp_path / "old.db", clock)
    with db.write() as connection:
        connection.execute(
            "INSERT INTO groups (id, name, created_at, updated_at) VALUES (1, 'G', ?, ?)",
            (stamp(999), stamp(999)),
        )
        connection.execute(
            "INSERT INTO study_activities (id, name, launch_url, created_at) "
            "VALUES (1, 'A', '/apps/typing/', ?)",
            (stamp(999),),
        )
        connection.executemany(
            "INSERT INTO study_sessions (id, group_id, study_activity_id, created_at, ended_at, "
            "review_items_count, correct_count, registration) VALUES (?, 1, 1, ?, ?, ?, ?, ?)",
            [
                (1, stamp(10), None, 0, 0, "r1"),  # started, no answer yet
                (2, stamp(20), stamp(5), 3, 2, "r2"),  # answered 5 minutes ago
                (3, stamp(500), stamp(480), 4, 4, "r3"),  # idle for hours
                (4, stamp(40), stamp(33), 1, 1, "r4"),  # expired 3 minutes ago: in its grace
            ],
        )

    assert MIGRATION in migrations.apply(db, MIGRATIONS_DIR, clock)

    timeouts = Timeouts.of(load_settings())
    with db.read() as connection:
        lifecycle = [
            tuple(row)
            for row in connection.execute(
                "SELECT lifecycle, paused_at, resumed_at, completed_at FROM study_sessions "
                "ORDER BY id"
            )
        ]
        statuses = []
        for session_id in (1, 2, 3, 4):
            row = session_repo.get_session(connection, session_id)
            assert row is not None
            statuses.append(session_status(row, NOW, timeouts))
        breaks = connection.execute("SELECT count(*) FROM study_session_breaks").fetchone()[0]
    assert lifecycle == [("open", None, None, None)] * 4
    assert [status.state for status in statuses] == [
        SessionState.CREATED,
        SessionState.ACTIVE,
        SessionState.EXPIRED,
        SessionState.EXPIRED,
    ]
    assert statuses[2].resumable_until is None  # long past its grace period: final
    assert statuses[3].resumable_until == NOW + timedelta(minutes=2)
    assert statuses[1].expires_at == NOW + timedelta(minutes=25)
    assert breaks == 0
