"""The load benchmark: build the datasets, serve each as production does, load every page-load GET
and the review POST from a separate process, print one table and write it as JSON.

    python bench/run.py            # 20 s per endpoint, light (10k reviews) and heavy (1M)
    python bench/run.py --quick    # 5 s per endpoint

Serving: `lang-portal serve --workers N` (the documented production command), on a copy of the
dataset so that the review POSTs never dirty the cached build. Load: `wrk` (Debian package
`wrk`) with bench/wrk/paths.lua, else bench/pyload.py (see docs/performance.md).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import random
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
sys.path.insert(0, str(BENCH))

import build_dataset  # noqa: E402
import build_xapi_dataset  # noqa: E402
import transfer  # noqa: E402

DATASETS = {"light": 10_000, "heavy": 1_000_000}
API = "/api/v1"
CEILING = "ceiling: GET /health"
REVIEW_POST = "POST review"
# Endpoints whose requests/s at 1M reviews must reach LIST_TARGET_RPS.
LIST_AND_DASHBOARD = {
    "GET /words",
    "GET /groups",
    "GET /groups/:id/words",
    "GET /study_sessions",
    "GET /study_sessions/:id/words",
    "GET /groups/:id/study_sessions",
    "GET /study_activities",
    "GET /study_activities/:id/study_sessions",
    "GET /dashboard/last_study_session",
    "GET /dashboard/study_progress",
    "GET /dashboard/quick-stats",
    "GET /review_queue",
}
# The xAPI LRS (docs/xapi.md): statements stored, a fixed key, batches of 50.
XAPI_DATASETS = {"light": 10_000, "heavy": 1_000_000}
XAPI_USER, XAPI_SECRET = "bench", "bench-secret-not-for-production"
XAPI_BATCH = 50
XAPI_POST = f"xAPI POST /statements ({XAPI_BATCH} per batch)"
XAPI_TARGETS = {"statements_per_s": 5000.0, "get_p95_ms": 50.0, "growth_ratio": 0.80}
TARGETS = {
    "get_p95_ms": 50.0,
    "list_rps": 2000.0,
    "growth_ratio": 0.80,
    "post_rps": 1000.0,
    "post_p95_ms": 100.0,
    "memory_mb": 200.0,
    "db_query_p95_ms": 100.0,
}


@dataclass
class Result:
    endpoint: str
    rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    requests: int
    errors: int
    error_detail: dict[str, int]
    note: str = ""
    # CPU the server processes spent per request: unlike req/s, barely moved by other load on
    # the machine, so it is the figure to compare two builds by on a shared host.
    server_cpu_us: float = 0.0


@dataclass
class DatasetRun:
    name: str
    reviews: int
    build_seconds: float
    results: list[Result] = field(default_factory=list)
    memory_peak_mb: dict[str, float] = field(default_factory=dict)
    post_rows_added: int = 0
    post_acknowledged: int = 0
    db_query_p95_ms: float | None = None
    db_query_note: str = ""
    # other work on the machine skews req/s and latency; recorded so that a run can be judged
    load_average_at_start: float = 0.0


# -- the dataset ------------------------------------------------------------------------------


def dataset(
    data_dir: Path, name: str, reviews: int, end: date, seed: int, derived: bool
) -> tuple[Path, float]:
    """The cached build for (reviews, seed, end date), built when missing."""
    variant = "" if derived else "-noderived"
    path = data_dir / f"{name}-{reviews}-s{seed}-{end.isoformat()}{variant}.db"
    stamp = path.with_suffix(".json")
    if path.exists() and stamp.exists():
        return path, float(json.loads(stamp.read_text())["seconds"])
    built = build_dataset.build(path, reviews=reviews, seed=seed, end_date=end, derived=derived)
    stamp.write_text(json.dumps({"seconds": built.seconds, "reviews": reviews}))
    print(f"  built {path.name} in {built.seconds:.1f} s", flush=True)
    return path, built.seconds


# -- the server -------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def http(method: str, url: str, body: Any = None) -> tuple[int, Any]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            raw = response.read()
            status = response.status
    except urllib.error.HTTPError as exc:
        raw, status = exc.read(), exc.code
    try:
        return status, json.loads(raw)
    except ValueError:
        return status, raw.decode(errors="replace")


class Server:
    def __init__(
        self,
        database: Path,
        port: int,
        workers: int,
        log: Path,
        extra_env: dict[str, str] | None = None,
    ) -> None:
        env = dict(os.environ)
        env.update(
            DATABASE_PATH=str(database),
            API_HOST="127.0.0.1",
            TIMEZONE="UTC",
            # Production settings otherwise (access log, metrics, gzip); but the per-address
            # rate limit would refuse a load test that comes from one address.
            RATE_LIMIT_ENABLED="false",
            RATE_LIMIT_REQUESTS=str(10**9),
            # a refit replays the whole history: measured on its own (docs/srs.md), not here
            SRS_OPTIMIZE_EVERY="0",
            PYTHONPATH=str(ROOT / "src") + os.pathsep + env.get("PYTHONPATH", ""),
        )
        env.update(extra_env or {})
        self.base = f"http://127.0.0.1:{port}"
        self.log = log.open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "lang_portal", "serve", "--workers", str(workers),
             "--port", str(port)],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited with {self.process.returncode}; see {log}")
            try:
                if http("GET", self.base + "/health")[0] == 200 and self._ready(workers):
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"server did not start; see {log}")

    def _ready(self, workers: int) -> bool:
        return workers == 1 or len(self.pids()) >= workers + 1

    def pids(self) -> list[int]:
        """The master and every process below it."""
        children: dict[int, list[int]] = {}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(parent, []).append(int(entry.name))
        found, queue = [], [self.process.pid]
        while queue:
            pid = queue.pop()
            found.append(pid)
            queue.extend(children.get(pid, []))
        return found

    def cpu_seconds(self) -> float:
        """User plus system CPU time used so far by the server processes."""
        ticks = 0
        for pid in self.pids():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            ticks += int(fields[11]) + int(fields[12])
        return ticks / os.sysconf("SC_CLK_TCK")

    def peak_memory_mb(self) -> dict[str, float]:
        """Peak resident memory (VmHWM) of each server process, in MB."""
        peaks = {}
        for pid in self.pids():
            try:
                status = Path(f"/proc/{pid}/status").read_text()
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            match = re.search(r"VmHWM:\s+(\d+) kB", status)
            if match:
                role = "master" if pid == self.process.pid else _role(cmdline)
                peaks[f"{role} {pid}"] = int(match.group(1)) / 1024
        return peaks

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()


def _role(cmdline: list[bytes]) -> str:
    text = b" ".join(cmdline)
    return "resource-tracker" if b"resource_tracker" in text else "worker"


# -- load --------------------------------------------------------------------------------------


def load_tool(choice: str) -> str:
    if choice == "auto":
        return "wrk" if shutil.which("wrk") else "python"
    if choice == "wrk" and not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (apt-get install wrk), use --driver python")
    return choice


def drive(
    tool: str,
    base: str,
    lines: list[str],
    seconds: float,
    connections: int,
    threads: int,
    headers: tuple[str, ...] = (),
) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as file:
        file.write("\n".join(lines) + "\n")
        requests_file = file.name
    try:
        if tool == "wrk":
            command = [
                "wrk", f"-t{threads}", f"-c{connections}", f"-d{max(1, round(seconds))}s",
                "--timeout", "10s", "-s", str(BENCH / "wrk" / "paths.lua"), base, "--",
                requests_file, *headers,
            ]  # fmt: skip
        else:
            command = [
                sys.executable, str(BENCH / "pyload.py"), "--url", base, "--file", requests_file,
                "-c", str(connections), "-d", str(seconds),
                *(part for header in headers for part in ("--header", header)),
            ]  # fmt: skip
        output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(requests_file)
    for line in output.splitlines():
        if line.startswith("BENCH_JSON "):
            return dict(json.loads(line.removeprefix("BENCH_JSON ")))
    raise RuntimeError(f"no result from {tool}:\n{output}")


def to_result(endpoint: str, raw: dict[str, Any], note: str = "") -> Result:
    errors = raw["errors"]
    latency = raw["latency_us"]
    return Result(
        endpoint=endpoint,
        rps=raw["requests"] / (raw["duration_us"] / 1e6),
        p50_ms=latency["p50"] / 1000,
        p95_ms=latency["p95"] / 1000,
        p99_ms=latency["p99"] / 1000,
        requests=raw["requests"],
        errors=sum(errors.values()),
        error_detail={k: v for k, v in errors.items() if v},
        note=note,
    )


# -- the endpoints ------------------------------------------------------------------------------


def get_endpoints(
    base: str, database: Path, rng: random.Random, extras: bool = True
) -> tuple[list[tuple[str, list[str]]], list[str]]:
    """(label, request lines) for every GET a page load makes; and notes on what is missing."""
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as connection:
        word_ids = [row[0] for row in connection.execute("SELECT id FROM words")]
        group_ids = [row[0] for row in connection.execute("SELECT id FROM groups")]
        session_ids = [row[0] for row in connection.execute("SELECT id FROM study_sessions")]
        activity_ids = [row[0] for row in connection.execute("SELECT id FROM study_activities")]
    for id_list in (word_ids, group_ids, session_ids):
        rng.shuffle(id_list)
    words = word_ids[:2000]
    sessions = session_ids[:2000]
    endpoints: list[tuple[str, list[str]]] = [
        (CEILING, ["/health"]),
        ("GET /words", [f"{API}/words"]),
        ("GET /words/:id", [f"{API}/words/{i}" for i in words]),
        # the portal's word search: a common syllable, an English word, and no match at all
        ("GET /words?q=", [f"{API}/words?q={text}&per_page=25" for text in ("ka", "eat", "zzz")]),
        ("GET /groups", [f"{API}/groups"]),
        ("GET /groups/:id", [f"{API}/groups/{i}" for i in group_ids]),
        ("GET /groups/:id/words", [f"{API}/groups/{i}/words" for i in group_ids]),
        ("GET /groups/:id/study_sessions", [f"{API}/groups/{i}/study_sessions" for i in group_ids]),
        ("GET /study_sessions", [f"{API}/study_sessions"]),
        ("GET /study_sessions/:id", [f"{API}/study_sessions/{i}" for i in sessions]),
        ("GET /study_sessions/:id/words", [f"{API}/study_sessions/{i}/words" for i in sessions]),
        ("GET /study_activities", [f"{API}/study_activities"]),
        (
            "GET /study_activities/:id/study_sessions",
            [f"{API}/study_activities/{i}/study_sessions" for i in activity_ids],
        ),
        ("GET /dashboard/last_study_session", [f"{API}/dashboard/last_study_session"]),
        ("GET /dashboard/study_progress", [f"{API}/dashboard/study_progress"]),
        ("GET /dashboard/quick-stats", [f"{API}/dashboard/quick-stats"]),
    ]
    notes = []
    status, document = http("GET", base + "/openapi.json")
    paths: dict[str, Any] = {}
    if status == 200 and isinstance(document, dict):
        paths = document.get("paths", {})
    if f"{API}/review_queue" in paths:
        endpoints.append(("GET /review_queue", [f"{API}/review_queue"]))
    else:
        # SLOT: the learning engine's review queue (branch `srs`) is not in this build.
        notes.append("GET /review_queue: not in this build (learning engine not merged)")
    # Every other GET the build serves (the learning engine's analytics, ...), ids filled in,
    # so that whatever has landed is measured too; bulk exports are not page loads.
    covered = {f"{API}{label.split(' ', 1)[1].replace(':id', '{id}')}" for label, _ in endpoints
               if label.startswith("GET ")}  # fmt: skip
    ids: dict[str, list[int]] = {"word_id": words, "group_id": group_ids, "session_id": sessions,
           "activity_id": activity_ids}  # fmt: skip
    for path, operations in paths.items() if extras else ():
        generic = re.sub(r"\{\w+\}", "{id}", path)
        if "get" not in operations or not path.startswith(API + "/") or generic in covered:
            continue
        if path.startswith(f"{API}/export"):
            continue
        if path.endswith("/next_words"):
            # answers only for a session still running; the history's sessions have all expired
            notes.append(f"GET {generic.removeprefix(API)}: not measured (needs a live session)")
            continue
        names = re.findall(r"\{(\w+)\}", path)
        if any(name not in ids for name in names):
            notes.append(f"GET {path}: skipped (unknown path parameter)")
            continue
        if names:
            values = ids[names[0]]
            lines = [path.replace("{" + names[0] + "}", str(value)) for value in values]
        else:
            lines = [path]
        label = "GET " + generic.removeprefix(API).replace("{id}", ":id") + " (extra)"
        endpoints.append((label, lines))
    return endpoints, notes


def review_lines(base: str, database: Path, rng: random.Random, sessions: int) -> list[str]:
    """POST lines spread over fresh sessions and, within each, over at most 50 words.

    Sessions are created through the API just before the run, so none is idle for 30 minutes,
    and each keeps to 50 distinct words, so no answer is a business-rule refusal.
    """
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as connection:
        groups = [row[0] for row in connection.execute("SELECT id FROM groups")]
        members: dict[int, list[int]] = {}
        for group_id, word_id in connection.execute("SELECT group_id, word_id FROM words_groups"):
            members.setdefault(group_id, []).append(word_id)
        activity = connection.execute("SELECT min(id) FROM study_activities").fetchone()[0]
    plan: list[tuple[int, list[int]]] = []
    for index in range(sessions):
        group_id = groups[index % len(groups)]
        status, body = http(
            "POST", base + f"{API}/study_sessions",
            {"group_id": group_id, "study_activity_id": activity},
        )  # fmt: skip
        if status != 201:
            raise RuntimeError(f"cannot create a session: {status} {body}")
        plan.append((body["data"]["id"], rng.sample(members[group_id], 50)))
    lines = []
    for round_ in range(50):
        for session_id, words in plan:
            correct = "true" if rng.random() < 0.8 else "false"
            lines.append(
                f"POST {API}/study_sessions/{session_id}/words/{words[round_]}/review "
                f'{{"correct": {correct}}}'
            )
    return lines


def count_reviews(database: Path) -> int:
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as connection:
        return int(connection.execute("SELECT count(*) FROM word_review_items").fetchone()[0])


def db_query_p95(base: str) -> tuple[float | None, str]:
    """The 95th percentile of database query time, from a Prometheus histogram at /metrics."""
    try:
        status, text = http("GET", base + "/metrics")
    except OSError as exc:
        return None, f"/metrics unreachable: {exc}"
    if status != 200 or not isinstance(text, str):
        return None, "no /metrics in this build (operations middleware not merged)"
    buckets: dict[str, dict[float, float]] = {}
    for line in text.splitlines():
        match = re.match(r"^(\w*(?:db|database|query)\w*)_bucket\{(.*)\}\s+([0-9.e+]+)$", line)
        if not match:
            continue
        labels = dict(re.findall(r'(\w+)="([^"]*)"', match.group(2)))
        bound = labels.get("le")
        if bound is None:
            continue
        upper = float("inf") if bound == "+Inf" else float(bound)
        series = buckets.setdefault(match.group(1), {})
        series[upper] = series.get(upper, 0.0) + float(match.group(3))
    if not buckets:
        return None, "/metrics has no database query histogram"
    name, series = next(iter(buckets.items()))
    total = series.get(float("inf"), max(series.values()))
    if not total:
        return None, f"{name}: no queries observed"
    for upper in sorted(series):
        if series[upper] >= 0.95 * total:
            seconds_scale = 1000.0 if "seconds" in name else 1.0
            return upper * seconds_scale, f"{name}, upper bound of the p95 bucket"
    return None, f"{name}: unreadable"


# -- one dataset ---------------------------------------------------------------------------------


def run_dataset(name: str, args: argparse.Namespace, tool: str, end: date) -> DatasetRun:
    reviews = DATASETS[name]
    print(f"\n== {name}: {reviews:,} reviews", flush=True)
    cached, build_seconds = dataset(
        args.data_dir, name, reviews, end, args.seed, not args.no_derived
    )
    work = args.data_dir / f"run-{name}.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{work}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(cached, work)
    run = DatasetRun(name=name, reviews=reviews, build_seconds=build_seconds)
    run.load_average_at_start = os.getloadavg()[0]
    port = args.port or free_port()
    server = Server(work, port, args.workers, args.results_dir / f"server-{name}.log")
    rng = random.Random(args.seed)
    try:
        endpoints, notes = get_endpoints(server.base, work, rng, extras=not args.no_extras)
        # warm every path once (page cache, statement caches, both workers' connections)
        drive(tool, server.base, [p for _, ls in endpoints for p in ls[:50]], args.warmup,
              args.connections, args.threads)  # fmt: skip
        for label, lines in endpoints:
            if args.only and not any(part in label for part in args.only):
                continue
            drive(tool, server.base, lines, min(args.warmup, 2), args.connections, args.threads)
            cpu = server.cpu_seconds()
            raw = drive(tool, server.base, lines, args.duration, args.connections, args.threads)
            result = to_result(label, raw)
            result.server_cpu_us = (server.cpu_seconds() - cpu) * 1e6 / max(1, result.requests)
            run.results.append(result)
            print(
                f"  {label:38} {result.rps:8.0f}/s  p95 {result.p95_ms:6.1f} ms  "
                f"errors {result.errors}  cpu {result.server_cpu_us:5.0f} us/req",
                flush=True,
            )
        for note in notes:
            run.results.append(Result(note.split(":")[0], 0, 0, 0, 0, 0, 0, {}, note))
        if not args.only or any(part in REVIEW_POST for part in args.only):
            lines = review_lines(server.base, work, rng, args.post_sessions)
            before = count_reviews(work)
            cpu = server.cpu_seconds()
            raw = drive(tool, server.base, lines, args.duration, args.connections, args.threads)
            after = count_reviews(work)
            result = to_result(REVIEW_POST, raw)
            result.server_cpu_us = (server.cpu_seconds() - cpu) * 1e6 / max(1, result.requests)
            run.post_rows_added = after - before
            run.post_acknowledged = result.requests - result.errors
            result.note = f"rows added {run.post_rows_added}, acknowledged {run.post_acknowledged}"
            run.results.append(result)
            print(f"  {REVIEW_POST:38} {result.rps:8.0f}/s  p95 {result.p95_ms:6.1f} ms  "
                  f"errors {result.errors}  cpu {result.server_cpu_us:5.0f} us/req  {result.note}",
                  flush=True)  # fmt: skip
        run.db_query_p95_ms, run.db_query_note = db_query_p95(server.base)
        run.memory_peak_mb = server.peak_memory_mb()
    finally:
        server.stop()
    return run


# -- the xAPI LRS ------------------------------------------------------------------------------


@dataclass
class XapiRun:
    name: str
    statements: int
    build_seconds: float
    results: list[Result] = field(default_factory=list)
    statements_acknowledged: int = 0
    statements_added: int = 0
    load_average_at_start: float = 0.0


def xapi_dataset(data_dir: Path, name: str, statements: int, seed: int) -> tuple[Path, float]:
    """The cached xAPI build for (statements, seed), built when missing."""
    path = data_dir / f"xapi-{name}-{statements}-s{seed}.db"
    stamp = path.with_suffix(".json")
    if path.exists() and stamp.exists():
        return path, float(json.loads(stamp.read_text())["seconds"])
    seconds = build_xapi_dataset.build(path, statements=statements, seed=seed)
    stamp.write_text(json.dumps({"seconds": seconds, "statements": statements}))
    print(f"  built {path.name} in {seconds:.1f} s", flush=True)
    return path, seconds


def xapi_headers() -> tuple[str, ...]:
    import base64

    token = base64.b64encode(f"{XAPI_USER}:{XAPI_SECRET}".encode()).decode()
    return (f"Authorization: Basic {token}", "X-Experience-API-Version: 1.0.3")


def xapi_get_lines(
    database: Path, statements: int, rng: random.Random, seed: int
) -> dict[str, list[str]]:
    """Request lines per filter, each asking for values the dataset holds."""
    registrations = max(1, statements // build_xapi_dataset.STATEMENTS_PER_REGISTRATION)
    picks = {
        "agent": [
            json.dumps({"mbox": build_xapi_dataset.learner(i)["mbox"]}, separators=(",", ":"))
            for i in rng.sample(range(build_xapi_dataset.LEARNERS), 500)
        ],
        "verb": list(build_xapi_dataset.VERBS),
        "activity": [
            build_xapi_dataset.activity_id(i)
            for i in rng.sample(range(build_xapi_dataset.ACTIVITIES), 500)
        ],
        "registration": [
            build_xapi_dataset.registration(i, seed)
            for i in rng.sample(range(registrations), min(500, registrations))
        ],
    }
    return {
        name: [f"/xapi/statements?{name}={quote(value, safe='')}" for value in values]
        for name, values in picks.items()
    }


def xapi_post_lines(rng: random.Random, seed: int, batches: int = 200) -> list[str]:
    lines = []
    for batch in range(batches):
        statements = [
            build_xapi_dataset.statement_for(10**9 + batch * XAPI_BATCH + i, rng, seed)
            for i in range(XAPI_BATCH)
        ]
        lines.append("POST /xapi/statements " + json.dumps(statements, separators=(",", ":")))
    return lines


def count_statements(database: Path) -> int:
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as connection:
        return int(connection.execute("SELECT count(*) FROM xapi_statements").fetchone()[0])


def run_xapi_dataset(name: str, args: argparse.Namespace, tool: str) -> XapiRun:
    statements = XAPI_DATASETS[name]
    print(f"\n== xAPI {name}: {statements:,} statements", flush=True)
    cached, build_seconds = xapi_dataset(args.data_dir, name, statements, args.seed)
    work = args.data_dir / f"run-xapi-{name}.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{work}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(cached, work)
    run = XapiRun(name=name, statements=statements, build_seconds=build_seconds)
    run.load_average_at_start = os.getloadavg()[0]
    port = args.port or free_port()
    server = Server(
        work, port, args.workers, args.results_dir / f"server-xapi-{name}.log",
        extra_env={"XAPI_CREDENTIALS": f"{XAPI_USER}:{XAPI_SECRET}"},
    )  # fmt: skip
    rng = random.Random(args.seed)
    headers = xapi_headers()
    try:
        gets = xapi_get_lines(work, statements, rng, args.seed)
        every = [line for lines in gets.values() for line in lines[:50]]
        drive(tool, server.base, every, args.warmup, args.connections, args.threads, headers)
        for filter_name, lines in gets.items():
            label = f"xAPI GET /statements?{filter_name}"
            if args.only and not any(part in label for part in args.only):
                continue
            drive(tool, server.base, lines, min(args.warmup, 2), args.connections, args.threads,
                  headers)  # fmt: skip
            cpu = server.cpu_seconds()
            raw = drive(tool, server.base, lines, args.duration, args.connections, args.threads,
                        headers)  # fmt: skip
            result = to_result(label, raw)
            result.server_cpu_us = (server.cpu_seconds() - cpu) * 1e6 / max(1, result.requests)
            run.results.append(result)
            print(f"  {label:38} {result.rps:8.0f}/s  p95 {result.p95_ms:6.1f} ms  "
                  f"errors {result.errors}  cpu {result.server_cpu_us:5.0f} us/req",
                  flush=True)  # fmt: skip
        if not args.only or any(part in XAPI_POST for part in args.only):
            lines = xapi_post_lines(rng, args.seed)
            before = count_statements(work)
            cpu = server.cpu_seconds()
            raw = drive(tool, server.base, lines, args.duration, args.connections, args.threads,
                        headers)  # fmt: skip
            after = count_statements(work)
            result = to_result(XAPI_POST, raw)
            result.server_cpu_us = (server.cpu_seconds() - cpu) * 1e6 / max(1, result.requests)
            run.statements_acknowledged = (result.requests - result.errors) * XAPI_BATCH
            run.statements_added = after - before
            per_second = run.statements_acknowledged / (raw["duration_us"] / 1e6)
            result.note = (
                f"{per_second:,.0f} statements/s; acknowledged {run.statements_acknowledged}, "
                f"stored {run.statements_added}"
            )
            run.results.append(result)
            print(f"  {XAPI_POST:38} {result.rps:8.0f}/s  p95 {result.p95_ms:6.1f} ms  "
                  f"errors {result.errors}  {result.note}", flush=True)  # fmt: skip
    finally:
        server.stop()
    return run


def xapi_table(runs: list[XapiRun]) -> str:
    light = next((r for r in runs if r.name == "light"), None)
    main = next((r for r in runs if r.name == "heavy"), runs[0])
    by_light = {r.endpoint: r for r in light.results} if light else {}
    lines = [
        f"| xAPI ({main.statements:,} statements) | req/s | p50 ms | p95 ms | p99 ms | errors "
        f"| req/s at {XAPI_DATASETS['light']:,} | 1M / 10k | server CPU µs/req | note |",
        "|" + "---|" * 10,
    ]
    for result in main.results:
        other = by_light.get(result.endpoint)
        ratio = f"{result.rps / other.rps:.2f}" if other and other.rps else "—"
        lines.append(
            f"| {result.endpoint} | {result.rps:,.0f} | {result.p50_ms:.1f} | {result.p95_ms:.1f} "
            f"| {result.p99_ms:.1f} | {result.errors} | {f'{other.rps:,.0f}' if other else '—'} "
            f"| {ratio} | {result.server_cpu_us:,.0f} | {result.note} |"
        )
    for run in runs:
        lines.append("")
        lines.append(
            f"xAPI {run.name}: built in {run.build_seconds:.0f} s; load average at start "
            f"{run.load_average_at_start:.2f}; statements acknowledged "
            f"{run.statements_acknowledged}, stored {run.statements_added}, lost "
            f"{max(0, run.statements_acknowledged - run.statements_added)}"
        )
    return "\n".join(lines)


def xapi_verdicts(runs: list[XapiRun]) -> list[tuple[str, bool]]:
    heavy = next((r for r in runs if r.name == "heavy"), None)
    light = next((r for r in runs if r.name == "light"), None)
    if heavy is None:
        return []
    gets = [r for r in heavy.results if r.endpoint.startswith("xAPI GET")]
    post = next((r for r in heavy.results if r.endpoint == XAPI_POST), None)
    checks = [
        (f"xAPI filtered GET p95 <= {XAPI_TARGETS['get_p95_ms']:.0f} ms at 1M, no errors",
         bool(gets) and all(r.p95_ms <= XAPI_TARGETS["get_p95_ms"] and r.errors == 0
                            for r in gets)),
    ]  # fmt: skip
    if light:
        by_light = {r.endpoint: r for r in light.results if r.requests}
        ratios = [r.rps / by_light[r.endpoint].rps for r in gets if r.endpoint in by_light]
        if ratios:
            checks.append((f"xAPI GET 1M/10k req/s >= {XAPI_TARGETS['growth_ratio']:.2f} "
                           f"(min {min(ratios):.2f})",
                           min(ratios) >= XAPI_TARGETS["growth_ratio"]))  # fmt: skip
    if post:
        per_second = heavy.statements_acknowledged / max(1e-9, post.requests / max(post.rps, 1e-9))
        lost = heavy.statements_acknowledged - heavy.statements_added
        checks.append((f"xAPI ingest >= {XAPI_TARGETS['statements_per_s']:.0f} statements/s in "
                       f"batches of {XAPI_BATCH} ({per_second:,.0f}/s), none lost",
                       per_second >= XAPI_TARGETS["statements_per_s"] and lost <= 0
                       and post.errors == 0))  # fmt: skip
    return checks


# -- report ------------------------------------------------------------------------------------


def table(runs: list[DatasetRun]) -> str:
    light = next((r for r in runs if r.name == "light"), None)
    heavy = next((r for r in runs if r.name == "heavy"), None)
    main = heavy or runs[0]
    ceiling = next((r.rps for r in main.results if r.endpoint == CEILING), 0.0)
    by_light = {r.endpoint: r for r in light.results} if light else {}
    header = (
        f"| endpoint ({main.reviews:,} reviews) | req/s | p50 ms | p95 ms | p99 ms | errors "
        f"| / ceiling | req/s at {DATASETS['light']:,} | 1M / 10k | server CPU µs/req |"
    )
    lines = [header, "|" + "---|" * 10]
    for result in main.results:
        if result.note and not result.requests:
            lines.append(f"| {result.endpoint} | {result.note} |" + " — |" * 9)
            continue
        other = by_light.get(result.endpoint)
        ratio = f"{result.rps / other.rps:.2f}" if other and other.rps else "—"
        lines.append(
            f"| {result.endpoint} | {result.rps:,.0f} | {result.p50_ms:.1f} | "
            f"{result.p95_ms:.1f} | {result.p99_ms:.1f} | {result.errors} | "
            f"{result.rps / ceiling:.2f} | {f'{other.rps:,.0f}' if other else '—'} | {ratio} | "
            f"{result.server_cpu_us:,.0f} |"
            if ceiling
            else f"| {result.endpoint} | {result.rps:,.0f} | ... |"
        )
    for run in runs:
        memory = ", ".join(f"{k} {v:.0f} MB" for k, v in sorted(run.memory_peak_mb.items()))
        lines.append("")
        lines.append(
            f"{run.name}: peak memory (VmHWM) {memory}; load average at start "
            f"{run.load_average_at_start:.2f}"
        )
        db = (
            f"{run.db_query_p95_ms:.1f} ms ({run.db_query_note})"
            if run.db_query_p95_ms is not None
            else run.db_query_note
        )
        lines.append(f"{run.name}: database query p95 from /metrics: {db}")
        if run.post_acknowledged or run.post_rows_added:
            lost = max(0, run.post_acknowledged - run.post_rows_added)
            lines.append(
                f"{run.name}: review POST acknowledged {run.post_acknowledged}, rows added "
                f"{run.post_rows_added}, lost {lost}"
            )
    return "\n".join(lines)


def verdicts(runs: list[DatasetRun]) -> list[tuple[str, bool]]:
    heavy = next((r for r in runs if r.name == "heavy"), None)
    light = next((r for r in runs if r.name == "light"), None)
    if heavy is None:
        return []
    # the contract's endpoints; extras (other GETs of the build) are reported, not judged
    measured = [r for r in heavy.results if r.requests and not r.endpoint.endswith("(extra)")]
    gets = [r for r in measured if r.endpoint.startswith("GET")]
    lists = [r for r in gets if r.endpoint in LIST_AND_DASHBOARD]
    post = next((r for r in measured if r.endpoint == REVIEW_POST), None)
    checks = [
        (f"every GET p95 <= {TARGETS['get_p95_ms']:.0f} ms, no errors",
         all(r.p95_ms <= TARGETS["get_p95_ms"] and r.errors == 0 for r in gets)),
        (f"list and dashboard GETs >= {TARGETS['list_rps']:.0f}/s",
         all(r.rps >= TARGETS["list_rps"] for r in lists)),
    ]  # fmt: skip
    if light:
        by_light = {r.endpoint: r for r in light.results if r.requests}
        ratios = [r.rps / by_light[r.endpoint].rps for r in measured if r.endpoint in by_light]
        # the same by CPU per request (light / heavy), which other load on the machine moves less
        cpu = [
            by_light[r.endpoint].server_cpu_us / r.server_cpu_us
            for r in measured
            if r.endpoint in by_light and r.server_cpu_us
        ]
        checks.append(
            (
                f"1M/10k req/s >= {TARGETS['growth_ratio']:.2f} (min {min(ratios):.2f}; "
                f"by server CPU per request, min {min(cpu):.2f})",
                min(ratios) >= TARGETS["growth_ratio"],
            )
        )
    if post:
        lost = heavy.post_acknowledged - heavy.post_rows_added
        checks.append((f"review POST >= {TARGETS['post_rps']:.0f}/s, p95 <= "
                       f"{TARGETS['post_p95_ms']:.0f} ms, none lost",
                       post.rps >= TARGETS["post_rps"] and post.p95_ms <= TARGETS["post_p95_ms"]
                       and lost <= 0 and post.errors == 0))  # fmt: skip
    workers = [v for k, v in heavy.memory_peak_mb.items() if not k.startswith("resource")]
    checks.append((f"memory <= {TARGETS['memory_mb']:.0f} MB per server process",
                   bool(workers) and max(workers) <= TARGETS["memory_mb"]))  # fmt: skip
    if heavy.db_query_p95_ms is not None:
        checks.append((f"database query p95 < {TARGETS['db_query_p95_ms']:.0f} ms",
                       heavy.db_query_p95_ms < TARGETS["db_query_p95_ms"]))  # fmt: skip
    return checks


def transfer_table(trips: list[transfer.RoundTrip]) -> str:
    lines = [
        "| history | file MB | export s | export peak MB | import s | import peak MB "
        "| derived state |",
        "|---|---|---|---|---|---|---|",
    ]
    for trip in trips:
        lines.append(
            f"| {trip.reviews:,} answers | {trip.file_mb} | {trip.export.seconds:.1f} "
            f"| {trip.export.peak_memory_mb:.0f} | {trip.import_.seconds:.1f} "
            f"| {trip.import_.peak_memory_mb:.0f} "
            f"| {'identical' if trip.identical else 'DIFFERS: ' + '; '.join(trip.differences)} |"
        )
    return "\n".join(lines)


def machine() -> dict[str, Any]:
    cpu = ""
    with contextlib.suppress(OSError, StopIteration):
        cpu = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    memory_kb = 0
    with contextlib.suppress(OSError, ValueError, IndexError):
        memory_kb = int(Path("/proc/meminfo").read_text().split()[1])
    return {
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "memory_gb": round(memory_kb / 1024 / 1024, 1),
        "os": platform.platform(),
        "python": platform.python_version(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="5 s per endpoint, 2 s warm-up")
    parser.add_argument("--duration", type=float, help="seconds per endpoint (default 20)")
    parser.add_argument("--warmup", type=float, help="seconds of warm-up (default 5)")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=2, help="server worker processes")
    parser.add_argument("--datasets", default="light,heavy", help="portal datasets ('' for none)")
    parser.add_argument(
        "--xapi-datasets", default="light,heavy", help="xAPI datasets (10k, 1M statements)"
    )
    parser.add_argument("--only", nargs="*", help="run only endpoints whose label contains these")
    parser.add_argument("--driver", choices=["auto", "wrk", "python"], default="auto")
    parser.add_argument("--post-sessions", type=int, default=200)
    parser.add_argument("--port", type=int)
    parser.add_argument(
        "--no-extras", action="store_true", help="only the contract's endpoints, not other GETs"
    )
    parser.add_argument(
        "--no-derived", action="store_true", help="datasets without the learning engine's replay"
    )
    parser.add_argument(
        "--no-transfer", action="store_true", help="skip the history export/import round trip"
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--end-date", type=date.fromisoformat, help="default: today (UTC)")
    parser.add_argument("--data-dir", type=Path, default=BENCH / "data")
    parser.add_argument("--results-dir", type=Path, default=BENCH / "results")
    args = parser.parse_args(argv)
    args.duration = args.duration or (5.0 if args.quick else 20.0)
    args.warmup = args.warmup or (2.0 if args.quick else 5.0)
    args.data_dir.mkdir(parents=True, exist_ok=True)
    args.results_dir.mkdir(parents=True, exist_ok=True)
    tool = load_tool(args.driver)
    end = args.end_date or datetime.now(UTC).date()
    started = datetime.now(UTC)
    print(f"load from {tool}, {args.connections} connections, {args.duration:.0f} s per "
          f"endpoint, {args.workers} server workers", flush=True)  # fmt: skip
    runs = [run_dataset(name, args, tool, end) for name in args.datasets.split(",") if name]
    xapi_runs = [
        run_xapi_dataset(name, args, tool) for name in args.xapi_datasets.split(",") if name
    ]
    report = table(runs) if runs else ""
    checks = verdicts(runs) if runs else []
    round_trips = []
    if not args.no_transfer:
        for name in args.datasets.split(","):
            if not name:
                continue
            print(f"\n== {name}: history export and import back", flush=True)
            source = transfer.source_database(args.data_dir, DATASETS[name], args.seed)
            trip = transfer.round_trip(source, args.data_dir / f"transfer-{name}", DATASETS[name])
            round_trips.append(trip)
        if round_trips:
            report += "\n\n" + transfer_table(round_trips)
            checks.append(
                ("a history exports and imports back with identical derived state",
                 all(trip.identical for trip in round_trips))
            )  # fmt: skip
    if xapi_runs:
        report += ("\n\n" if report else "") + xapi_table(xapi_runs)
        checks += xapi_verdicts(xapi_runs)
    print("\n" + report)
    for label, ok in checks:
        print(f"{'MET    ' if ok else 'NOT MET'}  {label}")
    stamp = started.strftime("%Y%m%dT%H%M%SZ")
    out = args.results_dir / f"bench-{stamp}.json"
    out.write_text(
        json.dumps(
            {
                "started": started.isoformat(),
                "command": " ".join([Path(sys.argv[0]).name, *(argv or sys.argv[1:])]),
                "machine": machine(),
                "load_tool": tool,
                "connections": args.connections,
                "duration_s": args.duration,
                "workers": args.workers,
                "targets": TARGETS,
                "runs": [asdict(run) for run in runs],
                "history_round_trips": [asdict(trip) for trip in round_trips],
                "xapi_runs": [asdict(run) for run in xapi_runs],
                "checks": [{"target": label, "met": ok} for label, ok in checks],
                "table_markdown": report,
            },
            indent=2,
        )
    )
    (args.results_dir / "latest.json").write_text(out.read_text())
    print(f"\nwrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
