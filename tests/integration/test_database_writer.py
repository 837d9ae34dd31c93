"""The single writer: writers of several processes queue on a file lock, not on sleeps."""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
from pathlib import Path

import pytest

from lang_portal.database import Database


def try_lock(path: Path) -> bool:
    """Whether another process could take the writer lock right now."""
    fd = os.open(path, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return True
    finally:
        os.close(fd)


def test_a_write_holds_the_process_lock_until_commit(tmp_path: Path) -> None:
    db = Database(tmp_path / "w.db")
    with db.write() as connection:
        connection.execute("CREATE TABLE t (n INTEGER)")
        assert not try_lock(db.process_lock_path)
    assert try_lock(db.process_lock_path)
    db.close()


def test_writers_of_two_connections_both_commit(tmp_path: Path) -> None:
    first = Database(tmp_path / "w.db")
    second = Database(tmp_path / "w.db")  # stands for another worker process
    with first.write() as connection:
        connection.execute("CREATE TABLE t (n INTEGER)")

    def write_many(db: Database, offset: int) -> None:
        for n in range(200):
            with db.write() as connection:
                connection.execute("INSERT INTO t VALUES (?)", (offset + n,))

    threads = [
        threading.Thread(target=write_many, args=(first, 0)),
        threading.Thread(target=write_many, args=(second, 1000)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with first.read() as connection:
        assert connection.execute("SELECT count(*) FROM t").fetchone()[0] == 400
    first.close()
    second.close()


def test_lock_is_released_after_a_failed_write(tmp_path: Path) -> None:
    db = Database(tmp_path / "w.db")
    with pytest.raises(sqlite3.OperationalError), db.write() as connection:
        connection.execute("SELECT * FROM no_such_table")
    assert try_lock(db.process_lock_path)
    db.close()


@pytest.mark.parametrize(("setting", "pragma"), [("full", 2), ("NORMAL", 1)])
def test_synchronous_setting_reaches_the_writer(tmp_path: Path, setting: str, pragma: int) -> None:
    from lang_portal.app import build_services
    from lang_portal.settings import load_settings

    services = build_services(
        load_settings(database_path=tmp_path / "s.db", database_synchronous=setting)
    )
    with services.context.db.write() as connection:
        assert connection.execute("PRAGMA synchronous").fetchone()[0] == pragma
    services.context.db.close()
