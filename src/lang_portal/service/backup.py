"""Backups and restores of the SQLite database, and the server's backup schedule.

A backup is SQLite's online backup (one consistent moment, taken while the server reads and
writes), checked with `PRAGMA integrity_check`, gzip-compressed, written under a temporary name
and linked into place, named by its UTC time (`lang-portal-20261127T031800Z.db.gz`); backups
beyond BACKUP_RETENTION are deleted, oldest first. A restore checks the file the same way,
refuses a database whose schema this release does not know, keeps a safety copy of the current
database (`pre-restore-...db.gz`), then replaces the content through the backup API in one
transaction, so a running server sees the old database or the new one, never a mix.
"""

from __future__ import annotations

import gzip
import logging
import os
import re
import shutil
import sqlite3
import stat
import tempfile
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from lang_portal.database import Database, DatabaseUnavailableError
from lang_portal.repository import migrations as migration_repo
from lang_portal.repository import ops as ops_repo

logger = logging.getLogger("lang_portal.backup")

BACKUP_PREFIX = "lang-portal"
SAFETY_PREFIX = "pre-restore"
_NAME = re.compile(r"^(?P<prefix>[a-z-]+)-(?P<time>\d{8}T\d{6}Z)(?:-(?P<n>\d+))?\.db\.gz$")
_TIME_FORMAT = "%Y%m%dT%H%M%SZ"
_GZIP_MAGIC = b"\x1f\x8b"
_SQLITE_MAGIC = b"SQLite format 3\x00"


class BackupError(Exception):
    """A backup could not be taken, or a file cannot be restored; the message says why."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size_bytes: int
    pruned: list[Path] = field(default_factory=list)


@dataclass(frozen=True)
class RestoreResult:
    restored_from: Path
    safety_copy: Path | None
    migrations: list[str]


def backup_name(prefix: str, moment: datetime, sequence: int = 1) -> str:
    suffix = f"-{sequence}" if sequence > 1 else ""
    return f"{prefix}-{moment.astimezone(UTC).strftime(_TIME_FORMAT)}{suffix}.db.gz"


def list_backups(directory: Path, prefix: str = BACKUP_PREFIX) -> list[Path]:
    """This directory's backups with `prefix`, oldest first (by the time in their names)."""
    if not directory.is_dir():
        return []
    found: list[tuple[str, int, Path]] = []
    for path in directory.iterdir():
        match = _NAME.match(path.name)
        if match and match["prefix"] == prefix and path.is_file():
            found.append((match["time"], int(match["n"] or 1), path))
    return [path for _, _, path in sorted(found)]


def prune(directory: Path, retention: int) -> list[Path]:
    """Delete all but the newest `retention` backups; safety copies are never pruned."""
    backups = list_backups(directory)
    doomed = backups[: max(0, len(backups) - retention)]
    for path in doomed:
        path.unlink(missing_ok=True)
    return doomed


def _fsync_directory(directory: Path) -> None:
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _check_database_file(path: Path) -> None:
    """Refuse a file that SQLite cannot read or whose integrity check finds problems."""
    database = Database(path)
    try:
        with database.read() as connection:
            problems = ops_repo.integrity_problems(connection)
    except (DatabaseUnavailableError, sqlite3.DatabaseError) as exc:
        raise BackupError(f"{path.name} is not a readable SQLite database ({exc})") from exc
    finally:
        database.close()
    if problems:
        raise BackupError("integrity check failed: " + "; ".join(problems[:5]))


def _compress_into_place(raw: Path, directory: Path, prefix: str, moment: datetime) -> Path:
    partial = raw.with_suffix(".gz.partial")
    with raw.open("rb") as source, gzip.open(partial, "wb", compresslevel=6) as target:
        shutil.copyfileobj(source, target, 1 << 20)
    with partial.open("rb") as written:
        os.fsync(written.fileno())
    # A hard link never replaces an existing file: two backups in one second get -2, -3, ...
    sequence = 1
    while True:
        target_path = directory / backup_name(prefix, moment, sequence)
        try:
            os.link(partial, target_path)
            break
        except FileExistsError:
            sequence += 1
    partial.unlink()
    _fsync_directory(directory)
    return target_path


def take_backup(
    db: Database,
    directory: Path,
    moment: datetime,
    *,
    retention: int | None = None,
    prefix: str = BACKUP_PREFIX,
) -> BackupResult:
    directory.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=directory, prefix=".tmp-backup-") as scratch:
        raw = Path(scratch) / "backup.db"
        db.backup_to(raw)
        _check_database_file(raw)
        path = _compress_into_place(raw, directory, prefix, moment)
    pruned = prune(directory, retention) if retention is not None else []
    return BackupResult(path=path, size_bytes=path.stat().st_size, pruned=pruned)


def _regular_file(argument: Path) -> Path:
    try:
        path = argument.expanduser().resolve(strict=True)
    except (FileNotFoundError, RuntimeError) as exc:
        raise BackupError(f"{argument}: no such file") from exc
    mode = path.stat().st_mode
    if not stat.S_ISREG(mode):
        raise BackupError(f"{argument}: not a regular file")
    return path


def _unpack(source: Path, target: Path) -> None:
    with source.open("rb") as handle:
        head = handle.read(len(_SQLITE_MAGIC))
    try:
        if head.startswith(_GZIP_MAGIC):
            with gzip.open(source, "rb") as packed, target.open("wb") as unpacked:
                shutil.copyfileobj(packed, unpacked, 1 << 20)
        elif head == _SQLITE_MAGIC:
            shutil.copyfile(source, target)
        else:
            raise BackupError(f"{source.name} is neither a gzip backup nor a SQLite database")
    except (OSError, EOFError, zlib.error) as exc:
        raise BackupError(f"{source.name} is damaged: {exc}") from exc


def check_schema(candidate: Path, migrations_dir: Path) -> list[str]:
    """The candidate's recorded migrations; refused if this release does not know them all."""
    known = {m.name: m.checksum for m in migration_repo.discover(migrations_dir)}
    database = Database(candidate)
    try:
        with database.read() as connection:
            recorded = ops_repo.recorded_migrations(connection)
    except (DatabaseUnavailableError, sqlite3.DatabaseError) as exc:
        raise BackupError(f"cannot read the backup's schema: {exc}") from exc
    finally:
        database.close()
    if not recorded:
        raise BackupError(f"{candidate.name} holds no lang-portal schema (no schema_migrations)")
    newer = sorted(set(recorded) - set(known))
    if newer:
        raise BackupError(
            "the backup comes from a newer schema than this release knows ("
            + ", ".join(newer)
            + "); restore it with the release that made it"
        )
    edited = sorted(name for name, checksum in recorded.items() if known[name] != checksum)
    if edited:
        raise BackupError(
            "the backup's migrations differ from this release's: " + ", ".join(edited)
        )
    return sorted(recorded)


def _safety_copy(db_path: Path, directory: Path, moment: datetime) -> Path | None:
    if not db_path.exists() or db_path.stat().st_size == 0:
        return None
    database = Database(db_path)
    try:
        return take_backup(database, directory, moment, prefix=SAFETY_PREFIX).path
    except (BackupError, DatabaseUnavailableError) as exc:
        # The live file may be the damaged one we are recovering from: keep its bytes as they are.
        logger.warning("safety backup failed (%s); copying the files instead", exc)
        stamp = moment.astimezone(UTC).strftime(_TIME_FORMAT)
        kept = directory / f"{SAFETY_PREFIX}-{stamp}-raw"
        kept.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal"):
            part = db_path.with_name(db_path.name + suffix)
            if part.exists():
                shutil.copy2(part, kept / part.name)
        return kept
    finally:
        database.close()


def restore(
    source: Path, db_path: Path, backup_dir: Path, migrations_dir: Path, moment: datetime
) -> RestoreResult:
    path = _regular_file(source)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=db_path.parent, prefix=".tmp-restore-") as scratch:
        candidate = Path(scratch) / "restore.db"
        _unpack(path, candidate)
        _check_database_file(candidate)
        applied = check_schema(candidate, migrations_dir)
        backup_dir.mkdir(parents=True, exist_ok=True)
        safety = _safety_copy(db_path, backup_dir, moment)
        live = Database(db_path)
        try:
            live.restore_from(candidate)
            with live.read() as connection:
                problems = ops_repo.integrity_problems(connection)
        finally:
            live.close()
    if problems:
        raise BackupError("the restored database fails its integrity check: " + "; ".join(problems))
    return RestoreResult(restored_from=path, safety_copy=safety, migrations=applied)
