"""Migration 0012: a database built before tags gets the tables, and its words get their auto
tags from the backfill the service runs when it starts (or seeds), once per set of rules."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from lang_portal.app import build_services, create_app
from lang_portal.clock import FixedClock
from lang_portal.database import Database
from lang_portal.repository import migrations
from lang_portal.service.tagging import ensure_auto_tags
from lang_portal.settings import MIGRATIONS_DIR, load_settings
from tests.conftest import FIXTURE_SEEDS
from tests.helpers import app_client, database_before

MIGRATION = "0012_tags.sql"
STAMP = "2026-01-01T09:00:00.000000Z"
WORDS = [
    (1, "コーヒー", "koohii", "coffee"),
    (2, "食べる", "taberu", "to eat"),
    (3, "こんにちは", "konnichiwa", "hello"),
    (4, "ABC", "abc", "the alphabet"),
]


def _database_before_tags(tmp_path: Path, clock: FixedClock) -> Path:
    path = tmp_path / "old.db"
    db = database_before(MIGRATION, path, clock)
    with db.write() as connection:
        connection.executemany(
            "INSERT INTO words (id, japanese, romaji, english, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [(*word, STAMP, STAMP) for word in WORDS],
        )
        connection.execute(
            "INSERT INTO groups (id, name, created_at, updated_at) VALUES (1, 'G', ?, ?)",
            (STAMP, STAMP),
        )
        connection.execute(
            "INSERT INTO words_groups (word_id, group_id, created_at) VALUES (2, 1, ?)", (STAMP,)
        )
    db.close()
    return path


def _tags(path: Path) -> list[tuple[int, str, str]]:
    connection = sqlite3.connect(path)
    try:
        return [
            tuple(row)
            for row in connection.execute(
                "SELECT wt.word_id, t.name, wt.source FROM word_tags AS wt"
                " JOIN tags AS t ON t.id = wt.tag_id ORDER BY wt.word_id, t.name"
            )
        ]
    finally:
        connection.close()


def test_the_words_of_an_old_database_get_their_auto_tags(
    tmp_path: Path, clock: FixedClock
) -> None:
    path = _database_before_tags(tmp_path, clock)
    db = Database(path)
    assert MIGRATION in migrations.apply(db, MIGRATIONS_DIR, clock)
    db.close()
    assert _tags(path) == []  # SQL cannot run the rules: the service does

    settings = load_settings(database_path=path, timezone="UTC", maintenance_enabled=False)
    services = build_services(settings, clock)
    with app_client(services) as client:  # the app's start runs the backfill
        assert client.get("/api/words/2").json()["tags"] == ["kanji", "verb"]
        assert client.get("/api/groups/1/words").json()["items"][0]["tags"] == ["kanji", "verb"]
        assert client.post("/api/words/4/tags", json={"tags": ["letters"]}).status_code == 200
    assert _tags(path) == [
        (1, "loanword", "auto"),
        (2, "kanji", "auto"),
        (2, "verb", "auto"),
        (3, "kana-only", "auto"),
        (4, "letters", "manual"),
    ]
    # the same rules again: nothing to do
    services = build_services(settings, clock)
    assert ensure_auto_tags(services.context) is None
    services.context.db.close()

    # new rules: every word's auto tags are computed again, the manual ones stay
    rules = [{"field": "english", "pattern": "^(to|the) ", "tags": ["starts-with-article"]}]
    changed = load_settings(database_path=path, timezone="UTC", auto_tag_rules=rules)
    services = build_services(changed, clock)
    assert ensure_auto_tags(services.context) == 4
    assert ensure_auto_tags(services.context) is None
    services.context.db.close()
    assert _tags(path) == [
        (2, "starts-with-article", "auto"),
        (4, "letters", "manual"),
        (4, "starts-with-article", "auto"),
    ]
    connection = sqlite3.connect(path)
    try:
        names = {row[0] for row in connection.execute("SELECT name FROM tags")}
    finally:
        connection.close()
    assert names == {"letters", "starts-with-article"}  # the tags no word carries are gone


def test_seeding_runs_the_backfill(tmp_path: Path, clock: FixedClock) -> None:
    path = _database_before_tags(tmp_path, clock)
    db = Database(path)
    migrations.apply(db, MIGRATIONS_DIR, clock)
    db.close()
    settings = load_settings(database_path=path, timezone="UTC")
    services = build_services(settings, clock, seeds_dir=FIXTURE_SEEDS)
    services.seeding.seed(FIXTURE_SEEDS)
    services.context.db.close()
    tagged = {word_id for word_id, _, _ in _tags(path)}
    connection = sqlite3.connect(path)
    try:
        every_word = {row[0] for row in connection.execute("SELECT id FROM words")}
    finally:
        connection.close()
    assert len(every_word) == 4 + 9  # the fixture's 食べる "to eat" was there already
    # the old words (ABC matches no rule) and the seeded ones
    assert tagged == every_word - {4}


def test_create_app_alone_does_not_touch_the_database(tmp_path: Path, clock: FixedClock) -> None:
    """The backfill runs in the app's start (lifespan), not when the app is built."""
    path = _database_before_tags(tmp_path, clock)
    db = Database(path)
    migrations.apply(db, MIGRATIONS_DIR, clock)
    db.close()
    services = build_services(load_settings(database_path=path, timezone="UTC"), clock)
    create_app(services.context.settings, services=services)
    assert _tags(path) == []
    services.context.db.close()
