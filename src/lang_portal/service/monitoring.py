"""Figures the metrics endpoint reads from the database when scraped."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric

from lang_portal.clock import from_stored, to_stored
from lang_portal.repository import maintenance as maintenance_repo
from lang_portal.repository import ops as ops_repo
from lang_portal.service.context import ServiceContext


def active_sessions(context: ServiceContext) -> int:
    """Study sessions created or active: neither paused, completed nor expired."""
    cutoff = context.now() - timedelta(minutes=context.settings.session_timeout_minutes)
    with context.db.read() as connection:
        return ops_repo.count_active_sessions(connection, to_stored(cutoff))


def memory_limit_bytes() -> int:
    """The memory the server may use: the cgroup's limit (a container's), else the machine's."""
    for path, unlimited in (
        ("/sys/fs/cgroup/memory.max", "max"),
        ("/sys/fs/cgroup/memory/memory.limit_in_bytes", None),
    ):
        try:
            text = Path(path).read_text().strip()
        except OSError:
            continue
        if text != unlimited and text.isdigit() and int(text) < (1 << 60):
            return int(text)
    return int(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))


def cpu_cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


_STATUS_VALUE = {"ok": 1.0, "running": 1.0}


def operations_metrics(context: ServiceContext) -> Iterator[Metric]:
    """System figures the alert rules need, and the maintenance tasks' last runs."""
    yield GaugeMetricFamily(
        "memory_limit_bytes",
        "Memory the server may use (cgroup limit, else the machine's).",
        value=memory_limit_bytes(),
    )
    yield GaugeMetricFamily("cpu_cores", "CPU cores the server may use.", value=cpu_cores())
    directory = context.settings.database_path.resolve().parent
    usage = shutil.disk_usage(directory if directory.exists() else Path("/"))
    free = GaugeMetricFamily(
        "disk_free_bytes", "Free space on the disk holding the database.", labels=["path"]
    )
    free.add_metric([str(directory)], usage.free)
    yield free
    total = GaugeMetricFamily(
        "disk_total_bytes", "Size of the disk holding the database.", labels=["path"]
    )
    total.add_metric([str(directory)], usage.total)
    yield total

    with context.db.read() as connection:
        runs = maintenance_repo.task_runs(connection)
    last_run = GaugeMetricFamily(
        "maintenance_task_last_run_timestamp_seconds",
        "When each maintenance task last started (Unix time).",
        labels=["task"],
    )
    duration = GaugeMetricFamily(
        "maintenance_task_last_duration_seconds",
        "How long each maintenance task's last run took, retries included.",
        labels=["task"],
    )
    success = GaugeMetricFamily(
        "maintenance_task_last_success",
        "1 when the task's last run succeeded (or is running), 0 when it failed or timed out.",
        labels=["task"],
    )
    counts = CounterMetricFamily(
        "maintenance_task_runs",
        "Runs of each maintenance task by result.",
        labels=["task", "result"],
    )
    for row in runs:
        task = row["task"]
        last_run.add_metric([task], from_stored(row["started_at"]).timestamp())
        duration.add_metric([task], (row["duration_ms"] or 0) / 1000)
        success.add_metric([task], _STATUS_VALUE.get(row["status"], 0.0))
        counts.add_metric([task, "ok"], row["runs_ok"])
        counts.add_metric([task, "failed"], row["runs_failed"])
    yield from (last_run, duration, success, counts)
