"""SIGKILL in the middle of a write load: after a restart the file is intact and holds every
answer that was acknowledged with a 2xx."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from tests.reliability.figures import record_figure
from tests.reliability.server import (
    LoadResult,
    Server,
    drive_load,
    inconsistencies,
    integrity,
    review_count,
    running_server,
)

CRASH_RUNS = int(os.environ.get("RELIABILITY_CRASH_RUNS", "3"))
CLIENTS = 16
# Killed once this many answers were acknowledged in the run, while the others are in flight.
KILL_AFTER_ACKS = 150


@pytest.mark.slow
def test_sigkill_mid_load_loses_no_acknowledged_review(tmp_path: Path) -> None:
    database = tmp_path / "crash.db"
    acknowledged = []
    in_flight_lost = 0
    for run in range(CRASH_RUNS):
        server = Server(database, workers=2)
        try:
            server.wait_ready()
            stop, enough = threading.Event(), threading.Event()
            result = LoadResult()
            load = threading.Thread(
                target=drive_load,
                args=(server.base_url,),
                kwargs={
                    "clients": CLIENTS,
                    "reviews_per_client": 10_000,  # far more than it gets to send
                    "stop": stop,
                    "seed": run,
                    "acked": enough,
                    "acked_threshold": KILL_AFTER_ACKS,
                    "result": result,
                },
            )
            load.start()
            assert enough.wait(timeout=120), f"load never reached {KILL_AFTER_ACKS} answers"
            server.kill()
        finally:
            stop.set()
            server.kill()
        load.join(timeout=120)
        assert not load.is_alive()
        assert result.server_errors == [], result.server_errors[:5]
        acknowledged += result.acks
        in_flight_lost += result.connection_errors

        # The restart runs recovery (WAL replay) and the migrations, then serves again.
        with running_server(database, workers=1):
            assert integrity(database) == "ok"
            assert inconsistencies(database, acknowledged) == [], f"after crash run {run + 1}"

    assert review_count(database) >= len(acknowledged)
    record_figure(
        "crash",
        {
            "runs": CRASH_RUNS,
            "clients": CLIENTS,
            "acknowledged_reviews": len(acknowledged),
            "acknowledged_lost": 0,
            "requests_left_without_answer": in_flight_lost,
            "integrity_check": "ok",
        },
    )
