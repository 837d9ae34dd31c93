"""The maintenance runner in a real `lang-portal serve` with two workers: one worker runs the
tasks, never both; every worker reports the same runs; when the runner's worker dies, the
worker that replaces it takes the tasks over."""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.reliability.server import running_server

INTERVAL_HOURS = 0.0004  # 1.44 s
ENV = {
    "LOG_LEVEL": "info",
    "LOG_FORMAT": "json",
    "MAINTENANCE_TICK_SECONDS": "0.3",
    "MAINTENANCE_CLEANUP_INTERVAL_HOURS": str(INTERVAL_HOURS),
    "MAINTENANCE_OPTIMIZE_INTERVAL_HOURS": str(INTERVAL_HOURS),
    "MAINTENANCE_VACUUM_INTERVAL_HOURS": "0",
}


def _log_lines(path: Path) -> list[dict[str, Any]]:
    lines = []
    for line in path.read_text(errors="replace").splitlines():
        if line.startswith("{"):
            lines.append(json.loads(line))
    return lines


def _health(base_url: str) -> dict[str, Any]:
    with httpx.Client(base_url=base_url, timeout=10) as client:  # a new connection each time
        body = client.get("/health").json()
    return next(c for c in body["checks"] if c["component"] == "task_runner")


def _parent_of(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("PPid:"):
            return int(line.split()[1])
    raise AssertionError(f"no parent for {pid}")


def _wait(condition: Any, timeout: float = 30.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)  # polling another process: there is no event to wait on
    raise AssertionError("condition not met in time")


@pytest.mark.slow
def test_one_worker_runs_the_tasks_and_another_takes_over_when_it_dies(tmp_path: Path) -> None:
    with running_server(tmp_path / "words.db", workers=2, **ENV) as server:
        started = time.monotonic()

        def runs(task: str) -> int:
            run = _health(server.base_url)["details"]["tasks"].get(task)
            return 0 if run is None else int(run["runs_ok"])

        _wait(lambda: runs("cleanup") >= 3)
        elapsed = time.monotonic() - started
        reports = [_health(server.base_url) for _ in range(8)]  # both workers answer some
        pids = {report["details"]["runner_pid"] for report in reports}
        assert len(pids) == 1, pids
        runner_pid = pids.pop()
        assert _parent_of(runner_pid) == server.process.pid  # a worker of this server
        assert all(report["status"] == "up" for report in reports)
        assert reports[-1]["details"]["tasks"]["optimize"]["status"] == "ok"

        lines = _log_lines(server.log_path)
        assert sum(line["message"] == "maintenance runner started" for line in lines) == 1
        task_pids = {
            line["details"]["pid"]
            for line in lines
            if line["message"].startswith("maintenance task ")
        }
        assert task_pids == {runner_pid}
        # one runner: at most one run per interval (two would run each task twice as often)
        assert runs("cleanup") <= elapsed / (INTERVAL_HOURS * 3600) + 2

        os.kill(runner_pid, signal.SIGKILL)
        new_pid = _wait(
            lambda: (pid := _health(server.base_url)["details"]["runner_pid"]) != runner_pid and pid
        )
        assert _parent_of(new_pid) == server.process.pid
        before = runs("cleanup")
        _wait(lambda: runs("cleanup") > before)
        lines = _log_lines(server.log_path)
        assert sum(line["message"] == "maintenance runner started" for line in lines) == 2
