"""How long an answer waits behind the weekly vacuum: incremental steps against a full VACUUM.

    .venv/bin/python bench/vacuum.py [--mb 16] [--live-rows 1000000]

Builds a database with LIVE_ROWS answer-sized rows (about a million reviews' worth) and MB
megabytes of freed pages, then for each way of vacuuming runs it
while a writer thread commits a small write transaction (an answer's size) every 2 ms,
and reports the writer's longest wait and 99th percentile, measured in the same run. Bounded:
the default database takes some seconds per way. A full VACUUM's time grows with the live
data (it copies all of it), the incremental steps' with the free pages only.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from lang_portal.database import Database
from lang_portal.repository import maintenance as maintenance_repo
from lang_portal.service.maintenance import enable_incremental_vacuum


def build(path: Path, megabytes: int, live_rows: int, incremental: bool) -> Database:
    db = Database(path, synchronous="full")
    if incremental:
        enable_incremental_vacuum(db)
    with db.write() as connection:
        connection.execute(
            "CREATE TABLE answers (id INTEGER PRIMARY KEY, word INTEGER, session INTEGER, "
            "correct INTEGER, at TEXT)"
        )
        connection.execute("CREATE INDEX answers_word ON answers (word, at)")
        connection.execute("CREATE TABLE filler (blob BLOB)")
        rows = megabytes * 1024 * 1024 // 3000
        connection.executemany(
            "INSERT INTO filler VALUES (?)", ((os.urandom(3000),) for _ in range(rows))
        )
        connection.executemany(
            "INSERT INTO answers (word, session, correct, at) VALUES (?, ?, ?, ?)",
            (
                (i % 1500, i // 20, i % 3 > 0, f"2026-01-01T00:00:{i:012d}Z")
                for i in range(live_rows)
            ),
        )
    with db.write() as connection:
        connection.execute("DROP TABLE filler")
    return db


def measure(db: Database, vacuum: Callable[[], None]) -> tuple[float, float, float, int]:
    waits: list[float] = []
    stop = threading.Event()

    def answer() -> None:
        while not stop.is_set():
            started = time.perf_counter()
            with db.write() as connection:
                connection.execute(
                    "INSERT INTO answers (word, session, correct, at) VALUES (1, 1, 1, 'x')"
                )
            waits.append(time.perf_counter() - started)
            time.sleep(0.002)  # answers arrive spaced; back to back, one thread hogs the lock

    writer = threading.Thread(target=answer)
    writer.start()
    time.sleep(0.2)
    started = time.perf_counter()
    vacuum()
    took = time.perf_counter() - started
    time.sleep(0.2)
    stop.set()
    writer.join()
    waits.sort()
    return took, waits[-1], waits[int(len(waits) * 0.99)], len(waits)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mb", type=int, default=16)
    parser.add_argument("--live-rows", type=int, default=1_000_000)
    parser.add_argument("--step-pages", type=int, default=64)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        incremental = build(
            Path(scratch) / "incremental.db", args.mb, args.live_rows, incremental=True
        )

        def steps() -> None:
            while True:
                with incremental.write() as connection:
                    before = maintenance_repo.free_pages(connection)
                    maintenance_repo.incremental_vacuum(connection, args.step_pages)
                    if maintenance_repo.free_pages(connection) in (0, before):
                        return

        idle = measure(incremental, lambda: time.sleep(0.3))
        inc = measure(incremental, steps)
        incremental.close()
        full_db = build(Path(scratch) / "full.db", args.mb, args.live_rows, incremental=False)
        full = measure(full_db, lambda: full_db.outside_transaction(maintenance_repo.vacuum))
        full_db.close()
    print(
        f"{args.live_rows} live rows, {args.mb} MB of free pages; "
        "writer: a small transaction every 2 ms"
    )
    print(f"{'':28}{'vacuum s':>10}{'longest wait ms':>17}{'p99 wait ms':>13}{'writes':>8}")
    for name, (took, longest, p99, count) in (
        ("no vacuum (0.3 s)", idle),
        (f"incremental ({args.step_pages} pages/step)", inc),
        ("full VACUUM", full),
    ):
        print(f"{name:28}{took:>10.2f}{longest * 1000:>17.1f}{p99 * 1000:>13.1f}{count:>8}")
    print(f"longest wait, full / incremental: {full[1] / inc[1]:.0f}x")


if __name__ == "__main__":
    main()
