"""Scheduled maintenance: the tasks, their schedule, and the runner inside the server.

Tasks (each can be run by hand: `lang-portal maintenance run TASK`):

* `cleanup` (daily): rows whose parent is gone, idempotency keys past their 24 h, rotated log
  files older than LOG_RETENTION_DAYS, archive files past RETENTION_WORD_HISTORY_DAYS.
* `optimize` (every 6 h): `ANALYZE` (bounded by `analysis_limit`) and `PRAGMA optimize`.
* `vacuum` (weekly): gives free pages back to the file system with `PRAGMA incremental_vacuum`
  in small steps, each its own short write transaction, so an answer waits at most one step
  (milliseconds) behind it. A full `VACUUM` (or `VACUUM INTO` and a swap) rewrites the whole
  file while holding the write lock, or needs every connection of every worker reopened on the
  new file: answers would wait for seconds, or be written to the old file and lost.
* `backup` (every BACKUP_INTERVAL_MINUTES, off by default): service.backup.
* `retention` (daily, and only with RETENTION_ENABLED): service.retention.

The runner lives in one worker only: the one holding a file lock beside the database (the
others skip it), like the scheduled backups before it. It records each run in
`maintenance_runs` (start, end, result, duration, attempts), which /health and /metrics read in
every worker, and refreshes a heartbeat in its lock file. Past MAINTENANCE_TASK_TIMEOUT_SECONDS a
task's SQL is interrupted (a progress handler) and long loops check it; a failed or timed
out attempt is retried MAINTENANCE_MAX_RETRIES times after MAINTENANCE_RETRY_BACKOFF_SECONDS,
doubling each time. On shutdown a running task is interrupted the same way.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import logging
import os
import sqlite3
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO

from lang_portal.clock import from_stored, to_stored
from lang_portal.database import Database
from lang_portal.repository import maintenance as maintenance_repo
from lang_portal.service import backup
from lang_portal.service.answers import IDEMPOTENCY_KEY_TTL
from lang_portal.service.context import ServiceContext
from lang_portal.service.retention import ARCHIVE_PREFIX, ARCHIVE_SUFFIX, RetentionService

logger = logging.getLogger("lang_portal.maintenance")

TASK_NAMES = ("cleanup", "optimize", "vacuum", "backup", "retention")
# The heartbeat is stale (the runner is gone) after this many ticks without a refresh.
STALE_TICKS = 3


class TaskTimeoutError(Exception):
    """The task ran past its timeout (or the server is stopping) and was interrupted."""


@dataclass
class Deadline:
    """When a task must stop: its timeout, or earlier if the server is stopping."""

    at: float
    stopping: threading.Event = field(default_factory=threading.Event)

    def expired(self) -> bool:
        return self.stopping.is_set() or time.monotonic() > self.at

    def check(self) -> None:
        if self.expired():
            raise TaskTimeoutError("timed out" if not self.stopping.is_set() else "stopping")

    def remaining(self) -> float:
        return 0.0 if self.stopping.is_set() else self.at - time.monotonic()


@dataclass(frozen=True)
class TaskOutcome:
    task: str
    status: str  # ok, failed, timeout
    attempts: int
    duration_ms: float
    detail: str


class Maintenance:
    """The tasks themselves, on one database."""

    def __init__(self, context: ServiceContext) -> None:
        self.context = context
        self.retention = RetentionService(context)

    @property
    def db(self) -> Database:
        return self.context.db

    def interval(self, task: str) -> timedelta | None:
        """How often the task runs; None when it is off."""
        settings = self.context.settings
        hours = {
            "cleanup": settings.maintenance_cleanup_interval_hours,
            "optimize": settings.maintenance_optimize_interval_hours,
            "vacuum": settings.maintenance_vacuum_interval_hours,
            "backup": settings.backup_interval_minutes / 60,
            "retention": settings.maintenance_retention_interval_hours
            if settings.retention_enabled
            else 0,
        }[task]
        return timedelta(hours=hours) if hours > 0 else None

    def run(self, task: str, deadline: Deadline, *, force: bool = False) -> str:
        """One attempt at `task`; returns what it did, in a line."""
        work: dict[str, Callable[[Deadline], str]] = {
            "cleanup": self.cleanup,
            "optimize": self.optimize,
            "vacuum": self.vacuum,
            "backup": self.backup,
            "retention": lambda deadline: self.archive(deadline, force=force),
        }
        return work[task](deadline)

    # -- the tasks -------------------------------------------------------------------------------

    def cleanup(self, deadline: Deadline) -> str:
        expired = to_stored(self.context.now() - IDEMPOTENCY_KEY_TTL)
        with self.db.write_within(deadline.expired) as connection:
            orphans = maintenance_repo.delete_orphans(connection)
            keys = maintenance_repo.delete_idempotency_keys_before(connection, expired)
        deadline.check()
        logs = self._prune_files(
            *self._log_files(), max_age=timedelta(days=self.context.settings.log_retention_days)
        )
        archives = self._prune_files(
            *sorted(self.retention.directory.glob(f"{ARCHIVE_PREFIX}*{ARCHIVE_SUFFIX}")),
            max_age=timedelta(days=self.context.settings.retention_word_history_days),
        )
        orphan_text = ", ".join(f"{n} {table}" for table, n in orphans.items()) or "none"
        return (
            f"orphaned rows removed: {orphan_text}; expired idempotency keys: {keys}; "
            f"old log files: {logs}; old archive files: {archives}"
        )

    def _log_files(self) -> list[Path]:
        log_file = self.context.settings.log_file
        if log_file is None or not log_file.parent.is_dir():
            return []
        # the rotated ones only (api.log.1, api.log.2, ...): the live file is never deleted
        return sorted(log_file.parent.glob(log_file.name + ".*"))

    def _prune_files(self, *paths: Path, max_age: timedelta) -> int:
        cutoff = time.time() - max_age.total_seconds()
        removed = 0
        for path in paths:
            with contextlib.suppress(FileNotFoundError):
                if path.is_file() and path.stat().st_mtime < cutoff:
                    path.unlink()
                    removed += 1
        return removed

    def optimize(self, deadline: Deadline) -> str:
        with self.db.write_within(deadline.expired) as connection:
            maintenance_repo.analyze(connection)
        with self.db.write_within(deadline.expired) as connection:
            maintenance_repo.optimize(connection)
        return "ANALYZE and PRAGMA optimize done"

    def vacuum(self, deadline: Deadline) -> str:
        step = self.context.settings.maintenance_vacuum_step_pages
        with self.db.read() as connection:
            mode = maintenance_repo.auto_vacuum_mode(connection)
            page_size = maintenance_repo.page_size(connection)
        if mode != 2:
            return (
                "skipped: the database is not in incremental auto-vacuum mode; "
                "`lang-portal migrate` (or `serve`) converts it once, before serving"
            )
        freed = steps = 0
        longest = 0.0
        while True:
            deadline.check()
            started = time.perf_counter()
            with self.db.write_within(deadline.expired) as connection:
                before = maintenance_repo.free_pages(connection)
                if before == 0:
                    break
                maintenance_repo.incremental_vacuum(connection, step)
                step_freed = before - maintenance_repo.free_pages(connection)
            if step_freed <= 0:
                break  # nothing more will come of it (never loop on a stuck freelist)
            freed += step_freed
            steps += 1
            longest = max(longest, time.perf_counter() - started)
        # a checkpoint cannot run inside a transaction; PASSIVE waits for no one
        self.db.outside_transaction(maintenance_repo.checkpoint)
        return (
            f"freed {freed} pages ({freed * page_size} bytes) in {steps} steps, "
            f"longest step {longest * 1000:.1f} ms"
        )

    def backup(self, deadline: Deadline) -> str:
        settings = self.context.settings
        result = backup.take_backup(
            self.db, settings.backup_path, self.context.now(), retention=settings.backup_retention
        )
        # The online backup is one step (one consistent moment) and cannot be cut short.
        deadline.check()
        return f"{result.path.name} ({result.size_bytes} bytes), pruned {len(result.pruned)}"

    def archive(self, deadline: Deadline, *, force: bool = False) -> str:
        if not (self.context.settings.retention_enabled or force):
            return "skipped: RETENTION_ENABLED is false"
        result = self.retention.archive_old_sessions(force=force, before_move=deadline.check)
        if result.path is None:
            return "no session old enough"
        return f"{result.sessions} sessions, {result.reviews} answers into {result.path.name}"

    # -- running, with retries -------------------------------------------------------------------

    def execute(
        self, task: str, *, stopping: threading.Event | None = None, force: bool = False
    ) -> TaskOutcome:
        """Run `task` with its timeout and retries, recording the run; never raises for the
        task's own failure (the outcome says it)."""
        settings = self.context.settings
        stopping = stopping or threading.Event()
        started_at = self.context.now_stored()
        started = time.perf_counter()
        self._record(lambda c: maintenance_repo.task_started(c, task, started_at))
        attempts, status, detail = 0, "failed", ""
        while True:
            attempts += 1
            deadline = Deadline(
                time.monotonic() + settings.maintenance_task_timeout_seconds, stopping
            )
            try:
                detail = self.run(task, deadline, force=force)
                status = "ok"
                break
            except Exception as exc:
                timed_out = isinstance(exc, TaskTimeoutError) or (
                    deadline.expired() and "interrupted" in str(exc)
                )
                status = "timeout" if timed_out else "failed"
                detail = f"{type(exc).__name__}: {exc}"
                logger.warning(
                    "maintenance task %s attempt %d %s: %s", task, attempts, status, detail
                )
            if attempts > settings.maintenance_max_retries or stopping.is_set():
                break
            backoff = settings.maintenance_retry_backoff_seconds * 2 ** (attempts - 1)
            if stopping.wait(backoff):
                break
        duration_ms = (time.perf_counter() - started) * 1000
        outcome = TaskOutcome(task, status, attempts, round(duration_ms, 3), detail)
        self._record(
            lambda c: maintenance_repo.task_finished(
                c,
                task,
                started_at=started_at,
                finished_at=self.context.now_stored(),
                status=status,
                duration_ms=outcome.duration_ms,
                attempts=attempts,
                detail=detail[:1000],
            )
        )
        log = logger.info if status == "ok" else logger.error
        log(
            "maintenance task %s: %s",
            task,
            status,
            extra={
                "details": {
                    "task": task,
                    "pid": os.getpid(),
                    "status": status,
                    "attempts": attempts,
                    "duration_ms": outcome.duration_ms,
                    "result": detail,
                }
            },
        )
        return outcome

    def _record(self, write: Callable[..., None]) -> None:
        """The ledger is for reporting: a run whose record cannot be written still counts."""
        try:
            with self.db.write() as connection:
                write(connection)
        except Exception as exc:
            logger.warning("cannot record a maintenance run: %s", exc)

    def due(self, now: datetime, since: datetime) -> list[str]:
        """The tasks whose interval has passed since their last start; one that never ran is
        due at once, except the backup, which waits one interval from `since` (the runner's
        start) as the backup schedule always did."""
        with self.db.read() as connection:
            last = {
                row["task"]: row["started_at"] for row in maintenance_repo.task_runs(connection)
            }
        due = []
        for task in TASK_NAMES:
            interval = self.interval(task)
            if interval is None:
                continue
            if task in last:
                previous = from_stored(last[task])
            elif task == "backup":
                previous = since
            else:
                due.append(task)
                continue
            if now - previous >= interval:
                due.append(task)
        return due


def enable_incremental_vacuum(db: Database) -> bool:
    """Put the database in incremental auto-vacuum mode, which the weekly vacuum needs.

    The setting takes effect with a full VACUUM, which holds the write lock while it rewrites
    the file: so it is done by `migrate` (and `serve` before it starts serving), never while
    answers come in; on a new, empty database it is instant. True if it converted a database
    that held tables.
    """

    def convert(connection: sqlite3.Connection) -> bool:
        if maintenance_repo.auto_vacuum_mode(connection) == 2:
            return False
        had_tables = maintenance_repo.has_tables(connection)
        maintenance_repo.set_incremental_auto_vacuum(connection)
        # even an empty file needs it: opening it in WAL mode has written its header already
        maintenance_repo.vacuum(connection)
        return had_tables

    return db.outside_transaction(convert)


# -- the runner in the server ----------------------------------------------------------------------


def lock_path(database_path: Path) -> Path:
    return database_path.with_name(database_path.name + "-maintenance.lock")


@contextlib.contextmanager
def runner_lock(database_path: Path) -> Iterator[IO[str] | None]:
    """The lock file, held, for the one process (of several workers) that wins it; else None."""
    path = lock_path(database_path)
    try:
        handle = path.open("a+")
    except OSError as exc:
        logger.warning("no maintenance runner: cannot open %s (%s)", path, exc)
        yield None
        return
    try:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield None
            return
        try:
            yield handle
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
    finally:
        handle.close()


def beat(handle: IO[str]) -> None:
    """The runner's heartbeat: its pid in the lock file, and the file's time."""
    handle.seek(0)
    handle.truncate()
    handle.write(str(os.getpid()))
    handle.flush()
    os.utime(handle.fileno())


@dataclass(frozen=True)
class Heartbeat:
    pid: int | None
    age_seconds: float | None


def heartbeat(database_path: Path) -> Heartbeat:
    path = lock_path(database_path)
    try:
        text = path.read_text().strip()
        age = time.time() - path.stat().st_mtime
    except OSError:
        return Heartbeat(None, None)
    return Heartbeat(int(text) if text.isdigit() else None, age)


class TaskRunner:
    """Runs the due tasks one at a time, every MAINTENANCE_TICK_SECONDS, until stopped."""

    def __init__(self, maintenance: Maintenance, lock_handle: IO[str]) -> None:
        self.maintenance = maintenance
        self.lock_handle = lock_handle
        self.stopping = threading.Event()
        # held by the thread running a tick: cancelling the asyncio task does not stop it
        self.busy = threading.Lock()
        self.started = maintenance.context.now()

    def tick(self) -> list[TaskOutcome]:
        with self.busy:
            beat(self.lock_handle)
            outcomes = []
            for task in self.maintenance.due(self.maintenance.context.now(), self.started):
                if self.stopping.is_set():
                    break
                outcomes.append(self.maintenance.execute(task, stopping=self.stopping))
                beat(self.lock_handle)
            return outcomes

    def wait_idle(self, timeout: float) -> bool:
        if self.busy.acquire(timeout=timeout):
            self.busy.release()
            return True
        return False

    async def run(self) -> None:
        seconds = self.maintenance.context.settings.maintenance_tick_seconds
        beat(self.lock_handle)
        while not self.stopping.is_set():
            # first tick one period after start: the server is serving by then
            await asyncio.sleep(seconds)
            try:
                await asyncio.to_thread(self.tick)
            except Exception:
                logger.exception("maintenance runner tick failed")


@contextlib.asynccontextmanager
async def running_tasks(maintenance: Maintenance) -> AsyncIterator[None]:
    """The runner for the lifetime of the app, in the one worker that wins the lock."""
    database_path = maintenance.context.settings.database_path
    with runner_lock(database_path) as handle:
        if handle is None:
            yield
            return
        runner = TaskRunner(maintenance, handle)
        logger.info("maintenance runner started", extra={"details": {"pid": os.getpid()}})
        task = asyncio.create_task(runner.run())
        try:
            yield
        finally:
            # interrupts a running task's SQL at once, then waits for its thread to return
            runner.stopping.set()
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            if not await asyncio.to_thread(runner.wait_idle, 30.0):
                logger.warning("a maintenance task did not stop within 30 s of shutdown")
