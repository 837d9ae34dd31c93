"""Small pure rules: streaks, launch URLs, pagination arithmetic, settings."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from lang_portal.clock import from_stored, to_api, to_stored
from lang_portal.models.common import Pagination
from lang_portal.service.dashboard import current_streak
from lang_portal.service.study import launch_url_for
from lang_portal.settings import SettingsError, load_settings

TODAY = date(2026, 3, 10)


@pytest.mark.parametrize(
    ("days", "streak"),
    [
        ([], 0),
        (["2026-03-10"], 1),
        (["2026-03-10", "2026-03-09", "2026-03-08", "2026-03-06"], 3),
        (["2026-03-09", "2026-03-08"], 2),  # not yet studied today: the streak holds
        (["2026-03-08", "2026-03-07"], 0),  # missed yesterday: broken
        (["2026-03-11", "2026-03-10"], 1),  # a day ahead of the clock is ignored
    ],
)
def test_current_streak(days: list[str], streak: int) -> None:
    assert current_streak(days, TODAY) == streak


@pytest.mark.parametrize(
    ("base", "expected"),
    [
        ("http://localhost:8081", "http://localhost:8081?group_id=3&session_id=7"),
        ("http://x/app?mode=a", "http://x/app?mode=a&group_id=3&session_id=7"),
        ("http://x/?group_id=1&session_id=2", "http://x/?group_id=3&session_id=7"),
        ("/apps/typing", "/apps/typing?group_id=3&session_id=7"),
    ],
)
def test_launch_url(base: str, expected: str) -> None:
    assert launch_url_for(base, 3, 7) == expected


def test_pagination_arithmetic() -> None:
    assert Pagination(1, 0, 100).total_pages == 1
    assert Pagination(3, 201, 100).total_pages == 3
    assert Pagination(3, 201, 100).offset == 200
    assert Pagination(2, 5, 5).as_dict() == {
        "current_page": 2,
        "total_pages": 1,
        "total_items": 5,
        "items_per_page": 5,
    }


def test_stored_times_round_trip_and_sort() -> None:
    moment = from_stored("2026-01-15T09:00:00.000000Z")
    assert to_stored(moment) == "2026-01-15T09:00:00.000000Z"
    assert to_stored(moment) < "2026-01-15T09:00:00.000001Z"
    from zoneinfo import ZoneInfo

    assert to_api("2026-07-01T00:00:00.000000Z", ZoneInfo("Asia/Tokyo")) == (
        "2026-07-01T09:00:00+09:00"
    )
    assert to_api(None, ZoneInfo("UTC")) is None


def test_settings_from_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("API_PORT", "9001")
    monkeypatch.setenv("TIMEZONE", "Asia/Tokyo")
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "x.db"))
    settings = load_settings()
    assert settings.api_port == 9001
    assert settings.zone.key == "Asia/Tokyo"
    assert settings.database_path == tmp_path / "x.db"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("API_PORT", "70000"),
        ("API_PORT", "eighty"),
        ("TIMEZONE", "Mars/Olympus"),
        ("LOG_LEVEL", "chatty"),
        ("MAX_PAGE_SIZE", "0"),
        ("RATE_LIMIT_REQUESTS", "-1"),
    ],
)
def test_bad_setting_is_named(monkeypatch: pytest.MonkeyPatch, name: str, value: str) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as raised:
        load_settings()
    assert name in str(raised.value)


def test_yaml_file_is_read_and_unknown_keys_refused(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    config = tmp_path / "config.yaml"
    config.write_text("api_port: 9100\nmax_groups: 7\n")
    monkeypatch.setenv("LANG_PORTAL_CONFIG", str(config))
    settings = load_settings()
    assert (settings.api_port, settings.max_groups) == (9100, 7)
    monkeypatch.setenv("API_PORT", "9200")
    assert load_settings().api_port == 9200  # the environment wins over the file
    config.write_text("api_prot: 9100\n")
    with pytest.raises(SettingsError) as raised:
        load_settings()
    assert "API_PROT" in str(raised.value)
