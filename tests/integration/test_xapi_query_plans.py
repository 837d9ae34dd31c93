"""Every filtered statement list is an index range, never a scan: what keeps a filtered GET as
fast at 1,000,000 statements as at 10,000 (bench/run.py measures it)."""

from __future__ import annotations

import itertools
import sqlite3

import pytest

from lang_portal.repository import xapi_statements as repo
from lang_portal.service.container import Services


class Recorder:
    """A connection that keeps the plan of every query it runs."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection
        self.plans: list[str] = []

    def execute(self, sql: str, parameters: object = ()) -> sqlite3.Cursor:
        plan = self.connection.execute("EXPLAIN QUERY PLAN " + sql, parameters).fetchall()
        self.plans.append(" | ".join(str(row[3]) for row in plan))
        return self.connection.execute(sql, parameters)  # type: ignore[arg-type]


@pytest.mark.parametrize("filters", [n for n in range(0, 5)])
def test_xapi_filtered_list_reads_an_index_range(services: Services, filters: int) -> None:
    for constraints in itertools.combinations([(1, 0), (2, 1), (3, 0), (4, 0)], filters):
        for ascending in (False, True):
            with services.context.db.read() as connection:
                recorder = Recorder(connection)
                repo.list_statements(
                    recorder,  # type: ignore[arg-type]
                    constraints=list(constraints),
                    after_seq=0,
                    through_seq=10**9,
                    ascending=ascending,
                    limit=101,
                )
            (plan,) = recorder.plans
            assert "SCAN" not in plan, plan
            assert "TEMP B-TREE" not in plan, plan  # no sort: the index gives the order


def test_xapi_since_until_and_term_lookups_use_indexes(services: Services) -> None:
    with services.context.db.read() as connection:
        recorder = Recorder(connection)
        repo.seq_after_stored(recorder, "2026-01-01T00:00:00.000Z")  # type: ignore[arg-type]
        repo.existing_term_ids(recorder, [(1, "http://example.com/verb")])  # type: ignore[arg-type]
        repo.statement_by_id(recorder, "0" * 36)  # type: ignore[arg-type]
        repo.referrers(recorder, "0" * 36)  # type: ignore[arg-type]
        repo.is_voided_by_existing(recorder, "0" * 36)  # type: ignore[arg-type]
    for plan in recorder.plans:
        assert "SCAN" not in plan, plan
