"""Group commit: writes queued together share one transaction and one COMMIT, each in its own
savepoint, and every caller returns only after the COMMIT that holds its work."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from lang_portal.database import Database


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = Database(tmp_path / "g.db")
    with database.write() as connection:
        connection.execute("CREATE TABLE parent (id INTEGER PRIMARY KEY)")
        connection.execute(
            "CREATE TABLE t (n INTEGER PRIMARY KEY, parent INTEGER REFERENCES parent (id))"
        )
    yield database
    database.close()


def commits_seen(db: Database) -> list[str]:
    seen: list[str] = []
    with db.write() as connection:
        connection.set_trace_callback(seen.append)
    seen.clear()  # the COMMIT of the write above
    return seen


def rows(db: Database) -> list[int]:
    with db.read() as connection:
        return [row[0] for row in connection.execute("SELECT n FROM t ORDER BY n")]


def insert(n: int) -> Callable[[sqlite3.Connection], int]:
    def work(connection: sqlite3.Connection) -> int:
        connection.execute("INSERT INTO t (n) VALUES (?)", (n,))
        return n

    return work


def refused(connection: sqlite3.Connection) -> int:
    connection.execute("INSERT INTO t (n) VALUES (1000)")
    raise ValueError("this write is refused")


def run_as_one_group(
    db: Database, works: list[Callable[[sqlite3.Connection], int]]
) -> list[object]:
    """Queue every work while the writer is busy, so that they are run as one group."""
    outcomes: list[object] = [None] * len(works)

    def call(index: int) -> None:
        try:
            outcomes[index] = db.write_grouped(works[index])
        except Exception as exc:
            outcomes[index] = exc

    with db._write_lock:  # the writer is busy: callers queue
        threads = [threading.Thread(target=call, args=(i,)) for i in range(len(works))]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 10
        while len(db._pending) < len(works):
            assert time.monotonic() < deadline, "callers did not queue"
            time.sleep(0.001)
    for thread in threads:
        thread.join(10)
    return outcomes


def test_queued_writes_share_one_commit(db: Database) -> None:
    seen = commits_seen(db)
    outcomes = run_as_one_group(db, [insert(n) for n in range(1, 9)])
    assert outcomes == list(range(1, 9))
    assert rows(db) == list(range(1, 9))
    assert seen.count("COMMIT") == 1
    assert seen.count("SAVEPOINT grouped_write") == 8


def test_a_refused_write_is_rolled_back_alone(db: Database) -> None:
    outcomes = run_as_one_group(db, [insert(1), refused, insert(3)])
    assert outcomes[0] == 1 and outcomes[2] == 3
    assert isinstance(outcomes[1], ValueError)
    assert rows(db) == [1, 3]  # 1000, written before the refusal, went with it


def test_a_failed_commit_fails_every_write_of_the_group(db: Database) -> None:
    def breaks_the_commit(connection: sqlite3.Connection) -> int:
        # a deferred foreign key is checked at COMMIT: the whole group's COMMIT fails
        connection.execute("PRAGMA defer_foreign_keys = ON")
        connection.execute("INSERT INTO t (n, parent) VALUES (50, 999)")
        return 50

    outcomes = run_as_one_group(db, [insert(1), breaks_the_commit, insert(3)])
    assert all(isinstance(outcome, sqlite3.IntegrityError) for outcome in outcomes), outcomes
    assert rows(db) == []
    # the writer is usable afterwards
    assert db.write_grouped(insert(7)) == 7
    assert rows(db) == [7]


def test_many_writers_lose_nothing_and_group_their_commits(db: Database) -> None:
    seen = commits_seen(db)
    errors: list[BaseException] = []

    def writer(base: int) -> None:
        try:
            for i in range(50):
                db.write_grouped(insert(base + i))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(k * 1000,)) for k in range(1, 9)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert len(rows(db)) == 400
    assert seen.count("COMMIT") <= 400
