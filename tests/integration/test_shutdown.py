"""A real `lang-portal serve`: SIGTERM lets in-flight requests finish, then exits cleanly.

A request is certainly in flight when the server has answered `Expect: 100-continue`: uvicorn
sends `100 Continue` only once the application asks for the body. The test holds each body
back until after SIGTERM, so the requests cannot finish before the signal arrives.
"""

from __future__ import annotations

import json
import os
import queue
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.helpers import session_body

SRC = Path(__file__).resolve().parents[2] / "src"
IN_FLIGHT = 4
BODY = json.dumps(session_body()).encode()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Server:
    process: subprocess.Popen[str]
    port: int
    database: Path
    log: queue.Queue[str]
    seen: list[str]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def wait_for_log(self, message: str, times: int = 1, timeout: float = 60) -> None:
        """Block until the server has logged `message` `times` times (in any order)."""
        while sum(message in line for line in self.seen) < times:
            self.seen.append(self.log.get(timeout=timeout))


@pytest.fixture
def start_server(tmp_path: Path) -> Iterator[object]:
    started: list[subprocess.Popen[str]] = []

    def start(workers: int) -> Server:
        port = _free_port()
        database = tmp_path / "served.db"
        env = {
            **os.environ,
            "PYTHONPATH": str(SRC),
            "DATABASE_PATH": str(database),
            "BACKUP_PATH": str(tmp_path / "backups"),
            "API_PORT": str(port),
            "WORKERS": str(workers),
            "LOG_FORMAT": "json",
            "RATE_LIMIT_ENABLED": "false",
            "GRACEFUL_SHUTDOWN_TIMEOUT": "20",
        }
        env.pop("PROMETHEUS_MULTIPROC_DIR", None)
        process = subprocess.Popen(
            [sys.executable, "-m", "lang_portal", "serve"],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        started.append(process)
        lines: queue.Queue[str] = queue.Queue()

        def pump() -> None:
            assert process.stderr is not None
            for line in process.stderr:
                lines.put(line)

        threading.Thread(target=pump, daemon=True).start()
        server = Server(process, port, database, lines, [])
        server.wait_for_log("Application startup complete", times=workers)
        server.wait_for_log("Uvicorn running on")  # logged once the socket is listening
        return server

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=30)


def _begin_request(port: int) -> socket.socket:
    """Send a POST's head and wait for `100 Continue`: the handler is now waiting for us."""
    connection = socket.create_connection(("127.0.0.1", port), timeout=30)
    head = (
        "POST /api/v1/study_sessions HTTP/1.1\r\n"
        f"Host: 127.0.0.1:{port}\r\n"
        "Content-Type: application/json\r\n"
        f"Content-Length: {len(BODY)}\r\n"
        "Expect: 100-continue\r\n\r\n"
    )
    connection.sendall(head.encode())
    received = b""
    while b"\r\n\r\n" not in received:
        chunk = connection.recv(1024)
        assert chunk, "the server closed the connection before asking for the body"
        received += chunk
    assert received.startswith(b"HTTP/1.1 100 Continue")
    return connection


def _finish_request(connection: socket.socket) -> tuple[int, dict[str, object]]:
    connection.sendall(BODY)
    response = b""
    while True:
        chunk = connection.recv(65536)
        if not chunk:
            break
        response += chunk
        head, _, body = response.partition(b"\r\n\r\n")
        lengths = [
            int(line.split(b":", 1)[1])
            for line in head.split(b"\r\n")
            if line.lower().startswith(b"content-length:")
        ]
        if lengths and len(body) >= lengths[0]:
            break
    connection.close()
    head, _, body = response.partition(b"\r\n\r\n")
    return int(head.split()[1]), json.loads(body)


def _refuses_connections(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except ConnectionRefusedError:
        return True
    except ConnectionResetError:
        return False  # caught in the backlog as the listener closed: try again
    return False


def _refuses_connections_within(port: int, seconds: float) -> bool:
    # a loaded machine may take a while between the log line and the listener closing
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if _refuses_connections(port):
            return True
        time.sleep(0.01)
    return False


def _integrity(path: Path) -> tuple[str, int]:
    connection = sqlite3.connect(path)
    try:
        check = connection.execute("PRAGMA integrity_check").fetchone()[0]
        sessions = connection.execute("SELECT count(*) FROM study_sessions").fetchone()[0]
        return str(check), int(sessions)
    finally:
        connection.close()


@pytest.mark.slow
@pytest.mark.parametrize("workers", [1, 2])
def test_sigterm_finishes_in_flight_requests_then_exits_cleanly(
    start_server: object, workers: int
) -> None:
    server: Server = start_server(workers)  # type: ignore[operator]
    in_flight = [_begin_request(server.port) for _ in range(IN_FLIGHT)]

    server.process.send_signal(signal.SIGTERM)
    if workers == 1:
        # The listener closes first; the held requests keep the process alive meanwhile.
        server.wait_for_log("Shutting down")
        assert _refuses_connections_within(server.port, seconds=15)
    answers = [_finish_request(connection) for connection in in_flight]

    assert [status for status, _ in answers] == [201] * IN_FLIGHT
    assert all(body["status"] == "success" for _, body in answers)
    assert server.process.wait(timeout=60) == 0
    assert _integrity(server.database) == ("ok", IN_FLIGHT)
    # The database was closed cleanly: its WAL was checkpointed and removed.
    assert not server.database.with_name(server.database.name + "-wal").exists()


def _requests_counted(text: str) -> float:
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == "http_requests_total" and sample.labels == {
                "route": "/api/v1/groups",
                "method": "GET",
                "status": "200",
            }:
                return sample.value
    return 0.0


@pytest.mark.slow
def test_metrics_add_up_across_worker_processes(start_server: object) -> None:
    server: Server = start_server(2)  # type: ignore[operator]
    for _ in range(30):
        # A new connection each time, so that both workers get some of them.
        with httpx.Client(base_url=server.url) as client:
            assert client.get("/api/v1/groups").status_code == 200
    scrapes = []
    for _ in range(6):
        with httpx.Client(base_url=server.url) as client:
            scrapes.append(client.get("/metrics").text)
    assert [_requests_counted(text) for text in scrapes] == [30.0] * 6
    pids = {line.split('"')[1] for line in scrapes[-1].splitlines() if line.startswith("memory_")}
    assert len(pids) == 2, "each worker reports its own memory"
    server.process.send_signal(signal.SIGTERM)
    assert server.process.wait(timeout=60) == 0
