"""The maintenance tasks, their timeouts and retries, what /health and /metrics say of them,
and `lang-portal maintenance run`."""

from __future__ import annotations

import dataclasses
import os
import sqlite3
import threading
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from lang_portal import cli
from lang_portal.app import create_app
from lang_portal.clock import FixedClock, to_stored
from lang_portal.database import Database
from lang_portal.service.container import Services
from lang_portal.service.maintenance import (
    Deadline,
    Maintenance,
    TaskRunner,
    enable_incremental_vacuum,
    heartbeat,
    runner_lock,
)


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {"maintenance_retry_backoff_seconds": 0.01, "maintenance_max_retries": 2}


def _raw(services: Services) -> sqlite3.Connection:
    connection = sqlite3.connect(services.context.settings.database_path)
    connection.execute("PRAGMA foreign_keys = OFF")  # as an old tool or a manual edit would
    return connection


def _key(connection: sqlite3.Connection, key: str, created_at: str) -> None:
    connection.execute(
        "INSERT INTO idempotency_keys (scope, key, request_hash, review_ids, created_at) "
        "VALUES ('POST /review', ?, 'h', '[]', ?)",
        (key, created_at),
    )


def test_cleanup_removes_orphans_and_expired_keys_only(
    client: TestClient, services: Services, clock: FixedClock
) -> None:
    session = client.post("/api/v1/study_sessions", json={"group_id": 1, "study_activity_id": 1})
    session_id = session.json()["data"]["id"]
    assert (
        client.post(
            f"/api/v1/study_sessions/{session_id}/words/1/review", json={"correct": True}
        ).status_code
        == 201
    )
    now = clock.now()
    with _raw(services) as connection:
        connection.execute(
            "INSERT INTO word_review_items (word_id, study_session_id, correct, created_at) "
            "VALUES (1, 9999, 1, ?)",
            (to_stored(now),),
        )
        connection.execute(
            "INSERT INTO words_groups (word_id, group_id, created_at) VALUES (9999, 1, ?)",
            (to_stored(now),),
        )
        connection.execute(
            "INSERT INTO word_path (word_id, level_id, level_position, group_position)"
            " VALUES (9998, 1, 1, 1)"
        )
        _key(connection, "expired", to_stored(now - timedelta(hours=25)))
        _key(connection, "fresh", to_stored(now - timedelta(hours=23)))

    outcome = Maintenance(services.context).execute("cleanup")
    assert outcome.status == "ok", outcome.detail
    assert outcome.detail.startswith(
        "orphaned rows removed: 1 word_review_items, 1 words_groups, 1 word_path; "
        "expired idempotency keys: 1;"
    )
    with _raw(services) as connection:
        keys = [row[0] for row in connection.execute("SELECT key FROM idempotency_keys")]
        reviews = connection.execute("SELECT study_session_id FROM word_review_items").fetchall()
    assert keys == ["fresh"]
    assert reviews == [(session_id,)]  # the real answer stays
    assert client.get("/api/v1/learning_path").json()["data"]["levels"][0]["word_count"] == 5
    again = Maintenance(services.context).execute("cleanup")
    assert again.detail.startswith("orphaned rows removed: none; expired idempotency keys: 0;")


def test_cleanup_prunes_old_rotated_logs_and_archives(services: Services, tmp_path: Path) -> None:
    log_file = tmp_path / "logs" / "api.log"
    log_file.parent.mkdir()
    settings = services.context.settings.model_copy(update={"log_file": log_file})
    context = type(services.context)(
        db=services.context.db, settings=settings, clock=FixedClock(services.context.now())
    )
    for name in ("api.log", "api.log.1", "api.log.2"):
        (log_file.parent / name).write_text("x")
    old = time.time() - 31 * 86400
    os.utime(log_file.parent / "api.log.2", (old, old))
    os.utime(log_file, (old, old))  # the live file is never deleted, however old
    outcome = Maintenance(context).execute("cleanup")
    assert "old log files: 1;" in outcome.detail
    assert sorted(p.name for p in log_file.parent.iterdir()) == ["api.log", "api.log.1"]


def test_optimize_gathers_statistics(services: Services) -> None:
    outcome = Maintenance(services.context).execute("optimize")
    assert outcome.status == "ok"
    with services.context.db.read() as connection:
        tables = {row[0] for row in connection.execute("SELECT tbl FROM sqlite_stat1")}
    assert {"words", "groups", "words_groups"} <= tables  # those with rows


def _free_some_pages(db: Database) -> None:
    with db.write() as connection:
        connection.execute("CREATE TABLE filler (blob BLOB)")
        connection.executemany(
            "INSERT INTO filler VALUES (?)", [(os.urandom(3000),) for _ in range(600)]
        )
    with db.write() as connection:
        connection.execute("DROP TABLE filler")


def test_vacuum_gives_space_back_in_small_steps(services: Services) -> None:
    db = services.context.db
    assert enable_incremental_vacuum(db) is True  # an existing database: converted once
    assert enable_incremental_vacuum(db) is False
    _free_some_pages(db)
    with db.read() as connection:
        free_before = connection.execute("PRAGMA freelist_count").fetchone()[0]
    assert free_before > 400
    size_before = db.path.stat().st_size

    settings = services.context.settings.model_copy(update={"maintenance_vacuum_step_pages": 64})
    context = type(services.context)(db=db, settings=settings, clock=services.context.clock)
    outcome = Maintenance(context).execute("vacuum")
    assert outcome.status == "ok", outcome.detail
    steps = int(outcome.detail.split(" in ")[1].split()[0])
    assert steps == -(-free_before // 64)  # one short transaction per 64 pages
    with db.read() as connection:
        assert connection.execute("PRAGMA freelist_count").fetchone()[0] == 0
    db.outside_transaction(lambda c: c.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall())
    assert db.path.stat().st_size < size_before - 400 * 4096


def test_vacuum_is_skipped_until_the_database_is_converted(services: Services) -> None:
    outcome = Maintenance(services.context).execute("vacuum")
    assert outcome.status == "ok"
    assert outcome.detail.startswith("skipped: the database is not in incremental auto-vacuum")


def test_sql_past_its_deadline_is_interrupted(services: Services) -> None:
    long_query = (
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10000000) "
        "SELECT count(*) FROM n"
    )
    with (
        pytest.raises(sqlite3.OperationalError, match="interrupted"),
        services.context.db.write_within(Deadline(time.monotonic() + 0.05).expired) as connection,
    ):
        connection.execute(long_query).fetchone()
    # the writer is fine afterwards, and has no deadline left on it
    with services.context.db.write() as connection:
        assert connection.execute(long_query.replace("10000000", "300000")).fetchone()[0] == (
            300000
        )


def test_a_timed_out_task_is_retried_then_reported(services: Services) -> None:
    settings = services.context.settings.model_copy(
        update={"maintenance_task_timeout_seconds": 1e-9}
    )
    context = type(services.context)(
        db=services.context.db, settings=settings, clock=services.context.clock
    )
    outcome = Maintenance(context).execute("cleanup")
    assert (outcome.status, outcome.attempts) == ("timeout", 3)  # 1 + MAINTENANCE_MAX_RETRIES
    assert outcome.detail == "TaskTimeoutError: timed out"


def test_a_failing_task_is_retried_with_backoff_and_recorded(
    client: TestClient, services: Services, tmp_path: Path
) -> None:
    not_a_directory = tmp_path / "backups-file"
    not_a_directory.write_text("in the way")
    settings = services.context.settings.model_copy(
        update={"backup_path": not_a_directory, "maintenance_retry_backoff_seconds": 0.05}
    )
    context = type(services.context)(
        db=services.context.db, settings=settings, clock=services.context.clock
    )
    started = time.perf_counter()
    outcome = Maintenance(context).execute("backup")
    waited = time.perf_counter() - started
    assert (outcome.status, outcome.attempts) == ("failed", 3)
    assert "FileExistsError" in outcome.detail or "NotADirectoryError" in outcome.detail
    assert waited >= 0.05 + 0.1  # backoff doubles: 0.05 s, then 0.1 s

    health = client.get("/health").json()
    runner = next(c for c in health["checks"] if c["component"] == "task_runner")
    backup_run = runner["details"]["tasks"]["backup"]
    assert (backup_run["status"], backup_run["attempts"]) == ("failed", 3)
    assert backup_run["runs_failed"] == 1 and backup_run["duration_ms"] > 0
    assert runner["status"] == "degraded" and runner["details"]["failing"] == ["backup"]
    assert health["status"] == "degraded" and health["mode"] == "read_write"


def _samples(client: TestClient) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    found = {}
    for family in text_string_to_metric_families(client.get("/metrics").text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def test_runs_show_in_health_and_metrics(client: TestClient, services: Services) -> None:
    maintenance = Maintenance(services.context)
    assert maintenance.execute("optimize").status == "ok"
    assert maintenance.execute("cleanup").status == "ok"
    assert maintenance.execute("cleanup").status == "ok"
    samples = _samples(client)
    cleanup = (("task", "cleanup"),)
    assert samples[("maintenance_task_last_success", cleanup)] == 1
    assert samples[("maintenance_task_runs_total", (("result", "ok"), ("task", "cleanup")))] == 2
    assert samples[("maintenance_task_last_duration_seconds", cleanup)] > 0
    assert samples[("maintenance_task_last_run_timestamp_seconds", cleanup)] == pytest.approx(
        services.context.now().timestamp()
    )
    health = client.get("/health").json()
    runner = next(c for c in health["checks"] if c["component"] == "task_runner")
    assert runner["details"]["tasks"]["cleanup"]["runs_ok"] == 2
    assert runner["details"]["tasks"]["optimize"]["status"] == "ok"


def test_system_metrics_for_the_alert_rules(client: TestClient) -> None:
    samples = _samples(client)
    names = {name for name, _ in samples}
    for name in (
        "server_cpu_seconds_total",
        "cpu_cores",
        "memory_usage_bytes",
        "memory_limit_bytes",
        "disk_free_bytes",
        "disk_total_bytes",
        "database_circuit_breaker_state",
    ):
        assert name in names, name
    assert samples[("cpu_cores", ())] >= 1
    assert samples[("memory_limit_bytes", ())] > 0


def test_one_runner_per_database_and_its_heartbeat(services: Services) -> None:
    path = services.context.settings.database_path
    with runner_lock(path) as first, runner_lock(path) as second:
        assert first is not None and second is None
        runner = TaskRunner(Maintenance(services.context), first)
        runner.tick()
        beat = heartbeat(path)
        assert beat.pid == os.getpid() and beat.age_seconds is not None
    with runner_lock(path) as after_release:
        assert after_release is not None


def test_the_runner_runs_what_is_due_and_stops_when_told(
    services: Services, clock: FixedClock
) -> None:
    maintenance = Maintenance(services.context)
    path = services.context.settings.database_path
    with runner_lock(path) as handle:
        assert handle is not None
        runner = TaskRunner(maintenance, handle)
        assert [o.task for o in runner.tick()] == ["cleanup", "optimize", "vacuum"]
        assert runner.tick() == []  # nothing due again yet
        clock.advance(hours=6)
        assert [o.task for o in runner.tick()] == ["optimize"]
        clock.advance(hours=18)
        assert [o.task for o in runner.tick()] == ["cleanup", "optimize"]
        runner.stopping.set()
        clock.advance(days=8)
        assert runner.tick() == []


def test_a_stopping_server_interrupts_a_task(services: Services) -> None:
    stopping = threading.Event()
    stopping.set()
    deadline = Deadline(time.monotonic() + 3600, stopping)
    assert deadline.expired()
    outcome = Maintenance(services.context).execute("cleanup", stopping=stopping)
    assert (outcome.status, outcome.attempts) == ("timeout", 1)  # no retry while stopping


def test_cli_runs_a_task_by_hand(
    services: Services, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_PATH", str(services.context.settings.database_path))
    assert cli.main(["maintenance", "run", "optimize"]) == 0
    assert capsys.readouterr().out.startswith("optimize: ok after 1 attempt(s) in ")
    assert cli.main(["maintenance", "status"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1].split()[:5] == ["optimize", "every", "6", "h", "ok"]
    assert lines[4].split() == ["retention", "off", "never", "run"]
    with pytest.raises(SystemExit):
        cli.main(["maintenance", "run", "reindex"])


def test_migrate_makes_new_and_old_databases_incremental(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, services: Services
) -> None:
    monkeypatch.setenv("BACKUP_PATH", str(tmp_path / "backups"))
    fresh = tmp_path / "fresh.db"
    for path in (fresh, services.context.settings.database_path):  # new; migrated, seeded
        monkeypatch.setenv("DATABASE_PATH", str(path))
        assert cli.main(["migrate"]) == 0
        with sqlite3.connect(path) as connection:
            assert connection.execute("PRAGMA auto_vacuum").fetchone()[0] == 2


def test_shutdown_interrupts_sql_under_way(services: Services) -> None:
    stopping = threading.Event()
    deadline = Deadline(time.monotonic() + 3600, stopping)
    threading.Timer(0.05, stopping.set).start()  # SIGTERM arrives while the statement runs
    with (
        pytest.raises(sqlite3.OperationalError, match="interrupted"),
        services.context.db.write_within(deadline.expired) as connection,
    ):
        connection.execute(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000000) "
            "SELECT count(*) FROM n"
        ).fetchone()


def test_health_reports_the_backups(services: Services) -> None:
    settings = services.context.settings.model_copy(update={"backup_interval_minutes": 60})
    context = type(services.context)(
        db=services.context.db, settings=settings, clock=services.context.clock
    )
    outcome = Maintenance(context).execute("backup")
    assert outcome.status == "ok", outcome.detail

    def backups() -> dict[str, Any]:
        app = create_app(settings, services=dataclasses.replace(services, context=context))
        # without `with`: the lifespan would close the shared database at its end
        body = TestClient(app).get("/health").json()
        return next(c for c in body["checks"] if c["component"] == "backups")

    fresh = backups()
    assert fresh["status"] == "up"
    assert fresh["details"]["count"] == 1
    assert fresh["details"]["latest"] == outcome.detail.split()[0]
    assert fresh["details"]["last_run_status"] == "ok"
    (latest,) = settings.backup_path.glob("lang-portal-*.db.gz")
    three_hours_ago = time.time() - 3 * 3600
    os.utime(latest, (three_hours_ago, three_hours_ago))
    overdue = backups()  # older than two intervals: the schedule has stopped working
    assert overdue["status"] == "degraded"
    assert overdue["details"]["age_hours"] == pytest.approx(3, abs=0.01)
