"""Numbered `.sql` migrations, applied in file-name order, each once, each in a transaction."""

from __future__ import annotations

import hashlib
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from lang_portal.clock import Clock, to_stored
from lang_portal.database import Database

MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")

_CREATE_LEDGER = """
CREATE TABLE IF NOT EXISTS schema_migrations (
    version     TEXT PRIMARY KEY,
    checksum    TEXT NOT NULL,
    applied_at  TEXT NOT NULL
)
"""


class MigrationError(Exception):
    """The migrations on disk and the ones recorded in the database disagree, or one failed."""


@dataclass(frozen=True)
class Migration:
    name: str
    sql: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.sql.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class MigrationStatus:
    name: str
    applied_at: str | None


def discover(directory: Path) -> list[Migration]:
    if not directory.is_dir():
        raise MigrationError(f"migrations directory {directory} does not exist")
    migrations = []
    for path in sorted(directory.glob("*.sql")):
        if not MIGRATION_NAME.match(path.name):
            raise MigrationError(f"{path.name}: migration files must be named NNNN_description.sql")
        migrations.append(Migration(path.name, path.read_text(encoding="utf-8")))
    numbers = [m.name[:4] for m in migrations]
    duplicates = sorted({n for n in numbers if numbers.count(n) > 1})
    if duplicates:
        raise MigrationError(f"two migrations share the number {', '.join(duplicates)}")
    return migrations


def _recorded(connection: sqlite3.Connection) -> dict[str, tuple[str, str]]:
    connection.execute(_CREATE_LEDGER)
    rows = connection.execute("SELECT version, checksum, applied_at FROM schema_migrations")
    return {row[0]: (row[1], row[2]) for row in rows}


def _check_history(migrations: list[Migration], recorded: dict[str, tuple[str, str]]) -> None:
    known = {m.name for m in migrations}
    unknown = sorted(set(recorded) - known)
    if unknown:
        raise MigrationError(
            "the database has migrations this version of lang-portal does not know: "
            + ", ".join(unknown)
            + " (is it from a newer release?)"
        )
    for migration in migrations:
        if migration.name in recorded and recorded[migration.name][0] != migration.checksum:
            raise MigrationError(
                f"{migration.name} was edited after it was applied; add a new migration "
                "instead of changing an applied one"
            )


def status(db: Database, directory: Path) -> list[MigrationStatus]:
    migrations = discover(directory)
    with db.write() as connection:
        recorded = _recorded(connection)
    _check_history(migrations, recorded)
    return [
        MigrationStatus(m.name, recorded[m.name][1] if m.name in recorded else None)
        for m in migrations
    ]


def pending(db: Database, directory: Path) -> list[Migration]:
    migrations = discover(directory)
    with db.write() as connection:
        recorded = _recorded(connection)
    _check_history(migrations, recorded)
    return [m for m in migrations if m.name not in recorded]


def apply(db: Database, directory: Path, clock: Clock) -> list[str]:
    """Apply every pending migration; returns the names applied, in order."""
    applied: list[str] = []
    for migration in pending(db, directory):
        with db.write() as connection:
            # Re-check inside the write lock: another process may have applied it meanwhile.
            if migration.name in _recorded(connection):
                continue
            try:
                for statement in _statements(migration.sql):
                    connection.execute(statement)
            except sqlite3.Error as exc:
                raise MigrationError(f"{migration.name} failed: {exc}") from exc
            connection.execute(
                "INSERT INTO schema_migrations (version, checksum, applied_at) VALUES (?, ?, ?)",
                (migration.name, migration.checksum, to_stored(clock.now())),
            )
        applied.append(migration.name)
    return applied


def _statements(script: str) -> list[str]:
    """Split a script into complete statements (triggers hold inner semicolons)."""
    statements: list[str] = []
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip():
                statements.append(buffer.strip())
            buffer = ""
    if buffer.strip() and not all(
        part.strip().startswith("--") or not part.strip() for part in buffer.splitlines()
    ):
        raise MigrationError("migration ends with an incomplete statement")
    return statements
