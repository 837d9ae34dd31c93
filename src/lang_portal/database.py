"""The one class that owns SQLite connections: parallel readers, a single writer.

Readers get a connection per thread, opened read-only so that a read path can never write.
Writes go through one connection behind a lock, in `BEGIN IMMEDIATE` transactions, so writers
within a process queue here instead of failing on SQLITE_BUSY. Between processes (several
server workers, a CLI backup) writers queue on an advisory file lock beside the database:
SQLite's own busy handler would also make them wait, but by sleeping in growing steps, which
under steady write load left answers waiting over a second while the lock sat free. The busy
timeout stays as the fallback. WAL mode lets readers go on while a write is in progress.
"""

from __future__ import annotations

import enum
import fcntl
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, Literal, TypeVar

SynchronousMode = Literal["off", "normal", "full", "extra"]

logger = logging.getLogger("lang_portal.database")

QueryObserver = Callable[[str, float], None]
T = TypeVar("T")

# Writes that share one transaction at most: bounds the wait of the last one in the group.
MAX_GROUPED_WRITES = 64


@dataclass
class _Job(Generic[T]):
    """One caller's work in a group commit, and what came of it."""

    work: Callable[[sqlite3.Connection], T]
    result: T | None = None
    error: BaseException | None = None
    finished: bool = False


# A reading connection's identity and its `PRAGMA data_version`: SQLite's number moves on every
# commit made by another connection (another thread's writer, another worker's), and is per
# connection, hence the connection in the token.
DataVersion = tuple[int, int]


def data_version(connection: sqlite3.Connection) -> DataVersion:
    """The version of the database as `connection` sees it (inside a snapshot: the snapshot's)."""
    return id(connection), int(connection.execute("PRAGMA data_version").fetchone()[0])


class DatabaseUnavailableError(Exception):
    """The database file cannot be opened or used (missing directory, permissions, corruption)."""


class WritesSuspendedError(DatabaseUnavailableError):
    """The circuit breaker is open: writes are refused at once until `retry_after` seconds."""

    def __init__(self, reason: str, retry_after: float) -> None:
        super().__init__(f"writes suspended after repeated failures ({reason})")
        self.reason = reason
        self.retry_after = retry_after


class BreakerState(enum.Enum):
    CLOSED = "closed"  # writes go through
    OPEN = "open"  # writes fail fast; reads go on (read-only mode)
    HALF_OPEN = "half_open"  # one probe write is under way; it decides


class CircuitBreaker:
    """The spec's database breaker: after `max_failures` storage faults in a row, writes fail
    fast for `reset_timeout` seconds; then the next write is the probe, and its outcome closes
    the breaker or opens it again. Busy databases and refused rows are no storage fault and do
    not count. Per process: every worker finds out for itself."""

    def __init__(
        self,
        max_failures: int = 5,
        reset_timeout: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_failures = max_failures
        self.reset_timeout = reset_timeout
        # monotonic seconds; public so that a test can move time by hand
        self.clock = clock
        self._lock = threading.Lock()
        self.state = BreakerState.CLOSED
        self.consecutive_failures = 0
        self.failures_total = 0
        self.opened_total = 0
        self.last_fault: str | None = None
        self._opened_at = 0.0
        # Told (state, whether a storage failure was just counted) after every change.
        self.listeners: list[Callable[[BreakerState, bool], None]] = []

    @property
    def level(self) -> int:
        """0 closed, 1 half-open, 2 open: for a gauge."""
        return {BreakerState.CLOSED: 0, BreakerState.HALF_OPEN: 1, BreakerState.OPEN: 2}[self.state]

    def _tell(self, storage_failure: bool = False) -> None:
        for listener in self.listeners:
            listener(self.state, storage_failure)

    def retry_after(self) -> float:
        return max(0.0, self._opened_at + self.reset_timeout - self.clock())

    def before_write(self) -> None:
        """Raise WritesSuspendedError unless this write may go ahead (maybe as the probe)."""
        with self._lock:
            if self.state is BreakerState.CLOSED:
                return
            if self.state is BreakerState.OPEN and self.retry_after() <= 0:
                self.state = BreakerState.HALF_OPEN  # this caller's write is the probe
                self._tell()
                return
            raise WritesSuspendedError(
                self.last_fault or "unavailable", max(1.0, self.retry_after())
            )

    def succeeded(self) -> None:
        with self._lock:
            changed = self.state is not BreakerState.CLOSED
            self.state = BreakerState.CLOSED
            self.consecutive_failures = 0
            if changed:
                self._tell()

    def failed(self, fault: str | None) -> None:
        """A write ended; `fault` is its storage fault, None if it failed for another reason."""
        with self._lock:
            if fault is None:
                # refused for its content (a constraint, a busy lock): the storage works
                if self.state is BreakerState.HALF_OPEN:
                    self.state = BreakerState.CLOSED
                    self._tell()
                self.consecutive_failures = 0
                return
            self.failures_total += 1
            self.consecutive_failures += 1
            self.last_fault = fault
            if (
                self.state is BreakerState.HALF_OPEN
                or self.consecutive_failures >= self.max_failures
            ):
                if self.state is not BreakerState.OPEN:
                    self.opened_total += 1
                self.state = BreakerState.OPEN
                self._opened_at = self.clock()
            self._tell(storage_failure=True)


_FAULT_REASONS = {
    "SQLITE_FULL": "disk_full",
    "SQLITE_READONLY": "read_only",
    "SQLITE_IOERR": "io_error",
    "SQLITE_CANTOPEN": "unavailable",
    "SQLITE_CORRUPT": "corrupt",
    "SQLITE_NOTADB": "corrupt",
}


def storage_fault(exc: BaseException) -> str | None:
    """What a storage error says is wrong with the disk or the file, or None for anything else
    (a busy database, a constraint, a bug), which is no fault of the storage."""
    if isinstance(exc, DatabaseUnavailableError):
        cause = exc.__cause__
        return storage_fault(cause) if isinstance(cause, sqlite3.Error) else "unavailable"
    if not isinstance(exc, sqlite3.Error):
        return None
    name = getattr(exc, "sqlite_errorname", "") or ""
    for prefix, reason in _FAULT_REASONS.items():
        if name == prefix or name.startswith(prefix + "_"):
            return reason
    return None


class Database:
    def __init__(
        self,
        path: Path | str,
        *,
        busy_timeout_ms: int = 5000,
        synchronous: SynchronousMode = "full",
        breaker: CircuitBreaker | None = None,
    ) -> None:
        self.path = Path(path)
        self.breaker = breaker or CircuitBreaker()
        self.busy_timeout_ms = busy_timeout_ms
        self.synchronous = synchronous
        self._local = threading.local()
        self._write_lock = threading.Lock()
        self._pending_lock = threading.Lock()
        self._pending: list[_Job[Any]] = []
        self._writer: sqlite3.Connection | None = None
        self._readers: list[sqlite3.Connection] = []
        self._readers_lock = threading.Lock()
        self._closed = False
        self._process_lock_fd: int | None = None
        self._process_lock_tried = False
        # Set by a write that failed for a storage fault, cleared by the next one that commits.
        self.write_fault: str | None = None
        # Told (operation, seconds) after each read, snapshot and write block: the metrics hook.
        self.observers: list[QueryObserver] = []

    # -- connections -------------------------------------------------------------------------

    def _open(self, *, readonly: bool) -> sqlite3.Connection:
        if self._closed:
            raise DatabaseUnavailableError("the database has been closed")
        if not self.path.parent.exists():
            raise DatabaseUnavailableError(f"directory {self.path.parent} does not exist")
        uri = f"file:{self.path.resolve()}{'?mode=ro' if readonly else ''}"
        try:
            connection = sqlite3.connect(
                uri,
                uri=True,
                isolation_level=None,  # we issue BEGIN/COMMIT ourselves
                check_same_thread=False,
                timeout=self.busy_timeout_ms / 1000,
                cached_statements=256,
            )
            connection.row_factory = sqlite3.Row
            connection.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout_ms)}")
            connection.execute("PRAGMA foreign_keys = ON")
            if not readonly:
                connection.execute("PRAGMA journal_mode = WAL")
                connection.execute(f"PRAGMA synchronous = {self.synchronous.upper()}")
            connection.execute("PRAGMA cache_size = -16000")
        except sqlite3.Error as exc:
            raise DatabaseUnavailableError(f"cannot open {self.path}: {exc}") from exc
        return connection

    def _reader(self) -> sqlite3.Connection:
        connection: sqlite3.Connection | None = getattr(self._local, "reader", None)
        if connection is None:
            connection = self._open(readonly=True)
            self._local.reader = connection
            with self._readers_lock:
                self._readers.append(connection)
        return connection

    def _writer_connection(self) -> sqlite3.Connection:
        if self._writer is None:
            self._writer = self._open(readonly=False)
        return self._writer

    # -- use -----------------------------------------------------------------------------------

    def _observe(self, operation: str, started: float) -> None:
        elapsed = time.perf_counter() - started
        for observer in self.observers:
            observer(operation, elapsed)

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """A connection for reading; wrap several queries in one snapshot with `snapshot()`."""
        started = time.perf_counter()
        try:
            yield self._reader()
        finally:
            if self.observers:
                self._observe("read", started)

    @contextmanager
    def snapshot(self) -> Iterator[sqlite3.Connection]:
        """Several reads that must agree with each other (a page and its total)."""
        started = time.perf_counter()
        connection = self._reader()
        connection.execute("BEGIN")
        try:
            yield connection
        finally:
            connection.execute("COMMIT")
            if self.observers:
                self._observe("snapshot", started)

    @contextmanager
    def private_snapshot(self) -> Iterator[sqlite3.Connection]:
        """A snapshot on a connection of its own, for a long read whose steps may run on
        different threads (a streamed download): no other request shares its transaction."""
        connection = self._open(readonly=True)
        try:
            connection.execute("BEGIN")
            yield connection
            connection.execute("COMMIT")
        finally:
            connection.close()

    @property
    def process_lock_path(self) -> Path:
        return self.path.with_name(self.path.name + "-writer.lock")

    def _process_lock(self) -> int | None:
        """The file lock writers of every process queue on; None where it cannot be made."""
        if not self._process_lock_tried:
            self._process_lock_tried = True
            try:
                self._process_lock_fd = os.open(
                    self.process_lock_path, os.O_RDWR | os.O_CREAT, 0o644
                )
            except OSError:
                self._process_lock_fd = None  # e.g. a read-only directory: busy timeout only
        return self._process_lock_fd

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: all of it commits, or none of it does."""
        with self._write_lock, self._transaction() as connection:
            yield connection

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction on the writer; the caller holds `_write_lock`."""
        self.breaker.before_write()
        started = time.perf_counter()
        try:
            connection = self._writer_connection()
        except (sqlite3.Error, DatabaseUnavailableError) as exc:
            self._note_write_fault(exc)
            raise
        lock_fd = self._process_lock()
        if lock_fd is not None:
            fcntl.flock(lock_fd, fcntl.LOCK_EX)
        try:
            try:
                connection.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                self._note_write_fault(exc)
                raise
            try:
                yield connection
                connection.execute("COMMIT")
            except BaseException as exc:
                # SQLite may already have rolled back (a full disk can end the
                # transaction): a ROLLBACK then would raise and hide the real error, and a
                # transaction left open after a failed COMMIT would refuse every BEGIN.
                if connection.in_transaction:
                    connection.execute("ROLLBACK")
                self._note_write_fault(exc)
                raise
            else:
                self.write_fault = None
                self.breaker.succeeded()
        finally:
            if lock_fd is not None:
                fcntl.flock(lock_fd, fcntl.LOCK_UN)
            if self.observers:
                self._observe("write", started)

    @contextmanager
    def write_within(self, expired: Callable[[], bool]) -> Iterator[sqlite3.Connection]:
        """A write transaction that SQLite abandons (OperationalError "interrupted") as soon as
        `expired()` says so (asked every few thousand steps): for maintenance, never for an
        answer."""
        with self._write_lock, self._transaction() as connection:

            def past_deadline() -> int:
                return 1 if expired() else 0

            connection.set_progress_handler(past_deadline, 10_000)
            try:
                yield connection
            finally:
                connection.set_progress_handler(None, 0)

    def write_grouped(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """Run `work` in a write transaction shared with the writes queued meanwhile (group
        commit): one COMMIT, so one fsync, for all of them.

        Each piece of work runs in its own savepoint, so one that raises is rolled back alone
        and its caller gets its error; the others commit. Every caller returns only after the
        COMMIT that holds its work, so an acknowledged write is as durable as with `write()`.
        Work must not keep state outside the database that a rollback would not undo.
        """
        job: _Job[T] = _Job(work)
        with self._pending_lock:
            self._pending.append(job)
        with self._write_lock:
            if not job.finished:
                with self._pending_lock:
                    batch = self._pending[:MAX_GROUPED_WRITES]
                    del self._pending[:MAX_GROUPED_WRITES]
                self._run_group(batch)
        if job.error is not None:
            raise job.error
        return job.result  # type: ignore[return-value]

    def _run_group(self, batch: list[_Job[Any]]) -> None:
        try:
            with self._transaction() as connection:
                for job in batch:
                    connection.execute("SAVEPOINT grouped_write")
                    try:
                        job.result = job.work(connection)
                    except Exception as exc:
                        if not connection.in_transaction or storage_fault(exc) is not None:
                            raise  # the transaction as a whole is lost: every job fails
                        connection.execute("ROLLBACK TO grouped_write")
                        connection.execute("RELEASE grouped_write")
                        job.error = exc
                    else:
                        connection.execute("RELEASE grouped_write")
        except BaseException as exc:
            for job in batch:
                if job.error is None:
                    job.error = exc
                    job.result = None
            if not isinstance(exc, Exception):
                raise
        finally:
            for job in batch:
                job.finished = True

    def data_version(self) -> DataVersion:
        """A token that changes whenever a write has been committed, by any connection.

        Read on this thread's reader, which never writes, so every commit moves it.
        """
        return data_version(self._reader())

    def _note_write_fault(self, exc: BaseException) -> None:
        if isinstance(exc, WritesSuspendedError):
            return
        reason = storage_fault(exc)
        if reason is not None:
            self.write_fault = reason
        if isinstance(exc, sqlite3.Error | DatabaseUnavailableError):
            self.breaker.failed(reason)

    def write_problem(self) -> str | None:
        """Why writes cannot succeed now ("read_only", "disk_full", ...), or None.

        What the file system says, else the last write's fault (access(2) reports a read-only
        mount or an immutable file even to root, whose permission bits are never checked).
        """
        if not self.path.parent.is_dir():
            return "missing_directory"
        target = self.path if self.path.exists() else self.path.parent
        if not os.access(target, os.W_OK):
            return "read_only"
        return self.write_fault

    def outside_transaction(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """Run `work` on the writer with no transaction open (VACUUM cannot run in one), in
        line with every other writer of every process."""
        with self._write_lock:
            connection = self._writer_connection()
            lock_fd = self._process_lock()
            if lock_fd is not None:
                fcntl.flock(lock_fd, fcntl.LOCK_EX)
            try:
                return work(connection)
            finally:
                if lock_fd is not None:
                    fcntl.flock(lock_fd, fcntl.LOCK_UN)

    def ensure_writable(self) -> None:
        """Open the writer now, so that a bad path is reported at start rather than mid-request."""
        with self._write_lock:
            self._writer_connection()

    def ping(self) -> float:
        """Run a real query; returns its latency in milliseconds."""
        started = time.perf_counter()
        with self.read() as connection:
            connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return (time.perf_counter() - started) * 1000

    def backup_to(self, target: Path) -> None:
        """Copy the whole database into `target` with SQLite's online backup, in one step.

        One step means one read transaction: the copy is the database as of a single moment,
        while writers (in this process or others) carry on thanks to WAL.
        """
        source = self._open(readonly=True)
        try:
            destination = sqlite3.connect(target)
            try:
                source.backup(destination, pages=-1)
                # A backup file must stand alone: no -wal beside it.
                destination.execute("PRAGMA journal_mode = DELETE")
            finally:
                destination.close()
        except sqlite3.Error as exc:
            raise DatabaseUnavailableError(f"cannot back up {self.path}: {exc}") from exc
        finally:
            source.close()

    def restore_from(self, source_path: Path) -> None:
        """Replace the whole content with the database at `source_path`, in one transaction.

        Done with the backup API into the live file under the write lock, so that other
        connections (even other processes) see either the old or the new database, never a mix.
        """
        source = sqlite3.connect(f"file:{source_path.resolve()}?mode=ro", uri=True)
        try:
            with self._write_lock:
                destination = self._writer_connection()
                source.backup(destination, pages=-1)
        finally:
            source.close()

    def close(self) -> None:
        """Close every connection; a WAL checkpoint runs as the writer closes."""
        with self._write_lock:
            self._closed = True
            with self._readers_lock:
                for connection in self._readers:
                    connection.close()
                self._readers.clear()
            if self._writer is not None:
                lock_fd = self._process_lock()
                try:
                    # In line with the other workers' writes, so that it rarely meets a locked
                    # database; worth doing, never worth failing a shutdown for (another
                    # process may still hold the database past the busy timeout, or the disk
                    # may have failed).
                    if lock_fd is not None:
                        fcntl.flock(lock_fd, fcntl.LOCK_EX)
                    self._writer.execute("PRAGMA optimize")
                except sqlite3.Error as exc:
                    logger.warning("PRAGMA optimize skipped at close: %s", exc)
                finally:
                    if lock_fd is not None:
                        fcntl.flock(lock_fd, fcntl.LOCK_UN)
                    self._writer.close()
                    self._writer = None
            if self._process_lock_fd is not None:
                os.close(self._process_lock_fd)
                self._process_lock_fd = None
        self._local = threading.local()
