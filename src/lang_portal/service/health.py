"""/health by component (spec, "Service Health Management"): the database, the disk it lives
on, the backups and the maintenance runner, each with its status, when it was last checked,
how long the check took and how many errors it has seen.

A component is `up`, `degraded` (working, but look at it), `down`, or `disabled`. The service
is `unhealthy` (503) only when it cannot serve: the database cannot be read. A database that
refuses writes (read-only mode), a nearly full disk, old backups or a stopped runner make it
`degraded`, still 200: reads are served, and restarting the process (what a 503 makes an
orchestrator do) would not help any of them.
"""

from __future__ import annotations

import shutil
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from lang_portal import API_VERSION, __version__
from lang_portal.clock import from_stored
from lang_portal.database import BreakerState
from lang_portal.repository import maintenance as maintenance_repo
from lang_portal.service import backup
from lang_portal.service.maintenance import STALE_TICKS, TASK_NAMES, Maintenance, heartbeat

UP, DEGRADED, DOWN, DISABLED = "up", "degraded", "down", "disabled"
# Components other than the database are checked at most this often (health checks come every
# few seconds; listing directories each time would make /health the costliest route).
CACHE_SECONDS = 5.0
# The disk is degraded below both: a share of it and an absolute floor.
DISK_LOW_SHARE = 0.05
DISK_LOW_BYTES = 200 * 1024 * 1024


def _now_text() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _api_time(stored: str | None) -> str | None:
    if stored is None:
        return None
    return from_stored(stored).astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


@dataclass
class Component:
    component: str
    status: str
    last_checked: str
    latency_ms: float
    error_count: int
    details: dict[str, Any] = field(default_factory=dict)

    def body(self) -> dict[str, Any]:
        return {
            "component": self.component,
            "status": self.status,
            "last_checked": self.last_checked,
            "details": {
                "latency_ms": round(self.latency_ms, 3),
                "error_count": self.error_count,
                **self.details,
            },
        }


class HealthService:
    def __init__(self, maintenance: Maintenance) -> None:
        self.maintenance = maintenance
        self.context = maintenance.context
        self._errors: dict[str, int] = dict.fromkeys(
            ("database", "disk", "backups", "task_runner"), 0
        )
        self._cached: dict[str, tuple[float, tuple[str, dict[str, Any]]]] = {}
        self._lock = threading.Lock()

    # -- the report ----------------------------------------------------------------------------

    def report(self) -> tuple[int, dict[str, Any]]:
        """(HTTP status, body)."""
        database = self.database()
        checks = [
            (database.status, database.body()),
            self._cached_check("disk", self.disk),
            self._cached_check("backups", self.backups),
            self._cached_check("task_runner", self.task_runner),
        ]
        if database.status == DOWN:
            status, code = "unhealthy", 503
        elif any(check_status in (DEGRADED, DOWN) for check_status, _ in checks):
            status, code = "degraded", 200
        else:
            status, code = "healthy", 200
        body = {
            "status": status,
            "version": __version__,
            "api_version": API_VERSION,
            "environment": self.context.settings.environment,
            "timestamp": database.last_checked,
            "mode": database.details.get("mode", "unavailable"),
            "checks": [check_body for _, check_body in checks],
        }
        return code, body

    def _cached_check(self, name: str, check: Any) -> tuple[str, dict[str, Any]]:
        """(status, body) of a component, checked again once CACHE_SECONDS have passed."""
        now = time.monotonic()
        with self._lock:
            cached = self._cached.get(name)
            if cached is not None and now - cached[0] < CACHE_SECONDS:
                return cached[1]
        started = time.perf_counter()
        try:
            component: Component = check()
        except Exception as exc:
            component = Component(name, DOWN, _now_text(), 0, 0, {"error": type(exc).__name__})
        component.latency_ms = (time.perf_counter() - started) * 1000
        if component.status in (DEGRADED, DOWN):
            self._errors[name] += 1
        component.error_count = self._errors[name]
        result = (component.status, component.body())
        with self._lock:
            self._cached[name] = (now, result)
        return result

    # -- the components --------------------------------------------------------------------------

    def database(self) -> Component:
        db = self.context.db
        breaker = db.breaker
        details: dict[str, Any] = {"breaker": breaker.state.value}
        started = time.perf_counter()
        try:
            db.ping()
        except Exception as exc:  # any failure to query is "down", whatever its cause
            latency = (time.perf_counter() - started) * 1000
            self._errors["database"] += 1
            details.update(
                mode="unavailable",
                reason=db.write_problem() or "unavailable",
                error=type(exc).__name__,
            )
            return Component(
                "database", DOWN, _now_text(), latency, self._error_count(breaker), details
            )
        latency = (time.perf_counter() - started) * 1000
        # Readable is not enough: a database that refuses writes loses every answer sent to it.
        problem = db.write_problem()
        if breaker.state is not BreakerState.CLOSED:
            details.update(
                mode="read_only",
                reason=breaker.last_fault or problem or "unavailable",
                retry_after_seconds=round(breaker.retry_after(), 1),
            )
        elif problem is not None:
            details.update(mode="read_only", reason=problem)
        else:
            details["mode"] = "read_write"
        status = UP if details["mode"] == "read_write" else DEGRADED
        return Component(
            "database", status, _now_text(), latency, self._error_count(breaker), details
        )

    def _error_count(self, breaker: Any) -> int:
        return int(self._errors["database"] + breaker.failures_total)

    def disk(self) -> Component:
        directory = self.context.settings.database_path.resolve().parent
        usage = shutil.disk_usage(_existing(directory))
        share = usage.free / usage.total if usage.total else 0.0
        low = share < DISK_LOW_SHARE and usage.free < DISK_LOW_BYTES
        return Component(
            "disk",
            DEGRADED if low else UP,
            _now_text(),
            0,
            0,
            {
                "path": str(directory),
                "free_bytes": usage.free,
                "total_bytes": usage.total,
                "free_percent": round(share * 100, 2),
            },
        )

    def backups(self) -> Component:
        settings = self.context.settings
        found = backup.list_backups(settings.backup_path)
        latest = found[-1] if found else None
        age_hours = None
        if latest is not None:
            age_hours = round((time.time() - latest.stat().st_mtime) / 3600, 2)
        runs = self._runs()
        last_task = runs.get("backup")
        details: dict[str, Any] = {
            "count": len(found),
            "latest": latest.name if latest else None,
            "age_hours": age_hours,
            "last_run_status": last_task["status"] if last_task else None,
        }
        interval = self.maintenance.interval("backup")
        failed = last_task is not None and last_task["status"] in ("failed", "timeout")
        if interval is None:
            status = DISABLED
        else:
            overdue = age_hours is not None and age_hours > 2 * _hours(interval)
            status = DEGRADED if failed or overdue else UP
        return Component("backups", status, _now_text(), 0, 0, details)

    def task_runner(self) -> Component:
        settings = self.context.settings
        runs = self._runs()
        tasks = {
            name: {
                "status": row["status"],
                "last_run": _api_time(row["started_at"]),
                "finished": _api_time(row["finished_at"]),
                "duration_ms": row["duration_ms"],
                "attempts": row["attempts"],
                "result": row["detail"],
                "runs_ok": row["runs_ok"],
                "runs_failed": row["runs_failed"],
            }
            for name, row in runs.items()
        }
        schedule = {
            name: None if (every := self.maintenance.interval(name)) is None else _hours(every)
            for name in TASK_NAMES
        }
        beat = heartbeat(settings.database_path)
        details: dict[str, Any] = {
            "runner_pid": beat.pid,
            "heartbeat_age_seconds": None if beat.age_seconds is None else round(beat.age_seconds),
            "interval_hours": schedule,
            "tasks": tasks,
        }
        failing = [name for name, row in runs.items() if row["status"] in ("failed", "timeout")]
        if not settings.maintenance_enabled:
            status = DISABLED
        elif beat.age_seconds is None or beat.age_seconds > (
            # a task may run up to its timeout between two beats
            STALE_TICKS * settings.maintenance_tick_seconds
            + settings.maintenance_task_timeout_seconds
        ):
            status = DOWN
            details["problem"] = "no runner has refreshed its heartbeat"
        elif failing:
            status = DEGRADED
            details["failing"] = failing
        else:
            status = UP
        return Component("task_runner", status, _now_text(), 0, 0, details)

    def _runs(self) -> dict[str, Any]:
        with self.context.db.read() as connection:
            return {row["task"]: row for row in maintenance_repo.task_runs(connection)}


def _hours(interval: timedelta) -> float:
    return round(interval.total_seconds() / 3600, 3)


def _existing(directory: Path) -> Path:
    """The nearest directory that exists (the database's may be missing: that is reported by
    the database component)."""
    while not directory.exists() and directory != directory.parent:
        directory = directory.parent
    return directory
