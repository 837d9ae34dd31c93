"""The memo keyed on the data version: values hold until any commit, by this process or another."""

from __future__ import annotations

from pathlib import Path

from lang_portal.database import Database
from lang_portal.memo import VersionMemo


def test_memo_holds_until_any_commit(tmp_path: Path) -> None:
    db = Database(tmp_path / "m.db")
    other_process = Database(tmp_path / "m.db")
    with db.write() as connection:
        connection.execute("CREATE TABLE t (n INTEGER)")
    memo: VersionMemo[str, int] = VersionMemo(budget=64)
    calls: list[int] = []

    def compute() -> int:
        calls.append(1)
        with db.read() as connection:
            return int(connection.execute("SELECT count(*) FROM t").fetchone()[0])

    assert memo.get_or_compute("count", db.data_version(), compute) == 0
    assert memo.get_or_compute("count", db.data_version(), compute) == 0
    assert len(calls) == 1
    with other_process.write() as connection:
        connection.execute("INSERT INTO t VALUES (1)")
    assert memo.get_or_compute("count", db.data_version(), compute) == 1
    assert len(calls) == 2
    with db.write() as connection:
        connection.execute("INSERT INTO t VALUES (2)")
    assert memo.get_or_compute("count", db.data_version(), compute) == 2
    assert memo.get_or_compute("other", db.data_version(), lambda: -1) == -1
    db.close()
    other_process.close()


def test_memo_stays_bounded(tmp_path: Path) -> None:
    db = Database(tmp_path / "m.db")
    with db.write() as connection:
        connection.execute("CREATE TABLE t (n INTEGER)")
    memo: VersionMemo[int, int] = VersionMemo(budget=8)
    for key in range(8 * 3):
        assert memo.get_or_compute(key, db.data_version(), lambda key=key: key * 2) == key * 2
    assert len(memo) == 8
    # the least recently used went first
    assert memo.get(8 * 3 - 1, db.data_version()) == (8 * 3 - 1) * 2
    assert memo.get(0, db.data_version()) is None
    db.close()
