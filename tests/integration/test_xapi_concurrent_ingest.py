"""Batches posted at once from many threads: every statement stored once, `stored` in the
order of `seq` (what since/until rely on), and a refused batch leaves the others whole."""

from __future__ import annotations

import threading
import uuid
from typing import Any

import pytest

from lang_portal.clock import SystemClock
from lang_portal.repository import migrations
from lang_portal.service.container import Services
from lang_portal.settings import MIGRATIONS_DIR
from lang_portal.xapi.context import VERSION_1, Credential
from lang_portal.xapi.errors import XapiConflict
from lang_portal.xapi.statement_store import StatementStore


def statement(number: int) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "actor": {"mbox": f"mailto:l{number % 7}@school.example"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/attempted"},
        "object": {"id": f"http://school.example/quiz/{number % 5}"},
    }


@pytest.fixture
def store(services: Services) -> StatementStore:
    # the real clock: concurrent writers stamp `stored` as time goes on
    services.context.clock = SystemClock()
    migrations.apply(services.context.db, MIGRATIONS_DIR, SystemClock())
    return StatementStore(services.context)


def test_xapi_concurrent_batches_store_every_statement_once(store: StatementStore) -> None:
    credential = Credential("bench", "bench")
    batches = [[statement(t * 100 + i) for i in range(20)] for t in range(12)]
    conflicting = dict(batches[0][0], verb={"id": "http://adlnet.gov/expapi/verbs/passed"})
    rival = [statement(999), conflicting]
    refused: list[list[dict[str, Any]]] = []

    def post(batch: list[dict[str, Any]]) -> None:
        try:
            store.store(batch, credential, VERSION_1)
        except XapiConflict:
            refused.append(batch)

    threads = [threading.Thread(target=post, args=(batch,)) for batch in [*batches, rival]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with store.context.db.read() as connection:
        rows = connection.execute(
            "SELECT seq, id, stored FROM xapi_statements ORDER BY seq"
        ).fetchall()
    stored_ids = [row["id"] for row in rows]
    # whichever of the two batches with the same id came second was refused, whole
    (loser,) = refused
    assert loser is rival or loser is batches[0]
    accepted = [batch for batch in [*batches, rival] if batch is not loser]
    assert sorted(stored_ids) == sorted({item["id"] for batch in accepted for item in batch})
    times = [row["stored"] for row in rows]
    assert times == sorted(times)
