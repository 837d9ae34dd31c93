"""One way to get a database, services and an HTTP client for tests.

Each test gets a fresh SQLite file in its tmp_path, migrated and seeded from the small fixture
seeds, a clock that moves only when the test says so, and a TestClient speaking HTTP to the app.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from lang_portal.clock import FixedClock
from lang_portal.service.container import Services
from lang_portal.settings import Settings, load_settings
from tests.helpers import app_client, migrated_services

FIXTURES = Path(__file__).parent / "fixtures"
FIXTURE_SEEDS = FIXTURES / "seeds"
START = datetime(2026, 1, 15, 9, 0, 0, tzinfo=UTC)


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    """Override in a test module to change settings (e.g. a time zone or a business limit)."""
    return {}


@pytest.fixture
def settings(tmp_path: Path, settings_overrides: dict[str, Any]) -> Settings:
    values: dict[str, Any] = {
        "database_path": tmp_path / "test.db",
        "timezone": "UTC",
        "backup_path": tmp_path / "backups",
        "archive_path": tmp_path / "archives",
        "profiling_path": tmp_path / "profiles",
        # Tests call the API far faster than a learner; the rate-limit tests turn it back on.
        "rate_limit_enabled": False,
    }
    values.update(settings_overrides)
    return load_settings(**values)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


@pytest.fixture
def services(settings: Settings, clock: FixedClock) -> Iterator[Services]:
    built = migrated_services(settings, clock, FIXTURE_SEEDS)
    yield built
    built.context.db.close()


@pytest.fixture
def client(services: Services) -> Iterator[TestClient]:
    with app_client(services) as test_client:
        yield test_client
