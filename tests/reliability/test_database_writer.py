"""The single writer survives a COMMIT that fails: the next write goes in."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from lang_portal.database import Database


def test_a_failed_commit_leaves_no_transaction_open(tmp_path: Path) -> None:
    db = Database(tmp_path / "w.db")
    with db.write() as connection:
        connection.execute("CREATE TABLE parent (id INTEGER PRIMARY KEY)")
        connection.execute("CREATE TABLE child (parent_id INTEGER REFERENCES parent (id))")

    # A deferred foreign key is checked at COMMIT: the commit itself fails.
    with pytest.raises(sqlite3.IntegrityError), db.write() as connection:
        connection.execute("PRAGMA defer_foreign_keys = ON")
        connection.execute("INSERT INTO child VALUES (42)")

    with db.write() as connection:
        connection.execute("INSERT INTO parent VALUES (1)")
    with db.read() as connection:
        assert connection.execute("SELECT count(*) FROM child").fetchone()[0] == 0
        assert connection.execute("SELECT count(*) FROM parent").fetchone()[0] == 1
    assert db.write_problem() is None  # a constraint is no storage fault
    db.close()
