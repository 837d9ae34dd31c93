"""Build a deterministic xAPI benchmark database: N statements stored by the LRS's own code.

The file is migrated with the project's migrations, then the statements go through
`StatementStore.write_prepared` (the write path a POST takes after validation) in large
transactions, so the filter index, the StatementRef rows and the activity definitions are
exactly what serving them one batch at a time would have left. What the statements look like
(`statement_for`) is shared with bench/run.py, whose filtered GETs ask for these values.

    python bench/build_xapi_dataset.py --statements 1000000 --out bench/data/xapi-heavy.db
"""

from __future__ import annotations

import argparse
import random
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from lang_portal.clock import FixedClock  # noqa: E402
from lang_portal.database import Database  # noqa: E402
from lang_portal.repository import migrations  # noqa: E402
from lang_portal.service.context import ServiceContext  # noqa: E402
from lang_portal.settings import MIGRATIONS_DIR, load_settings  # noqa: E402
from lang_portal.xapi.context import VERSION_1, Credential  # noqa: E402
from lang_portal.xapi.statement_store import StatementStore  # noqa: E402

LEARNERS = 2000
ACTIVITIES = 3000
COURSES = 20
STATEMENTS_PER_REGISTRATION = 25
VERBS = [
    "http://adlnet.gov/expapi/verbs/answered",
    "http://adlnet.gov/expapi/verbs/attempted",
    "http://adlnet.gov/expapi/verbs/completed",
    "http://adlnet.gov/expapi/verbs/experienced",
    "http://adlnet.gov/expapi/verbs/passed",
    "http://adlnet.gov/expapi/verbs/failed",
    "http://adlnet.gov/expapi/verbs/progressed",
    "http://adlnet.gov/expapi/verbs/interacted",
]
CHUNK = 10_000
BENCH_CREDENTIAL = Credential(username="bench", name="bench")


def learner(index: int) -> dict[str, Any]:
    return {
        "objectType": "Agent",
        "name": f"Learner {index}",
        "mbox": f"mailto:l{index}@school.example",
    }


def activity_id(index: int) -> str:
    return f"http://school.example/xapi/activities/quiz-{index}"


def registration(index: int, seed: int) -> str:
    return str(uuid.UUID(int=random.Random(seed * 1_000_003 + index).getrandbits(128), version=4))


def statement_for(number: int, rng: random.Random, seed: int) -> dict[str, Any]:
    """The `number`th statement of the dataset: a learner, a verb, a quiz, in a course."""
    activity = rng.randrange(ACTIVITIES)
    return {
        "actor": learner(rng.randrange(LEARNERS)),
        "verb": {"id": rng.choice(VERBS), "display": {"en-US": "did"}},
        "object": {
            "objectType": "Activity",
            "id": activity_id(activity),
            "definition": {
                "name": {"en-US": f"Quiz {activity}"},
                "type": "http://adlnet.gov/expapi/activities/assessment",
            },
        },
        "result": {"success": rng.random() < 0.8, "duration": f"PT{rng.randint(1, 90)}S"},
        "context": {
            "registration": registration(number // STATEMENTS_PER_REGISTRATION, seed),
            "contextActivities": {
                "grouping": [{"id": f"http://school.example/xapi/courses/{activity % COURSES}"}]
            },
        },
    }


def build(out: Path, *, statements: int, seed: int = 7) -> float:
    """Write the database; returns the seconds it took."""
    started = time.perf_counter()
    out.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{out}{suffix}").unlink(missing_ok=True)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    clock = FixedClock(start)
    settings = load_settings(database_path=out)
    db = Database(out, synchronous="normal")
    migrations.apply(db, MIGRATIONS_DIR, clock)
    store = StatementStore(ServiceContext(db=db, settings=settings, clock=clock))
    rng = random.Random(seed)
    with db.write() as connection:
        connection.execute("PRAGMA cache_size = -200000")
    number = 0
    while number < statements:
        size = min(CHUNK, statements - number)
        batch = []
        for _ in range(size):
            batch.append(
                store.prepare(statement_for(number, rng, seed), BENCH_CREDENTIAL, VERSION_1)
            )
            number += 1
        with db.write() as connection:
            store.write_prepared(connection, batch, {})
        clock.advance(seconds=size)  # one statement a second of `stored` time
        if number % 100_000 == 0:
            print(f"  {number:,} statements in {time.perf_counter() - started:.0f} s", flush=True)
    with db.write() as connection:
        connection.execute("ANALYZE")
    db.close()
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True, help="database file to (re)create")
    parser.add_argument("--statements", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    seconds = build(args.out, statements=args.statements, seed=args.seed)
    print(f"built {args.out}: {args.statements:,} statements in {seconds:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
