"""A whole history out and back in: `lang-portal export history` from a benchmark database,
`lang-portal import history` into an empty one, each timed with its peak memory (a process of
its own), and the derived state of the two databases compared table by table.

    python bench/transfer.py --reviews 1000000        # (run.py calls `round_trip` too)
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(BENCH))

import build_dataset  # noqa: E402

from lang_portal.repository.answers import DERIVED_TABLES  # noqa: E402

# Counters kept on rows of tables that are not derived as a whole (as the pipeline test has).
ROW_COUNTERS = {
    "words": "id, correct_count, wrong_count, last_reviewed_at",
    "study_sessions": "id, review_items_count, correct_count, created_at, ended_at",
}


@dataclass
class Step:
    seconds: float
    peak_memory_mb: float
    output: str


@dataclass
class RoundTrip:
    reviews: int
    file_mb: float
    export: Step
    import_: Step
    identical: bool
    differences: list[str]


# The command runs in this wrapper, which reports the process's own peak resident memory
# (VmHWM, reset by exec). ru_maxrss of a child is not it: Linux carries the parent's high-water
# mark across fork and exec, and this benchmark's parent holds a whole built dataset.
_WRAPPER = """
import sys
from lang_portal.cli import main
try:
    code = main(sys.argv[1:])
finally:
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            print("peak_kb=" + line.split()[1], file=sys.stderr)
sys.exit(code)
"""


def run_cli(database: Path, *args: str) -> Step:
    """A `lang-portal` command in a process of its own: wall time and peak resident memory."""
    env = {**os.environ, "DATABASE_PATH": str(database), "SRS_OPTIMIZE_EVERY": "0"}
    env["PYTHONPATH"] = str(ROOT / "src") + os.pathsep + env.get("PYTHONPATH", "")
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _WRAPPER, *args], env=env, capture_output=True, text=True
    )
    seconds = time.perf_counter() - started
    peak = [line for line in done.stderr.splitlines() if line.startswith("peak_kb=")]
    if done.returncode != 0 or not peak:
        raise RuntimeError(f"lang-portal {' '.join(args)} failed: {done.stderr.strip()}")
    peak_mb = int(peak[-1].split("=")[1]) / 1024
    return Step(round(seconds, 2), round(peak_mb, 1), done.stdout.strip())


def derived_state(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    connection = sqlite3.connect(path)
    try:
        state: dict[str, list[tuple[Any, ...]]] = {}
        for table in DERIVED_TABLES:
            rows = connection.execute(f"SELECT * FROM {table}").fetchall()
            state[table] = sorted(tuple(_rounded(v) for v in row) for row in rows)
        for table, columns in ROW_COUNTERS.items():
            state[table] = connection.execute(
                f"SELECT {columns} FROM {table} ORDER BY id"
            ).fetchall()
        return state
    finally:
        connection.close()


def _rounded(value: Any) -> Any:
    return round(value, 9) if isinstance(value, float) else value


def round_trip(source: Path, work: Path, reviews: int) -> RoundTrip:
    work.mkdir(parents=True, exist_ok=True)
    exported = work / "history.json"
    target = work / "imported.db"
    for path in (exported, target, Path(f"{target}-wal"), Path(f"{target}-shm")):
        path.unlink(missing_ok=True)
    export = run_cli(source, "export", "history", str(exported))
    run_cli(target, "migrate")
    import_ = run_cli(target, "import", "history", str(exported))
    before, after = derived_state(source), derived_state(target)
    differences = [
        f"{table}: {len(before[table])} rows vs {len(after[table])}"
        for table in before
        if before[table] != after[table]
    ]
    return RoundTrip(
        reviews=reviews,
        file_mb=round(exported.stat().st_size / 2**20, 1),
        export=export,
        import_=import_,
        identical=not differences,
        differences=differences,
    )


def source_database(data_dir: Path, reviews: int, seed: int) -> Path:
    """A benchmark history that ended two days ago: the live API never stores an answer in
    the future, and the import refuses one, so the history must lie in the past."""
    end = datetime.now(UTC).date() - timedelta(days=2)
    path = data_dir / f"transfer-{reviews}-s{seed}-{end.isoformat()}.db"
    if not path.exists():
        build_dataset.build(path, reviews=reviews, seed=seed, end_date=end)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reviews", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--data-dir", type=Path, default=BENCH / "data")
    args = parser.parse_args(argv)
    source = source_database(args.data_dir, args.reviews, args.seed)
    result = round_trip(source, args.data_dir / "transfer-work", args.reviews)
    for name, step in (("export", result.export), ("import", result.import_)):
        print(f"{name}: {step.seconds:.1f} s, peak memory {step.peak_memory_mb:.0f} MB")
    print(f"file {result.file_mb} MB; derived state identical: {result.identical}")
    for line in result.differences:
        print(f"  differs: {line}")
    print(asdict(result))
    return 0 if result.identical else 1


if __name__ == "__main__":
    sys.exit(main())
