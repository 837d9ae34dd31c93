"""Activities, sessions and reviews on both mounts: the launchpad and the record store."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from lang_portal.clock import FixedClock
from tests.helpers import MountClient, record_answer, review_path, session_body, start_session


def test_activities_list_and_detail(api: MountClient) -> None:
    answer = api.get("/study_activities")
    assert answer.status == 200
    assert [a["name"] for a in answer.data] == ["Typing Tutor", "Flashcards"]
    detail = api.get("/study_activities/1")
    assert detail.data == {
        "id": 1,
        "name": "Typing Tutor",
        "thumbnail_url": "/static/typing.png",
        "description": "Type the romaji of each word",
        "launch_url": "http://localhost:8081/?mode=typing",
    }
    assert api.get("/study_activities/9").status == 404


def test_launch_creates_session_and_url(api: MountClient) -> None:
    answer = api.post("/study_activities/1/launch", json={"group_id": 2})
    assert answer.status == 201
    session_id = answer.data["study_session_id"]
    url = urlsplit(answer.data["launch_url"])
    assert (url.scheme, url.netloc, url.path) == ("http", "localhost:8081", "/")
    assert parse_qs(url.query) == {
        "mode": ["typing"],
        "group_id": ["2"],
        "session_id": [str(session_id)],
    }
    session = api.get(f"/study_sessions/{session_id}")
    assert session.data["group_id"] == 2 and session.data["study_activity_id"] == 1
    assert api.post("/study_activities/1/launch", json={"group_id": 99}).status == 404
    assert api.post("/study_activities/9/launch", json={"group_id": 1}).status == 404
    assert api.post("/study_activities/1/launch", json={}).status == 422


def test_post_study_activities_creates_a_session(api: MountClient) -> None:
    answer = api.post("/study_activities", json=session_body(1, 2))
    assert answer.status == 201
    assert set(answer.data) == {"id", "group_id"}
    assert answer.data["group_id"] == 1
    listed = api.get("/study_activities/2/study_sessions")
    assert [s["id"] for s in listed.data] == [answer.data["id"]]
    assert api.get("/study_activities/9/study_sessions").status == 404


def test_session_item_before_and_after_reviews(api: MountClient, clock: FixedClock) -> None:
    session_id = start_session(api)
    item = api.get(f"/study_sessions/{session_id}").data
    assert item == {
        "id": session_id,
        "group_id": 1,
        "group_name": "Basic Greetings",
        "study_activity_id": 1,
        "activity_name": "Typing Tutor",
        "start_time": "2026-01-15T09:00:00+00:00",
        "end_time": None,
        "review_items_count": 0,
        "state": "created",
        "last_activity_at": "2026-01-15T09:00:00+00:00",
        "warn_at": "2026-01-15T09:25:00+00:00",
        "expires_at": "2026-01-15T09:30:00+00:00",
        "resumable_until": None,
        "paused_at": None,
        "completed_at": None,
    }
    clock.advance(minutes=5)
    stored = record_answer(api, session_id, 1, True)
    assert stored == {
        "success": True,
        "id": stored["id"],
        "word_id": 1,
        "study_session_id": session_id,
        "correct": True,
        "grade": None,
        "response": None,
        "created_at": "2026-01-15T09:05:00+00:00",
    }
    clock.advance(minutes=1)
    record_answer(api, session_id, 1, False)
    record_answer(api, session_id, 2, True)
    item = api.get(f"/study_sessions/{session_id}").data
    assert item["end_time"] == "2026-01-15T09:06:00+00:00"
    assert item["review_items_count"] == 3
    assert item["state"] == "active"
    assert (item["warn_at"], item["expires_at"]) == (
        "2026-01-15T09:31:00+00:00",
        "2026-01-15T09:36:00+00:00",
    )

    words = api.get(f"/study_sessions/{session_id}/words", params={"sort_by": "id"})
    assert [(w["id"], w["correct_count"], w["wrong_count"]) for w in words.data] == [
        (1, 1, 1),
        (2, 1, 0),
    ]
    assert words.pagination is not None and words.pagination["total_items"] == 2
    word = api.get("/words/1").data
    assert word["stats"] == {"correct_count": 1, "wrong_count": 1}

    # another session's answers count for the word, not for this session's list
    other = start_session(api, group_id=2)
    record_answer(api, other, 1, True)
    assert api.get("/words/1").data["stats"] == {"correct_count": 2, "wrong_count": 1}
    again = api.get(f"/study_sessions/{session_id}/words", params={"sort_by": "id"})
    assert again.data[0]["correct_count"] == 1


def test_sessions_list_newest_first_with_paging(api: MountClient, clock: FixedClock) -> None:
    ids = []
    for _ in range(3):
        ids.append(start_session(api))
        clock.advance(minutes=1)
    answer = api.get("/study_sessions", params={"per_page": 2})
    assert [s["id"] for s in answer.data] == [ids[2], ids[1]]
    assert answer.pagination == {
        "current_page": 1,
        "total_pages": 2,
        "total_items": 3,
        "items_per_page": 2,
    }
    oldest_first = api.get("/study_sessions", params={"order": "asc"})
    assert [s["id"] for s in oldest_first.data] == ids


def test_review_errors(api: MountClient) -> None:
    session_id = start_session(api)
    assert api.post(review_path(session_id, 999), json={"correct": True}).status == 404
    assert api.post(review_path(999, 1), json={"correct": True}).status == 404
    for body in ({}, {"correct": "yes"}, {"correct": 1}, {"correct": True, "duration_ms": -5}):
        answer = api.post(review_path(session_id, 1), json=body)
        assert answer.status == 422, body
        assert answer.error is not None and answer.error["code"] == "VALIDATION_FAILED"
    assert api.get(f"/study_sessions/{session_id}").data["review_items_count"] == 0


def test_session_creation_errors(api: MountClient) -> None:
    assert api.post("/study_sessions", json=session_body(99, 1)).status == 404
    assert api.post("/study_sessions", json=session_body(1, 99)).status == 404
    missing = api.post("/study_sessions", json={"group_id": 1})
    assert missing.status == 422
    assert missing.error is not None and "study_activity_id" in missing.error["details"]
    assert api.get("/study_sessions").pagination["total_items"] == 0  # type: ignore[index]


def test_idle_session_expires(api: MountClient, clock: FixedClock) -> None:
    session_id = start_session(api)
    clock.advance(minutes=29)
    record_answer(api, session_id, 1, True)
    clock.advance(minutes=30)
    record_answer(api, session_id, 2, True)  # exactly the timeout since the last answer: still live
    clock.advance(minutes=30, seconds=1)
    answer = api.post(review_path(session_id, 1), json={"correct": True})
    assert answer.status == 422
    assert answer.error is not None
    assert answer.error["code"] == "SESSION_EXPIRED"
    assert answer.error["details"]["study_session_id"] == session_id
    assert api.get(f"/study_sessions/{session_id}").data["review_items_count"] == 2


@pytest.mark.parametrize("settings_overrides", [{"max_words_per_session": 2}])
def test_distinct_words_per_session_limit(api: MountClient) -> None:
    session_id = start_session(api)
    record_answer(api, session_id, 1, True)
    record_answer(api, session_id, 2, False)
    record_answer(api, session_id, 1, True)  # a word already in the session is always welcome
    answer = api.post(review_path(session_id, 3), json={"correct": True})
    assert answer.status == 422
    assert answer.error is not None and answer.error["code"] == "BUSINESS_RULE_VIOLATION"
    assert api.get("/words/3").data["stats"] == {"correct_count": 0, "wrong_count": 0}


@pytest.mark.parametrize("settings_overrides", [{"timezone": "America/New_York"}])
def test_times_in_configured_zone(api: MountClient) -> None:
    session_id = start_session(api)
    item = api.get(f"/study_sessions/{session_id}").data
    assert item["start_time"] == "2026-01-15T04:00:00-05:00"


@pytest.mark.parametrize("huge", [2**63, 10**30])
def test_ids_beyond_sqlite_range_are_refused_cleanly(api: MountClient, huge: int) -> None:
    assert api.get(f"/words/{huge}").status == 404
    assert api.get(f"/study_sessions/{huge}/words").status == 404
    body = api.post("/study_sessions", json=session_body(huge, 1))
    assert body.status == 422
    assert body.error is not None and "group_id" in body.error["details"]
    added = api.post("/groups/1/words", json={"word_ids": [huge]})
    assert added.status == 422
