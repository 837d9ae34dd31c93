"""Storage faults: a read-only database, a missing or unwritable directory, a full disk.

Each gives a clear 503 DATABASE_ERROR to writes, never a corrupted file, and a health that says
what is wrong: 503 when nothing can be read, 200 "degraded" in read-only mode (a full disk).
The circuit breaker is tested here too, on a real full disk.
The read-only and full-disk cases need to mount a small tmpfs (root, as in CI); where that is
not allowed they are skipped with the reason.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from lang_portal.app import build_services, create_app
from lang_portal.clock import SystemClock
from lang_portal.settings import Settings, load_settings
from tests.conftest import FIXTURE_SEEDS
from tests.helpers import migrated_services, record_answer, review_path, start_session
from tests.reliability.figures import record_figure


def _settings(path: Path, **overrides: Any) -> Settings:
    return load_settings(database_path=path, timezone="UTC", rate_limit_enabled=False, **overrides)


def _seeded(path: Path) -> None:
    migrated_services(_settings(path), SystemClock(), FIXTURE_SEEDS).context.db.close()


@pytest.fixture
def client_for() -> Iterator[Any]:
    opened: list[tuple[TestClient, Any]] = []

    def open_client(path: Path, **overrides: Any) -> TestClient:
        services = build_services(
            _settings(path, **overrides), SystemClock(), seeds_dir=FIXTURE_SEEDS
        )
        client = TestClient(create_app(services.context.settings, services=services))
        client.__enter__()
        opened.append((client, services))
        return client

    yield open_client
    for client, services in opened:
        client.__exit__(None, None, None)
        services.context.db.close()


def _mount_tmpfs(target: Path, size: str) -> None:
    target.mkdir(parents=True, exist_ok=True)
    if shutil.which("mount") is None:
        pytest.skip("no mount command: cannot make a small or read-only filesystem")
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(target)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({done.stderr.strip()}); needs root")


def _umount(target: Path) -> None:
    subprocess.run(["umount", "-l", str(target)], capture_output=True, check=False)


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Path]:
    target = tmp_path / "small"
    _mount_tmpfs(target, "3m")
    yield target
    _umount(target)


def _integrity(path: Path) -> str:
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return str(connection.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        connection.close()


def _assert_database_error(response: Any) -> None:
    assert response.status_code == 503, response.text
    error = response.json()["error"]
    assert error["code"] == "DATABASE_ERROR"
    assert error["message"]


def _database_check(response: Any) -> dict[str, Any]:
    return next(c for c in response.json()["checks"] if c["component"] == "database")


def test_missing_directory_gives_503_health_and_503_writes(client_for: Any, tmp_path: Path) -> None:
    client = client_for(tmp_path / "gone" / "words.db")
    health = client.get("/health")
    assert health.status_code == 503  # nothing can be read: the service cannot serve
    assert health.json()["status"] == "unhealthy"
    assert _database_check(health)["details"]["reason"] == "missing_directory"
    _assert_database_error(client.get("/api/v1/words"))
    _assert_database_error(client.post("/api/v1/groups", json={"name": "Nowhere"}))
    assert not (tmp_path / "gone").exists()


def test_full_disk_refuses_writes_with_503_and_keeps_the_file_intact(
    client_for: Any, tmpfs: Path
) -> None:
    database = tmpfs / "words.db"
    _seeded(database)
    client = client_for(database)
    session_id = start_session(client)
    record_answer(client, session_id, 1, True)
    before = _stored_reviews(database)

    filler = tmpfs / "filler"
    with filler.open("wb") as handle:
        try:
            while True:
                handle.write(b"\0" * 65536)
                handle.flush()
        except OSError:
            pass  # the disk is full: that is the point

    refused = 0
    for attempt in range(40):
        response = client.post(
            "/api" + review_path(session_id, 1 + attempt % 5),
            json={"correct": attempt % 2 == 0, "duration_ms": 1000},
        )
        if response.status_code == 201:
            continue  # a page still free in the file took it
        _assert_database_error(response)
        assert response.json()["error"]["details"]["reason"] == "disk_full"
        refused += 1
        break
    assert refused, "40 answers fitted on a full disk: the fault was not simulated"
    # Reads are still served: degraded (read-only), not a 503 that would get it restarted.
    health = client.get("/health")
    assert health.status_code == 200, health.text
    assert health.json()["status"] == "degraded"
    assert health.json()["mode"] == "read_only"
    assert _database_check(health)["details"]["reason"] == "disk_full"
    assert client.get("/api/v1/words").status_code == 200

    filler.unlink()
    assert _integrity(database) == "ok"
    # Space is back: the next write goes in, and health says so.
    record_answer(client, session_id, 2, True)
    assert client.get("/health").json()["mode"] == "read_write"
    assert _stored_reviews(database) > before
    assert _integrity(database) == "ok"
    record_figure("storage_full_disk", {"refused_with_503": True, "integrity_check": "ok"})


def _stored_reviews(path: Path) -> int:
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return int(connection.execute("SELECT count(*) FROM word_review_items").fetchone()[0])
    finally:
        connection.close()


@pytest.fixture
def read_only_view(tmp_path: Path) -> Iterator[tuple[Path, Path]]:
    """A writable tmpfs and a read-only bind mount of it: root cannot write through the view."""
    writable, view = tmp_path / "rw", tmp_path / "ro"
    _mount_tmpfs(writable, "8m")
    view.mkdir()
    steps = [
        ["mount", "--bind", str(writable), str(view)],
        ["mount", "-o", "remount,ro,bind", str(view)],
    ]
    for step in steps:
        done = subprocess.run(step, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            _umount(view)
            _umount(writable)
            pytest.skip(f"cannot make a read-only bind mount ({done.stderr.strip()})")
    yield writable, view
    _umount(view)
    _umount(writable)


def test_read_only_database_gives_503_health_and_503_writes(
    client_for: Any, read_only_view: tuple[Path, Path]
) -> None:
    writable, view = read_only_view
    _seeded(writable / "words.db")
    client = client_for(view / "words.db")

    # SQLite cannot open a WAL database on a read-only mount even to read it (no -shm can be
    # made): the service cannot serve, so this one is a 503.
    health = client.get("/health")
    assert health.status_code == 503, health.text
    assert _database_check(health)["details"]["reason"] == "read_only"
    response = client.post("/api/v1/groups", json={"name": "Read only"})
    _assert_database_error(response)
    assert response.json()["error"]["details"]["reason"] == "read_only"
    assert _integrity(writable / "words.db") == "ok"


def test_unwritable_directory_gives_503_health(
    client_for: Any, read_only_view: tuple[Path, Path]
) -> None:
    _, view = read_only_view
    client = client_for(view / "new.db")  # no file, and the directory refuses to make one
    assert client.get("/health").status_code == 503  # no database to read
    _assert_database_error(client.post("/api/v1/groups", json={"name": "Nowhere"}))


def _fill(tmpfs: Path) -> Path:
    filler = tmpfs / "filler"
    with filler.open("wb") as handle:
        try:
            while True:
                handle.write(b"\0" * 65536)
                handle.flush()
        except OSError:
            pass  # the disk is full
    return filler


def _metric(client: TestClient, name: str) -> float:
    for line in client.get("/metrics").text.splitlines():
        if line.startswith(name + " ") or line.startswith(name + "{"):
            return float(line.rsplit(" ", 1)[1])
    raise AssertionError(f"{name} not in /metrics")


def _review(client: TestClient, session_id: int, word_id: int) -> Any:
    return client.post(
        f"/api/v1/study_sessions/{session_id}/words/{word_id}/review",
        json={"correct": True, "duration_ms": 900},
    )


def _open_breaker(client: TestClient, session_id: int) -> int:
    """Answer on a full disk until the breaker opens; returns the storage failures seen."""
    failures = 0
    for attempt in range(60):
        response = _review(client, session_id, 1 + attempt % 5)
        if response.status_code == 201:
            continue  # a free page in the file took it
        assert response.status_code == 503, response.text
        details = response.json()["error"]["details"]
        if details.get("mode") == "read_only":
            return failures
        assert details["reason"] == "disk_full"
        failures += 1
    raise AssertionError("the breaker never opened")


def test_breaker_opens_after_repeated_write_failures_serves_reads_and_a_probe_closes_it(
    client_for: Any, tmpfs: Path
) -> None:
    database = tmpfs / "words.db"
    _seeded(database)
    client = client_for(database, breaker_max_failures=3, breaker_reset_timeout_seconds=1)
    # the breaker's time moves only by hand: a slow machine cannot reach the reset timeout early
    now = [0.0]
    client.app.state.services.context.db.breaker.clock = lambda: now[0]
    session_id = start_session(client)
    filler = _fill(tmpfs)

    failures = _open_breaker(client, session_id)
    assert failures == 3  # BREAKER_MAX_FAILURES storage failures in a row, then fail fast
    written_failures = _metric(client, "database_write_failures_total")
    refused = _review(client, session_id, 2)
    assert refused.status_code == 503
    assert refused.json()["error"]["code"] == "DATABASE_ERROR"
    assert refused.json()["error"]["details"] == {
        "reason": "disk_full",
        "mode": "read_only",
        "retry_after": 1,
    }
    assert refused.headers["retry-after"] == "1"
    # fail fast: the refused write never reached the disk
    assert _metric(client, "database_write_failures_total") == written_failures
    # read-only mode: reads are served, health says so without a 503
    assert client.get("/api/v1/words").status_code == 200
    assert client.get(f"/api/v1/study_sessions/{session_id}").status_code == 200
    health = client.get("/health")
    assert health.status_code == 200
    assert health.json()["status"] == "degraded"
    assert health.json()["mode"] == "read_only"
    check = _database_check(health)
    assert check["details"]["breaker"] == "open"
    assert check["details"]["error_count"] >= 3
    assert _metric(client, "database_circuit_breaker_state") == 2

    # After the reset timeout one probe write decides: the disk is still full, so it fails and
    # the breaker opens again at once (one failure is enough for a probe).
    now[0] += 1.1
    probe = _review(client, session_id, 3)
    assert probe.status_code == 503
    assert probe.json()["error"]["details"]["reason"] == "disk_full"
    assert "mode" not in probe.json()["error"]["details"]  # it was tried, not refused
    assert _review(client, session_id, 3).json()["error"]["details"]["mode"] == "read_only"

    # Space is back: after the reset timeout the probe goes in and writes are open again.
    filler.unlink()
    now[0] += 1.1
    assert _review(client, session_id, 4).status_code == 201
    assert _review(client, session_id, 5).status_code == 201
    health = client.get("/health")
    assert health.json()["mode"] == "read_write"
    assert _database_check(health)["details"]["breaker"] == "closed"
    assert _metric(client, "database_circuit_breaker_state") == 0
    assert _integrity(database) == "ok"
