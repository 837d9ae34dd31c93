"""Migration 0006: a database seeded before the built-in apps existed gets them on upgrade."""

from __future__ import annotations

import json
from pathlib import Path

from lang_portal.clock import FixedClock
from lang_portal.repository import migrations
from lang_portal.settings import MIGRATIONS_DIR, SEEDS_DIR
from tests.helpers import database_before

MIGRATION = "0006_builtin_study_apps.sql"
STAMP = "2026-01-01T09:00:00.000000Z"


def test_the_seeded_activities_move_to_the_built_in_apps(tmp_path: Path, clock: FixedClock) -> None:
    db = database_before(MIGRATION, tmp_path / "old.db", clock)
    with db.write() as connection:
        connection.executemany(
            "INSERT INTO study_activities (id, name, launch_url, thumbnail_url, description,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?)",
            [
                # as the earlier seeding stored them (pydantic's URL adds the slash) ...
                (1, "Typing Tutor", "http://localhost:8081/", None, "old text", STAMP),
                (2, "Flashcards", "http://localhost:8082", None, "old text", STAMP),
                # ... and an app of the school's own, which must stay where it is
                (3, "Kanji Quiz", "http://localhost:8081/quiz", "/static/quiz.png", "", STAMP),
            ],
        )
        connection.execute(
            "INSERT INTO groups (id, name, created_at, updated_at) VALUES (1, 'G', ?, ?)",
            (STAMP, STAMP),
        )
        connection.execute(
            "INSERT INTO study_sessions (id, group_id, study_activity_id, created_at)"
            " VALUES (1, 1, 1, ?)",
            (STAMP,),
        )

    assert MIGRATION in migrations.apply(db, MIGRATIONS_DIR, clock)

    with db.read() as connection:
        rows = [
            tuple(row)
            for row in connection.execute(
                "SELECT id, name, launch_url, thumbnail_url, description FROM study_activities"
                " ORDER BY id"
            )
        ]
        session = connection.execute("SELECT study_activity_id FROM study_sessions").fetchone()
    assert [row[:4] for row in rows] == [
        (1, "Typing Tutor", "/apps/typing/", "/apps/thumbnails/typing.svg"),
        (2, "Flashcards", "/apps/flashcards/", "/apps/thumbnails/flashcards.svg"),
        (3, "Kanji Quiz", "http://localhost:8081/quiz", "/static/quiz.png"),
    ]
    # the two moved are what a fresh install seeds, description included
    seeded = json.loads((SEEDS_DIR / "manifest.json").read_text(encoding="utf-8"))
    expected = {
        (a["name"], a["launch_url"], a["thumbnail_url"], a["description"])
        for a in seeded["study_activities"]
    }
    assert {row[1:] for row in rows[:2]} == expected
    assert rows[2][4] == ""
    assert tuple(session) == (1,)  # the history stays with its activity


def test_an_activity_pointed_elsewhere_keeps_its_address(tmp_path: Path, clock: FixedClock) -> None:
    db = database_before(MIGRATION, tmp_path / "moved.db", clock)
    with db.write() as connection:
        connection.execute(
            "INSERT INTO study_activities (name, launch_url, created_at)"
            " VALUES ('Typing Tutor', 'https://typing.school.example/', ?)",
            (STAMP,),
        )
    migrations.apply(db, MIGRATIONS_DIR, clock)
    with db.read() as connection:
        row = connection.execute(
            "SELECT launch_url, thumbnail_url FROM study_activities"
        ).fetchone()
    assert tuple(row) == ("https://typing.school.example/", None)
