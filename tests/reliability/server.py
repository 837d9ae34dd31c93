"""A real `lang-portal serve` process, the load that many clients put on it, and the checks that
every acknowledged answer is stored once and every counter agrees with the review rows."""

from __future__ import annotations

import os
import random
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from lang_portal.settings import PROJECT_ROOT
from tests.helpers import review_path, session_body

START_TIMEOUT_SECONDS = 60.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_env(database_path: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "PYTHONPATH": str(PROJECT_ROOT / "src"),
            "DATABASE_PATH": str(database_path),
            "LOG_LEVEL": "warning",
            # Load tests speak from one address: a rate limit would answer them with 429s.
            "RATE_LIMIT_ENABLED": "false",
            "RATE_LIMIT_REQUESTS": "1000000000",
            "TIMEZONE": "UTC",
        }
    )
    env.update(extra)
    return env


class Server:
    """One `lang-portal serve` process on a free local port."""

    def __init__(self, database_path: Path, *, workers: int = 2, **env: str) -> None:
        self.database_path = database_path
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log_path = database_path.parent / f"server-{self.port}.log"
        self._log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            [
                *(sys.executable, "-m", "lang_portal", "serve"),
                *("--host", "127.0.0.1", "--port", str(self.port), "--workers", str(workers)),
            ],
            cwd=PROJECT_ROOT,
            env=server_env(database_path, **env),
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # so a SIGKILL can reach the workers as well as the parent
        )

    def wait_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited with {self.process.returncode}: {self.log()}")
            try:
                if httpx.get(self.base_url + "/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)  # polling a child process's port: there is no event to wait on
        raise RuntimeError(f"server not ready in {START_TIMEOUT_SECONDS} s: {self.log()}")

    def log(self) -> str:
        self._log.flush()
        return self.log_path.read_text(errors="replace")[-4000:]

    def kill(self) -> None:
        """SIGKILL the whole process group: no shutdown handler, no checkpoint, no flush."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)
        self._log.close()

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=30)
        self._log.close()


@contextmanager
def running_server(database_path: Path, *, workers: int = 2, **env: str) -> Iterator[Server]:
    server = Server(database_path, workers=workers, **env)
    try:
        server.wait_ready()
        yield server
    finally:
        server.stop()


@dataclass(frozen=True)
class Ack:
    review_id: int
    session_id: int
    word_id: int
    correct: bool


@dataclass
class LoadResult:
    acks: list[Ack] = field(default_factory=list)
    sessions: list[int] = field(default_factory=list)
    server_errors: list[str] = field(default_factory=list)  # 5xx and any unexpected status
    connection_errors: int = 0  # no answer at all (expected only when the server is killed)
    lock: threading.Lock = field(default_factory=threading.Lock)


@dataclass(frozen=True)
class Catalogue:
    activity_id: int
    group_words: dict[int, list[int]]


def catalogue(base_url: str) -> Catalogue:
    with httpx.Client(base_url=base_url, timeout=10) as client:
        activities = client.get("/api/study_activities").json()["items"]
        groups = client.get("/api/groups", params={"per_page": 100}).json()["items"]
        group_words: dict[int, list[int]] = {}
        for group in groups:
            if group["word_count"] < 5:
                continue
            words = client.get(f"/api/groups/{group['id']}/words", params={"per_page": 100})
            group_words[group["id"]] = [word["id"] for word in words.json()["items"]]
    assert activities and group_words, "the seeded server has no activity or no group"
    return Catalogue(activities[0]["id"], group_words)


def drive_load(
    base_url: str,
    *,
    clients: int,
    reviews_per_client: int,
    reviews_per_session: int = 20,
    stop: threading.Event | None = None,
    seed: int = 7,
    acked: threading.Event | None = None,
    acked_threshold: int = 0,
    result: LoadResult | None = None,
) -> LoadResult:
    """`clients` threads, each starting sessions and answering words of the session's group.

    Sessions stay within the rules (at most 50 distinct words, well inside the idle timeout),
    so that an error can only come from a fault.
    """
    found = catalogue(base_url)
    result = result if result is not None else LoadResult()
    stop = stop or threading.Event()

    def client_loop(index: int) -> None:
        rng = random.Random(seed * 1000 + index)
        with httpx.Client(base_url=base_url, timeout=30) as client:
            session_id, words, in_session = 0, [], reviews_per_session
            for _ in range(reviews_per_client):
                if stop.is_set():
                    return
                try:
                    if in_session >= reviews_per_session:
                        group_id = rng.choice(sorted(found.group_words))
                        response = client.post(
                            "/api/study_sessions",
                            json=session_body(group_id, found.activity_id),
                        )
                        if response.status_code != 201:
                            _refused(result, "POST /api/study_sessions", response)
                            return
                        session_id = response.json()["id"]
                        words = found.group_words[group_id][:50]
                        in_session = 0
                        with result.lock:
                            result.sessions.append(session_id)
                    word_id = rng.choice(words)
                    correct = rng.random() < 0.7
                    response = client.post(
                        "/api" + review_path(session_id, word_id),
                        json={"correct": correct, "duration_ms": rng.randint(300, 9000)},
                    )
                    in_session += 1
                    if response.status_code != 201:
                        _refused(result, "POST review", response)
                        continue
                    body = response.json()
                    with result.lock:
                        result.acks.append(Ack(body["id"], session_id, word_id, correct))
                        if acked is not None and len(result.acks) >= acked_threshold:
                            acked.set()
                except httpx.TransportError:
                    with result.lock:
                        result.connection_errors += 1
                    if stop.is_set():
                        return

    threads = [threading.Thread(target=client_loop, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return result


def _refused(result: LoadResult, what: str, response: httpx.Response) -> None:
    with result.lock:
        result.server_errors.append(f"{what}: {response.status_code} {response.text[:300]}")


# -- checks on the file ------------------------------------------------------------------------


def connect(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(path)
    connection.row_factory = sqlite3.Row
    return connection


def integrity(path: Path) -> str:
    with connect(path) as connection:
        return str(connection.execute("PRAGMA integrity_check").fetchone()[0])


def table_exists(connection: sqlite3.Connection, name: str) -> bool:
    row = connection.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)
    ).fetchone()
    return row is not None


def inconsistencies(path: Path, acks: list[Ack]) -> list[str]:
    """Every way the file disagrees with the acknowledged answers or with itself."""
    problems: list[str] = []
    connection = connect(path)
    try:
        stored = {
            row["id"]: row
            for row in connection.execute(
                "SELECT id, study_session_id, word_id, correct FROM word_review_items"
            )
        }
        for ack in acks:
            row = stored.get(ack.review_id)
            if row is None:
                problems.append(f"acknowledged review {ack.review_id} is missing")
            elif (row["study_session_id"], row["word_id"], bool(row["correct"])) != (
                ack.session_id,
                ack.word_id,
                ack.correct,
            ):
                problems.append(f"review {ack.review_id} stored as {dict(row)}, acked as {ack}")
        ids = [ack.review_id for ack in acks]
        if len(ids) != len(set(ids)):
            problems.append("one review id was acknowledged twice")
        problems += _counter_mismatches(connection)
    finally:
        connection.close()
    return problems


_COUNTER_QUERIES: dict[str, str] = {
    "words.correct_count/wrong_count": """
        SELECT w.id, w.correct_count, w.wrong_count, coalesce(r.c, 0), coalesce(r.w, 0)
        FROM words w LEFT JOIN (
            SELECT word_id, sum(correct) AS c, sum(1 - correct) AS w
            FROM word_review_items GROUP BY word_id) r ON r.word_id = w.id
        WHERE w.correct_count != coalesce(r.c, 0) OR w.wrong_count != coalesce(r.w, 0)""",
    "study_sessions.review_items_count/correct_count": """
        SELECT s.id, s.review_items_count, s.correct_count, coalesce(r.n, 0), coalesce(r.c, 0)
        FROM study_sessions s LEFT JOIN (
            SELECT study_session_id, count(*) AS n, sum(correct) AS c
            FROM word_review_items GROUP BY study_session_id) r ON r.study_session_id = s.id
        WHERE s.review_items_count != coalesce(r.n, 0) OR s.correct_count != coalesce(r.c, 0)""",
    "study_session_words vs review rows": """
        SELECT coalesce(sw.study_session_id, r.study_session_id), coalesce(sw.word_id, r.word_id),
               sw.correct_count, sw.wrong_count, r.c, r.w
        FROM (SELECT study_session_id, word_id, sum(correct) AS c, sum(1 - correct) AS w
              FROM word_review_items GROUP BY study_session_id, word_id) r
        FULL OUTER JOIN study_session_words sw
          ON sw.study_session_id = r.study_session_id AND sw.word_id = r.word_id
        WHERE sw.correct_count IS NOT r.c OR sw.wrong_count IS NOT r.w""",
    "daily_stats vs review rows": """
        SELECT d.reviews, d.correct, r.n, r.c
        FROM (SELECT coalesce(sum(reviews), 0) AS reviews, coalesce(sum(correct), 0) AS correct
              FROM daily_stats) d,
             (SELECT count(*) AS n, coalesce(sum(correct), 0) AS c FROM word_review_items) r
        WHERE d.reviews != r.n OR d.correct != r.c""",
}

_SRS_QUERIES: dict[str, str] = {
    "srs_cards.reps/first/last vs review rows": """
        SELECT coalesce(c.word_id, r.word_id), c.reps, r.n, c.first_review, r.first,
               c.last_review, r.last
        FROM (SELECT word_id, count(*) AS n, min(created_at) AS first, max(created_at) AS last
              FROM word_review_items GROUP BY word_id) r
        FULL OUTER JOIN srs_cards c ON c.word_id = r.word_id
        WHERE c.reps IS NOT r.n OR c.first_review IS NOT r.first OR c.last_review IS NOT r.last""",
}


def _counter_mismatches(connection: sqlite3.Connection) -> list[str]:
    queries = dict(_COUNTER_QUERIES)
    if table_exists(connection, "srs_cards"):
        queries.update(_SRS_QUERIES)
    problems = []
    for name, query in queries.items():
        rows = connection.execute(query).fetchmany(5)
        if rows:
            problems.append(f"{name} disagree: {[tuple(row) for row in rows]}")
    return problems


def review_count(path: Path) -> int:
    with connect(path) as connection:
        return int(connection.execute("SELECT count(*) FROM word_review_items").fetchone()[0])


def summary(result: LoadResult) -> dict[str, Any]:
    return {
        "acknowledged_reviews": len(result.acks),
        "sessions": len(result.sessions),
        "server_errors": len(result.server_errors),
        "connection_errors": result.connection_errors,
    }
