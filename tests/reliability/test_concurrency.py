"""Many clients writing at once against a real server process: nothing lost, nothing doubled,
no 5xx, and every counter agrees with the review rows."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.reliability.figures import record_figure
from tests.reliability.server import (
    drive_load,
    inconsistencies,
    integrity,
    review_count,
    running_server,
    summary,
)

CLIENTS = int(os.environ.get("RELIABILITY_CLIENTS", "32"))
REVIEWS_PER_CLIENT = int(os.environ.get("RELIABILITY_REVIEWS_PER_CLIENT", "40"))


@pytest.mark.slow
@pytest.mark.parametrize("workers", [2])
def test_concurrent_writers_lose_nothing(tmp_path: Path, workers: int) -> None:
    database = tmp_path / "load.db"
    with running_server(database, workers=workers) as server:
        result = drive_load(server.base_url, clients=CLIENTS, reviews_per_client=REVIEWS_PER_CLIENT)
        log = server.log()

    assert result.server_errors == [], f"{result.server_errors[:5]}\n{log}"
    assert result.connection_errors == 0
    assert len(result.acks) == CLIENTS * REVIEWS_PER_CLIENT
    assert integrity(database) == "ok"
    assert review_count(database) == len(result.acks)  # stored exactly once, no stray rows
    assert inconsistencies(database, result.acks) == []
    record_figure(
        "concurrency",
        {"clients": CLIENTS, "workers": workers, "lost": 0, **summary(result)},
    )
