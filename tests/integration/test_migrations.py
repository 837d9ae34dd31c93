"""Migrations: applied in order, recorded once, and an edited or unknown one refused."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from lang_portal.clock import FixedClock
from lang_portal.database import Database
from lang_portal.repository import migrations
from lang_portal.repository.migrations import MigrationError
from lang_portal.settings import MIGRATIONS_DIR


@pytest.fixture
def migration_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS_DIR, directory)
    return directory


@pytest.fixture
def db(tmp_path: Path) -> Database:
    return Database(tmp_path / "m.db")


def test_applied_once_and_recorded(db: Database, migration_dir: Path, clock: FixedClock) -> None:
    names = sorted(path.name for path in migration_dir.glob("*.sql"))
    assert migrations.apply(db, migration_dir, clock) == names
    assert migrations.apply(db, migration_dir, clock) == []
    status = migrations.status(db, migration_dir)
    assert [row.name for row in status] == names
    assert all(row.applied_at == "2026-01-15T09:00:00.000000Z" for row in status)
    with db.read() as connection:
        assert connection.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_new_migration_applies_in_order(
    db: Database, migration_dir: Path, clock: FixedClock
) -> None:
    migrations.apply(db, migration_dir, clock)
    (migration_dir / "9998_add_notes.sql").write_text("ALTER TABLE words ADD COLUMN notes TEXT;\n")
    (migration_dir / "9999_fill_notes.sql").write_text("UPDATE words SET notes = 'x';\n")
    assert migrations.apply(db, migration_dir, clock) == [
        "9998_add_notes.sql",
        "9999_fill_notes.sql",
    ]


def test_edited_migration_is_refused(db: Database, migration_dir: Path, clock: FixedClock) -> None:
    migrations.apply(db, migration_dir, clock)
    first = migration_dir / "0001_init.sql"
    first.write_text(first.read_text() + "\n-- a sneaky edit\n")
    with pytest.raises(MigrationError, match=re.escape("0001_init.sql was edited")):
        migrations.apply(db, migration_dir, clock)


def test_database_from_newer_release_is_refused(
    db: Database, migration_dir: Path, clock: FixedClock
) -> None:
    (migration_dir / "9999_future.sql").write_text("CREATE TABLE future (id INTEGER);\n")
    migrations.apply(db, migration_dir, clock)
    (migration_dir / "9999_future.sql").unlink()
    with pytest.raises(MigrationError, match=re.escape("does not know: 9999_future.sql")):
        migrations.apply(db, migration_dir, clock)


def test_failing_migration_rolls_back(db: Database, migration_dir: Path, clock: FixedClock) -> None:
    migrations.apply(db, migration_dir, clock)
    (migration_dir / "9999_broken.sql").write_text(
        "CREATE TABLE half_done (id INTEGER);\nINSERT INTO no_such_table VALUES (1);\n"
    )
    with pytest.raises(MigrationError, match=re.escape("9999_broken.sql failed")):
        migrations.apply(db, migration_dir, clock)
    with db.read() as connection:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
    assert "half_done" not in tables
    assert [row.applied_at is None for row in migrations.status(db, migration_dir)][-1]


def test_badly_named_file_is_refused(db: Database, migration_dir: Path, clock: FixedClock) -> None:
    (migration_dir / "add_stuff.sql").write_text("SELECT 1;\n")
    with pytest.raises(MigrationError, match=re.escape("NNNN_description.sql")):
        migrations.apply(db, migration_dir, clock)
