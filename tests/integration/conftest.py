"""Fixtures shared by the integration tests."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import pytest

from lang_portal.database import Database


@pytest.fixture
def statements(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every SQL statement (with its values bound) run on connections opened from now on."""
    seen: list[str] = []
    original = Database._open

    def traced_open(self: Database, *, readonly: bool) -> sqlite3.Connection:
        connection = original(self, readonly=readonly)
        connection.set_trace_callback(seen.append)
        return connection

    monkeypatch.setattr(Database, "_open", traced_open)
    yield seen
