"""Analytics memoised until the database changes, by this process or another."""

from __future__ import annotations

from pathlib import Path

from lang_portal.database import Database
from lang_portal.service.context import VersionMemo


def test_memo_holds_until_any_commit(tmp_path: Path) -> None:
    db = Database(tmp_path / "m.db")
    other_process = Database(tmp_path / "m.db")
    with db.write() as connection:
        connection.execute("CREATE TABLE t (n INTEGER)")
    memo = VersionMemo(db)
    calls: list[int] = []

    def compute() -> int:
        calls.append(1)
        with db.read() as connection:
            return int(connection.execute("SELECT count(*) FROM t").fetchone()[0])

    assert memo.get("count", compute) == 0
    assert memo.get("count", compute) == 0
    assert len(calls) == 1
    with other_process.write() as connection:
        connection.execute("INSERT INTO t VALUES (1)")
    assert memo.get("count", compute) == 1
    assert len(calls) == 2
    with db.write() as connection:
        connection.execute("INSERT INTO t VALUES (2)")
    assert memo.get("count", compute) == 2
    assert memo.get("other", lambda: -1) == -1
    db.close()
    other_process.close()


def test_memo_stays_bounded(tmp_path: Path) -> None:
    db = Database(tmp_path / "m.db")
    with db.write() as connection:
        connection.execute("CREATE TABLE t (n INTEGER)")
    memo = VersionMemo(db)
    for key in range(VersionMemo.MAX_ENTRIES * 3):
        assert memo.get(key, lambda key=key: key * 2) == key * 2
    assert len(memo._entries) <= VersionMemo.MAX_ENTRIES
    db.close()
