"""Dashboard and resets on both mounts, after real sessions and answers."""

from __future__ import annotations

import pytest

from lang_portal.clock import FixedClock
from tests.helpers import MountClient, record_answer, start_session


def test_dashboard_before_any_study(api: MountClient) -> None:
    last = api.get("/dashboard/last_study_session")
    assert last.status == 404
    assert last.error is not None and last.error["code"] == "RESOURCE_NOT_FOUND"
    assert api.get("/dashboard/study_progress").data == {
        "total_words_studied": 0,
        "total_available_words": 10,
    }
    expected = {
        "success_rate": 0.0,
        "total_study_sessions": 0,
        "total_active_groups": 0,
        "study_streak_days": 0,
    }
    assert api.get("/dashboard/quick-stats").data == expected
    assert api.get("/dashboard/quick_stats").data == expected


def test_dashboard_follows_study(api: MountClient, clock: FixedClock) -> None:
    first = start_session(api, group_id=1)
    record_answer(api, first, 1, True)
    record_answer(api, first, 2, True)
    record_answer(api, first, 3, False)
    clock.advance(days=1)
    second = start_session(api, group_id=2, activity_id=2)
    record_answer(api, second, 6, True)

    last = api.get("/dashboard/last_study_session").data
    assert last["id"] == second
    assert last["group_id"] == 2
    assert last["group_name"] == "Core Verbs"
    assert last["study_activity_id"] == 2
    assert last["created_at"] == "2026-01-16T09:00:00+00:00"

    assert api.get("/dashboard/study_progress").data == {
        "total_words_studied": 4,
        "total_available_words": 10,
    }
    assert api.get("/dashboard/quick-stats").data == {
        "success_rate": 75.0,
        "total_study_sessions": 2,
        "total_active_groups": 2,
        "study_streak_days": 2,
    }
    # a day without study keeps the streak alive until the day after ends
    clock.advance(days=1)
    assert api.get("/dashboard/quick-stats").data["study_streak_days"] == 2
    clock.advance(days=1)
    assert api.get("/dashboard/quick-stats").data["study_streak_days"] == 0


@pytest.mark.parametrize("settings_overrides", [{"timezone": "Asia/Tokyo"}])
def test_streak_counts_days_in_configured_zone(api: MountClient, clock: FixedClock) -> None:
    # 09:00 UTC is 18:00 in Tokyo; 16:00 UTC is 01:00 the next day there.
    session = start_session(api)
    record_answer(api, session, 1, True)
    clock.advance(hours=7)
    session = start_session(api)
    record_answer(api, session, 2, True)
    assert api.get("/dashboard/quick-stats").data["study_streak_days"] == 2


def test_reset_history_keeps_inventory(api: MountClient) -> None:
    session = start_session(api)
    record_answer(api, session, 1, True)
    api.post("/words", json={"japanese": "犬", "romaji": "inu", "english": "dog"})
    answer = api.post("/reset_history")
    assert answer.status == 200
    assert answer.data == {"success": True, "message": "Study history has been reset"}
    assert api.get("/study_sessions").pagination["total_items"] == 0  # type: ignore[index]
    assert api.get("/words/1").data["stats"] == {"correct_count": 0, "wrong_count": 0}
    assert api.get("/words").pagination["total_items"] == 11  # type: ignore[index]
    assert api.get("/dashboard/quick-stats").data["success_rate"] == 0.0
    assert api.get("/dashboard/study_progress").data["total_words_studied"] == 0
    assert len(api.get("/study_activities").data) == 2


def test_full_reset_returns_to_seeded_state(api: MountClient) -> None:
    session = start_session(api)
    record_answer(api, session, 1, True)
    api.post("/words", json={"japanese": "犬", "romaji": "inu", "english": "dog"})
    api.post("/groups", json={"name": "Pets"})
    answer = api.post("/full_reset")
    assert answer.status == 200
    assert answer.data == {"success": True, "message": "System has been fully reset"}
    assert api.get("/words").pagination["total_items"] == 10  # type: ignore[index]
    assert [g["name"] for g in api.get("/groups").data] == ["Basic Greetings", "Core Verbs"]
    assert api.get("/study_sessions").pagination["total_items"] == 0  # type: ignore[index]
    assert [a["name"] for a in api.get("/study_activities").data] == ["Typing Tutor", "Flashcards"]
