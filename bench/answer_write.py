"""Where one review POST's server CPU goes: the whole request against its parts, in one run.

    .venv/bin/python bench/answer_write.py [--answers 3000] [--dataset bench/data/heavy-...db]

On a copy of a benchmark dataset (bench/run.py builds them; default: the newest heavy one in
bench/data/), the production app (`create_app`, every middleware) answers GET /health and then
ANSWERS review POSTs, one after another, called as ASGI in one thread: the thread-pool hop is
made inline so that every part is timed on the same thread (`time.thread_time`). Reported per
answer: the request, the write (`Database.write_grouped`: the pipeline and its COMMIT), the
pipeline (`AnswerPipeline.record`), its derived tables (`Derivation.flush`) and the answer's
xAPI statement (the pipeline's statement writer), each also as a share of the request, and
`GET /health` as the stack's floor. One commit per answer (no concurrent answers to group),
at `DATABASE_SYNCHRONOUS` as set (default full).

`--statements-only`: the pipeline's statement writer alone, called directly for ANSWERS
answers of session 1 (random words), 20 per write transaction: CPU per statement written.

The parts are found by name, so the same script measures another checkout of the code:
`PYTHONPATH=../other/src .venv/bin/python bench/answer_write.py` (a before/after pair).
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import functools
import logging
import os
import random
import shutil
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if not any(Path(p).resolve() == ROOT / "src" for p in sys.path if p):
    sys.path.append(str(ROOT / "src"))

SPENT: collections.Counter[str] = collections.Counter()


def timed(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.thread_time()
        try:
            return function(*args, **kwargs)
        finally:
            SPENT[name] += time.thread_time() - started

    return wrapper


def newest_heavy() -> Path:
    found = sorted((ROOT / "bench" / "data").glob("heavy-1000000-*.db"))
    if not found:
        raise SystemExit("no heavy dataset in bench/data: run bench/run.py once, or --dataset")
    return found[-1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--answers", type=int, default=3000)
    parser.add_argument("--dataset", type=Path)
    parser.add_argument("--statements-only", action="store_true")
    args = parser.parse_args()
    source = args.dataset or newest_heavy()
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder) / "answers.db"
        shutil.copyfile(source, work)
        os.environ.update(
            DATABASE_PATH=str(work),
            TIMEZONE="UTC",
            RATE_LIMIT_ENABLED="false",
            SRS_OPTIMIZE_EVERY="0",
            LOG_LEVEL="WARNING",
        )
        if args.statements_only:
            measure_statements(work, args.answers, source)
        else:
            asyncio.run(measure(work, args.answers, source))
    return 0


def measure_statements(work: Path, count: int, source: Path) -> None:
    from datetime import UTC, datetime

    import lang_portal
    from lang_portal.app import create_app
    from lang_portal.service import answers
    from lang_portal.settings import load_settings

    app = create_app(load_settings())
    logging.disable(logging.CRITICAL)
    services = app.state.services
    writer = services.answers.statement_writer
    with sqlite3.connect(work) as connection:
        session = connection.execute(
            "SELECT registration, group_id, study_activity_id FROM study_sessions WHERE id = 1"
        ).fetchone()
        words = [row[0] for row in connection.execute("SELECT id FROM words")]
    setting_type = getattr(answers, "AnswerSetting", None)  # None: a checkout before it
    rng = random.Random(7)
    items: list[Any] = []
    for index in range(count + count // 10):
        recorded = answers.RecordedAnswer(
            review_id=index + 1, session_id=1, word_id=rng.choice(words), correct=True,
            duration_ms=None, answered_at=datetime.now(UTC), source="portal",
        )  # fmt: skip
        if setting_type is None:
            items.append(recorded)
        else:
            registration, group_id, activity_id = session
            items.append(
                (recorded, setting_type(registration, group_id, activity_id, "語", "word"))
            )

    def run(chunk: list[Any]) -> None:
        for start in range(0, len(chunk), 20):
            with services.context.db.write() as connection:
                for item in chunk[start : start + 20]:
                    writer(connection, [item])

    run(items[: count // 10])
    started = time.thread_time()
    run(items[count // 10 :])
    spent = (time.thread_time() - started) / count
    print(f"code: {Path(lang_portal.__file__).parent}; dataset: {source.name}; "
          f"{count} statements, load average {os.getloadavg()[0]:.2f}")  # fmt: skip
    print(f"  {'a portal answer statement written':34} {spent * 1e6:7.0f} us (20 per commit)")


async def measure(work: Path, count: int, source: Path) -> None:
    import fastapi.routing

    async def inline(function: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
        return function(*args, **kwargs)

    fastapi.routing.run_in_threadpool = inline  # type: ignore[assignment]

    import lang_portal
    from lang_portal.app import create_app
    from lang_portal.database import Database
    from lang_portal.service import answers
    from lang_portal.settings import load_settings

    app = create_app(load_settings())
    logging.disable(logging.CRITICAL if os.environ.get("QUIET", "1") == "1" else logging.NOTSET)
    services = app.state.services
    rng = random.Random(7)
    with sqlite3.connect(work) as connection:
        groups = [row[0] for row in connection.execute("SELECT id FROM groups")]
        members: dict[int, list[int]] = {}
        for group_id, word_id in connection.execute("SELECT group_id, word_id FROM words_groups"):
            members.setdefault(group_id, []).append(word_id)
    async with app.router.lifespan_context(app):
        # the xAPI door is attached at the app's build: time it as the pipeline calls it
        services.answers.statement_writer = timed(
            "its xAPI statement", services.answers.statement_writer
        )
        answers.Derivation.flush = timed("its derived tables", answers.Derivation.flush)  # type: ignore[method-assign]
        answers.AnswerPipeline.record = timed("the pipeline", answers.AnswerPipeline.record)  # type: ignore[method-assign]
        Database.write_grouped = timed("the write (pipeline + COMMIT)", Database.write_grouped)  # type: ignore[method-assign]
        plan = []
        for index in range(max(1, -(-(count + count // 10) // 50))):
            group_id = groups[index % len(groups)]
            body = f'{{"group_id": {group_id}, "study_activity_id": 1}}'.encode()
            status, raw = await call(app, "POST", "/api/v1/study_sessions", body)
            assert status == 201, raw
            import orjson

            plan.append((orjson.loads(raw)["data"]["id"], rng.sample(members[group_id], 50)))
        lines = [
            f"/api/v1/study_sessions/{session}/words/{words[k]}/review"
            for k in range(50)
            for session, words in plan
        ]
        warm, measured = lines[: count // 10], lines[count // 10 : count // 10 + count]
        for path in warm:
            await call(app, "POST", path, b'{"correct": true}')
        for _ in range(500):
            await call(app, "GET", "/health", b"")
        started = time.thread_time()
        for _ in range(len(measured)):
            await call(app, "GET", "/health", b"")
        health = (time.thread_time() - started) / len(measured)
        SPENT.clear()
        started = time.thread_time()
        for path in measured:
            body = b'{"correct": true}' if rng.random() < 0.8 else b'{"correct": false}'
            status, raw = await call(app, "POST", path, body)
            assert status == 201, raw
        request = (time.thread_time() - started) / len(measured)
    print(f"code: {Path(lang_portal.__file__).parent}; dataset: {source.name}; "
          f"{len(measured)} answers, load average {os.getloadavg()[0]:.2f}")  # fmt: skip
    print(f"  {'GET /health (the floor)':34} {health * 1e6:7.0f} us")
    print(f"  {'review POST (the request)':34} {request * 1e6:7.0f} us  1.00")
    for name in ("the write (pipeline + COMMIT)", "the pipeline", "its derived tables",
                 "its xAPI statement"):  # fmt: skip
        share = SPENT[name] / len(measured)
        print(f"  {name:34} {share * 1e6:7.0f} us  {share / request:.2f}")


async def call(app: Any, method: str, path: str, body: bytes) -> tuple[int, bytes]:
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"127.0.0.1"),
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
        ],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8080),
        "state": {},
    }
    delivered = False
    status = 0
    chunks: list[bytes] = []

    async def receive() -> dict[str, Any]:
        nonlocal delivered
        if not delivered:
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}
        await asyncio.sleep(3600)
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope, receive, send)
    return status, b"".join(chunks)


if __name__ == "__main__":
    sys.exit(main())
