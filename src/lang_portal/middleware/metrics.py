"""Prometheus metrics: requests by route template, database time, active sessions, memory.

With several worker processes each worker keeps its own numbers; prometheus-client's
multiprocess mode (PROMETHEUS_MULTIPROC_DIR, set by `lang-portal serve` when WORKERS > 1)
writes them to files that any worker adds up when it is scraped, so `/metrics` is the whole
server's, whichever worker answers.
"""

from __future__ import annotations

import os
import resource
import sys
import time
from collections.abc import Callable, Iterable
from functools import cache
from typing import Any, Protocol

from prometheus_client import (
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from starlette.types import Scope

# `*_created` series double the output and nothing here reads them.
disable_created_metrics()  # type: ignore[no-untyped-call]

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
UNMATCHED_ROUTE = "<unmatched>"
METRICS_PATH = "/metrics"
MEMORY_REFRESH_SECONDS = 5.0

REQUEST_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1.0, 2.5, 5.0, 10.0)
QUERY_BUCKETS = (0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0)


def multiprocess_mode() -> bool:
    return bool(os.environ.get(MULTIPROC_ENV))


class Instruments:
    """The process's metric objects; made once per process, shared by every app in it."""

    def __init__(self) -> None:
        self.requests = Counter(
            "http_requests_total",
            "HTTP requests answered, by route template, method and status.",
            ("route", "method", "status"),
        )
        self.duration = Histogram(
            "http_request_duration_seconds",
            "Time from request to the end of the response, by route template, method, status.",
            ("route", "method", "status"),
            buckets=REQUEST_BUCKETS,
        )
        self.query_duration = Histogram(
            "database_query_duration_seconds",
            "Time inside database read, snapshot and write blocks.",
            ("operation",),
            buckets=QUERY_BUCKETS,
        )
        self.memory = Gauge(
            "memory_usage_bytes",
            "Resident memory of each server process.",
            multiprocess_mode="liveall",
        )
        # The default process collector is per process and absent in multiprocess mode; this
        # counter adds every worker's CPU time up, so rate() of it is the server's CPU use.
        self.cpu = Counter("server_cpu_seconds_total", "CPU time used by the server's processes.")
        self.breaker_state = Gauge(
            "database_circuit_breaker_state",
            "Write circuit breaker: 0 closed, 1 half-open (probing), 2 open (read-only mode); "
            "the highest of the live workers.",
            multiprocess_mode="livemax",
        )
        self.breaker_state.set(0)
        self.write_failures = Counter(
            "database_write_failures_total", "Writes that failed for a fault of the storage."
        )
        self._request_children: dict[tuple[str, str, int], tuple[Any, Any]] = {}
        self._query_children: dict[str, Any] = {}
        self._memory_checked = 0.0
        self._cpu_seen = _cpu_seconds()

    def observe_request(self, route: str, method: str, status: int, seconds: float) -> None:
        key = (route, method, status)
        children = self._request_children.get(key)
        if children is None:
            labels = (route, method, str(status))
            children = (self.requests.labels(*labels), self.duration.labels(*labels))
            self._request_children[key] = children
        children[0].inc()
        children[1].observe(seconds)

    def observe_query(self, operation: str, seconds: float) -> None:
        child = self._query_children.get(operation)
        if child is None:
            child = self._query_children[operation] = self.query_duration.labels(operation)
        child.observe(seconds)

    def refresh_memory(self, *, force: bool = False) -> None:
        now = time.monotonic()
        if force or now - self._memory_checked >= MEMORY_REFRESH_SECONDS:
            self._memory_checked = now
            self.memory.set(resident_memory_bytes())
            cpu = _cpu_seconds()
            self.cpu.inc(max(0.0, cpu - self._cpu_seen))
            self._cpu_seen = cpu

    def breaker_changed(self, state_level: int, storage_failure: bool) -> None:
        self.breaker_state.set(state_level)
        if storage_failure:
            self.write_failures.inc()


@cache
def instruments() -> Instruments:
    return Instruments()


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return float(usage.ru_utime + usage.ru_stime)


def resident_memory_bytes() -> int:
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        # Not Linux: the peak is the best the standard library offers.
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return int(peak if sys.platform == "darwin" else peak * 1024)


class ScrapeCollector(Protocol):
    def collect(self) -> Iterable[Metric]: ...


class ScrapeFamilies:
    """Metric families computed when scraped (several, with labels)."""

    def __init__(self, families: Callable[[], Iterable[Metric]]) -> None:
        self.families = families

    def collect(self) -> Iterable[Metric]:
        return list(self.families())


class ScrapeGauge:
    """A gauge whose value is computed when scraped (e.g. from the database)."""

    def __init__(self, name: str, documentation: str, value: Callable[[], float]) -> None:
        self.name = name
        self.documentation = documentation
        self.value = value

    def collect(self) -> Iterable[Metric]:
        yield GaugeMetricFamily(self.name, self.documentation, value=self.value())


def render(scrape_gauges: Iterable[ScrapeCollector]) -> bytes:
    """The text exposition of every metric, added up across workers in multiprocess mode."""
    instruments().refresh_memory(force=True)
    if multiprocess_mode():
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        output = generate_latest(registry)
    else:
        output = generate_latest(REGISTRY)
    extra = CollectorRegistry(auto_describe=False)
    for gauge in scrape_gauges:
        extra.register(gauge)
    return output + generate_latest(extra)


def mark_worker_stopped() -> None:
    """Drop this worker's live gauges (its memory) from the shared files as it exits."""
    directory = os.environ.get(MULTIPROC_ENV)
    if directory:
        multiprocess.mark_process_dead(os.getpid(), directory)  # type: ignore[no-untyped-call]


def route_template(scope: Scope, static_prefixes: tuple[str, ...]) -> str:
    """The matched route's template; a bounded label for anything else."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    if isinstance(path, str):
        return path
    for prefix in static_prefixes:
        if scope["path"].startswith(prefix + "/"):
            return prefix + "/{path}"
    return UNMATCHED_ROUTE


class RequestMetrics:
    """Counts and times each HTTP request (an observer of middleware.observe)."""

    def __init__(self, static_prefixes: tuple[str, ...] = ()) -> None:
        self.static_prefixes = static_prefixes
        self.instruments = instruments()

    def __call__(self, scope: Scope, status: int, seconds: float) -> None:
        if scope["path"] == METRICS_PATH:
            return
        self.instruments.observe_request(
            route_template(scope, self.static_prefixes), scope["method"], status, seconds
        )
        self.instruments.refresh_memory()
