"""Backups taken while writers write, restored and checked; bad files refused."""

from __future__ import annotations

import gzip
import sqlite3
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from lang_portal import cli
from lang_portal.clock import FixedClock
from lang_portal.database import Database
from lang_portal.repository.migrations import discover
from lang_portal.service import backup
from lang_portal.service.backup import BackupError
from lang_portal.service.container import Services
from lang_portal.settings import MIGRATIONS_DIR, Settings

ALL_MIGRATIONS = sorted(migration.name for migration in discover(MIGRATIONS_DIR))
START = datetime(2026, 1, 15, 9, 0, 0, tzinfo=UTC)  # the `clock` fixture's time

WRITERS = 4


def _review_ids(path: Path) -> set[int]:
    connection = sqlite3.connect(path)
    try:
        return {row[0] for row in connection.execute("SELECT id FROM word_review_items")}
    finally:
        connection.close()


def _integrity(path: Path) -> str:
    connection = sqlite3.connect(path)
    try:
        return str(connection.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        connection.close()


def _word_ids(services: Services) -> list[int]:
    with services.context.db.read() as connection:
        return [row[0] for row in connection.execute("SELECT id FROM words ORDER BY id")]


def test_backup_under_concurrent_writes_restores_every_acknowledged_review(
    services: Services, settings: Settings, tmp_path: Path
) -> None:
    words = _word_ids(services)
    sessions = [services.study.create_session(1, 1).id for _ in range(WRITERS)]
    acknowledged: list[int] = []
    lock = threading.Lock()
    stop = threading.Event()
    enough_before = threading.Event()
    errors: list[BaseException] = []

    def writer(session_id: int) -> None:
        try:
            turn = 0
            while not stop.is_set():
                review = services.study.record_review(
                    session_id, words[turn % len(words)], turn % 3 != 0
                )
                turn += 1
                with lock:
                    acknowledged.append(review.review_id)
                    if len(acknowledged) >= 200:
                        enough_before.set()
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
            enough_before.set()

    threads = [threading.Thread(target=writer, args=(s,)) for s in sessions]
    for thread in threads:
        thread.start()
    try:
        assert enough_before.wait(timeout=30)
        with lock:
            before = set(acknowledged)
        # A second Database, as the `backup` command in another process would open.
        other = Database(settings.database_path)
        try:
            result = backup.take_backup(other, settings.backup_path, START, retention=5)
        finally:
            other.close()
        with lock:
            during_and_after = len(acknowledged)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
    assert errors == []
    assert during_and_after > len(before), "the writers kept writing while the backup ran"

    assert result.path.name == "lang-portal-20260115T090000Z.db.gz"
    assert result.path.parent == settings.backup_path

    restored_path = tmp_path / "restored" / "words.db"
    outcome = backup.restore(result.path, restored_path, tmp_path / "safety", MIGRATIONS_DIR, START)
    assert outcome.safety_copy is None  # nothing was there to keep
    assert outcome.migrations == ALL_MIGRATIONS
    assert _integrity(restored_path) == "ok"
    restored_ids = _review_ids(restored_path)
    assert before <= restored_ids
    # Nothing in the backup that was never written.
    assert restored_ids <= _review_ids(settings.database_path)


def _unpacked(backup_file: Path, target: Path) -> Path:
    target.write_bytes(gzip.decompress(backup_file.read_bytes()))
    return target


def _packed(source: Path, target: Path) -> Path:
    target.write_bytes(gzip.compress(source.read_bytes()))
    return target


def test_restore_replaces_the_database_and_keeps_a_safety_copy(
    services: Services, settings: Settings
) -> None:
    session_id = services.study.create_session(1, 1).id
    services.study.record_review(session_id, _word_ids(services)[0], True)
    taken = backup.take_backup(services.context.db, settings.backup_path, START)
    services.admin.reset_history()
    assert _review_ids(settings.database_path) == set()

    later = START + timedelta(minutes=5)
    outcome = backup.restore(
        taken.path, settings.database_path, settings.backup_path, MIGRATIONS_DIR, later
    )

    assert outcome.safety_copy == settings.backup_path / "pre-restore-20260115T090500Z.db.gz"
    assert outcome.safety_copy.is_file()
    # The running services see the restored content through their own connections.
    assert services.study.get_session(session_id).review_items_count == 1
    assert len(_review_ids(settings.database_path)) == 1
    # Safety copies are not backups: pruning leaves them alone.
    assert backup.list_backups(settings.backup_path) == [taken.path]


def test_corrupt_backup_is_refused_and_the_database_left_alone(
    services: Services, settings: Settings, tmp_path: Path
) -> None:
    taken = backup.take_backup(services.context.db, settings.backup_path, START)
    raw = _unpacked(taken.path, tmp_path / "raw.db")
    data = bytearray(raw.read_bytes())
    page_size = int.from_bytes(data[16:18], "big")
    # Scribble over every page after the first: the header stays readable, the b-trees do not.
    for offset in range(page_size, len(data), page_size):
        data[offset : offset + 64] = b"\xa5" * 64
    raw.write_bytes(bytes(data))
    corrupt = _packed(raw, tmp_path / "corrupt.db.gz")
    before = _review_ids(settings.database_path), _word_ids(services)

    with pytest.raises(BackupError, match=r"integrity check failed|not a readable SQLite"):
        backup.restore(corrupt, settings.database_path, settings.backup_path, MIGRATIONS_DIR, START)

    assert (_review_ids(settings.database_path), _word_ids(services)) == before
    assert list(settings.backup_path.glob("pre-restore-*")) == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not a backup at all", "neither a gzip backup nor a SQLite database"),
        (gzip.compress(b"SQLite format 3\x00" + b"\x00" * 80)[:30], "damaged"),
        (gzip.compress(b"plain text, gzipped"), "not a readable SQLite database"),
    ],
)
def test_files_that_are_not_backups_are_refused(
    services: Services, settings: Settings, tmp_path: Path, content: bytes, message: str
) -> None:
    bad = tmp_path / "bad.db.gz"
    bad.write_bytes(content)
    with pytest.raises(BackupError, match=message):
        backup.restore(bad, settings.database_path, settings.backup_path, MIGRATIONS_DIR, START)


def test_backup_from_a_newer_schema_is_refused(
    services: Services, settings: Settings, tmp_path: Path
) -> None:
    taken = backup.take_backup(services.context.db, settings.backup_path, START)
    raw = _unpacked(taken.path, tmp_path / "raw.db")
    connection = sqlite3.connect(raw)
    with connection:
        connection.execute(
            "INSERT INTO schema_migrations VALUES ('0999_from_the_future.sql', 'x', 'now')"
        )
    connection.close()
    newer = _packed(raw, tmp_path / "newer.db.gz")

    with pytest.raises(BackupError, match=r"newer schema.*0999_from_the_future\.sql"):
        backup.restore(newer, settings.database_path, settings.backup_path, MIGRATIONS_DIR, START)


def test_restore_refuses_what_is_not_a_regular_file(
    services: Services, settings: Settings, tmp_path: Path
) -> None:
    with pytest.raises(BackupError, match="not a regular file"):
        backup.restore(tmp_path, settings.database_path, tmp_path, MIGRATIONS_DIR, START)
    with pytest.raises(BackupError, match="no such file"):
        backup.restore(
            tmp_path / "missing" / ".." / "nothing.db.gz",
            settings.database_path,
            tmp_path,
            MIGRATIONS_DIR,
            START,
        )


def test_old_backups_are_pruned_beyond_the_retention(
    services: Services, settings: Settings
) -> None:
    clock = FixedClock(START)
    taken = []
    for _ in range(4):
        taken.append(
            backup.take_backup(services.context.db, settings.backup_path, clock.now(), retention=2)
        )
        clock.advance(hours=6)
    assert backup.list_backups(settings.backup_path) == [taken[2].path, taken[3].path]
    assert [len(result.pruned) for result in taken] == [0, 0, 1, 1]
    # Two backups in the same second both survive, under distinct names.
    same = backup.take_backup(services.context.db, settings.backup_path, clock.now(), retention=9)
    again = backup.take_backup(services.context.db, settings.backup_path, clock.now(), retention=9)
    assert same.path != again.path
    assert again.path.name.endswith("-2.db.gz")


def test_only_one_process_holds_the_schedule(tmp_path: Path) -> None:
    with backup.scheduler_lock(tmp_path) as first, backup.scheduler_lock(tmp_path) as second:
        assert (first, second) == (True, False)
    with backup.scheduler_lock(tmp_path) as after_release:
        assert after_release is True


def _run_cli(monkeypatch: pytest.MonkeyPatch, settings: Settings, *argv: str) -> int:
    monkeypatch.setenv("DATABASE_PATH", str(settings.database_path))
    monkeypatch.setenv("BACKUP_PATH", str(settings.backup_path))
    return cli.main(list(argv))


def test_cli_backup_and_restore(
    services: Services,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    session_id = services.study.create_session(1, 1).id
    services.study.record_review(session_id, _word_ids(services)[0], True)

    assert _run_cli(monkeypatch, settings, "backup") == 0
    (written,) = backup.list_backups(settings.backup_path)
    assert f"backup written to {written}" in capsys.readouterr().out

    services.admin.reset_history()
    assert _run_cli(monkeypatch, settings, "restore", str(written)) == 1
    assert "pass --yes" in capsys.readouterr().err
    assert _review_ids(settings.database_path) == set()

    assert _run_cli(monkeypatch, settings, "restore", str(written), "--yes") == 0
    assert "the previous database was saved to" in capsys.readouterr().out
    assert len(_review_ids(settings.database_path)) == 1


def test_migrate_backs_up_before_applying(
    services: Services,
    settings: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    directory = tmp_path / "migrations"
    directory.mkdir()
    for migration in MIGRATIONS_DIR.glob("*.sql"):
        (directory / migration.name).write_text(migration.read_text(encoding="utf-8"))
    (directory / "0999_extra.sql").write_text("CREATE TABLE extra (id INTEGER PRIMARY KEY);\n")
    monkeypatch.setattr(cli, "_migrations_dir", lambda: directory)

    assert _run_cli(monkeypatch, settings, "migrate") == 0
    (taken,) = backup.list_backups(settings.backup_path)
    output = capsys.readouterr().out
    assert f"backed up to {taken} before migrating" in output
    assert "applied 0999_extra.sql" in output
    # The backup holds the schema as it was before the migration.
    before_migration = _unpacked(taken, tmp_path / "check.db")
    assert backup.check_schema(before_migration, directory) == ALL_MIGRATIONS

    # Nothing pending: no backup.
    assert _run_cli(monkeypatch, settings, "migrate") == 0
    assert len(backup.list_backups(settings.backup_path)) == 1
