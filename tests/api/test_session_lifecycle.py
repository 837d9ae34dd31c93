"""The study session lifecycle over HTTP, on both JSON mounts: pause, resume, complete, expiry
with its warning and grace period, and the refusals of every door that takes answers."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from lang_portal.clock import FixedClock
from tests.helpers import MountClient, record_answer, review_path, start_session

T0 = "2026-01-15T09:00:00+00:00"


def act(api: MountClient, session_id: int, action: str, status: int = 200) -> Any:
    answer = api.post(f"/study_sessions/{session_id}/{action}")
    assert answer.status == status, answer.error
    return answer.data if status == 200 else answer.error


def refused_answer(api: MountClient, session_id: int, code: str) -> dict[str, Any]:
    answer = api.post(review_path(session_id, 1), json={"correct": True})
    assert answer.status == 422, answer.data
    assert answer.error is not None and answer.error["code"] == code
    return answer.error


def test_pause_stops_the_clock_and_resume_restarts_it(api: MountClient, clock: FixedClock) -> None:
    session_id = start_session(api)
    clock.advance(minutes=10)
    paused = act(api, session_id, "pause")
    assert paused["state"] == "paused"
    assert paused["paused_at"] == "2026-01-15T09:10:00+00:00"
    assert (paused["warn_at"], paused["expires_at"], paused["resumable_until"]) == (None,) * 3
    # pausing a paused session: the same session, nothing changed
    clock.advance(minutes=1)
    assert act(api, session_id, "pause") == paused

    error = refused_answer(api, session_id, "BUSINESS_RULE_VIOLATION")
    assert "resume it first" in error["message"]
    assert error["details"] == {
        "study_session_id": session_id,
        "state": "paused",
        "allowed_transitions": ["resume", "complete"],
    }
    queue = api.get(f"/study_sessions/{session_id}/next_words")
    assert queue.status == 422 and queue.error is not None
    assert queue.error["code"] == "BUSINESS_RULE_VIOLATION"

    clock.advance(hours=3)  # a paused session does not expire
    assert api.get(f"/study_sessions/{session_id}").data["state"] == "paused"
    resumed = act(api, session_id, "resume")
    assert resumed["state"] == "created"  # no answer yet
    assert resumed["paused_at"] is None
    assert resumed["last_activity_at"] == "2026-01-15T12:11:00+00:00"
    assert resumed["warn_at"] == "2026-01-15T12:36:00+00:00"
    assert resumed["expires_at"] == "2026-01-15T12:41:00+00:00"
    record_answer(api, session_id, 1, True)
    assert api.get(f"/study_sessions/{session_id}").data["state"] == "active"


def test_an_active_session_pauses_resumes_to_active_and_completes(
    api: MountClient, clock: FixedClock
) -> None:
    session_id = start_session(api)
    clock.advance(minutes=2)
    record_answer(api, session_id, 1, True)
    item = api.get(f"/study_sessions/{session_id}").data
    assert item["state"] == "active"
    # resuming a live session: it already is where resume leads, nothing changes
    assert act(api, session_id, "resume") == item
    assert act(api, session_id, "pause")["state"] == "paused"
    clock.advance(minutes=5)
    assert act(api, session_id, "resume")["state"] == "active"
    clock.advance(minutes=1)
    completed = act(api, session_id, "complete")
    assert completed["state"] == "completed"
    assert completed["completed_at"] == "2026-01-15T09:08:00+00:00"
    assert completed["end_time"] == "2026-01-15T09:02:00+00:00"  # the last answer
    assert (completed["warn_at"], completed["expires_at"]) == (None, None)
    clock.advance(minutes=1)
    assert act(api, session_id, "complete") == completed  # idempotent

    for action in ("pause", "resume"):
        error = act(api, session_id, action, 422)
        assert error["code"] == "BUSINESS_RULE_VIOLATION"
        assert error["details"] == {
            "study_session_id": session_id,
            "state": "completed",
            "allowed_transitions": [],
            "requested": action,
        }
    error = refused_answer(api, session_id, "BUSINESS_RULE_VIOLATION")
    assert "completed; start a new one" in error["message"]
    assert error["details"]["state"] == "completed"
    assert api.get(f"/study_sessions/{session_id}/next_words").status == 422
    assert api.get(f"/study_sessions/{session_id}").data["review_items_count"] == 1


def test_a_created_or_paused_session_can_be_completed(api: MountClient) -> None:
    created = start_session(api)
    assert act(api, created, "complete")["state"] == "completed"
    paused = start_session(api)
    act(api, paused, "pause")
    done = act(api, paused, "complete")
    assert (done["state"], done["paused_at"]) == ("completed", None)


def test_expiry_warning_and_grace_period(api: MountClient, clock: FixedClock) -> None:
    session_id = start_session(api)
    clock.advance(minutes=4)
    record_answer(api, session_id, 1, True)
    item = api.get(f"/study_sessions/{session_id}").data
    assert (item["warn_at"], item["expires_at"]) == (
        "2026-01-15T09:29:00+00:00",
        "2026-01-15T09:34:00+00:00",
    )
    clock.advance(minutes=30)  # exactly the timeout: still live
    assert api.get(f"/study_sessions/{session_id}").data["state"] == "active"
    clock.advance(seconds=1)
    expired = api.get(f"/study_sessions/{session_id}").data
    assert expired["state"] == "expired"
    assert expired["resumable_until"] == "2026-01-15T09:39:00+00:00"
    listed = api.get("/study_sessions").data
    assert [(s["id"], s["state"]) for s in listed] == [(session_id, "expired")]

    error = refused_answer(api, session_id, "SESSION_EXPIRED")
    assert error["details"]["resumable_until"] == "2026-01-15T09:39:00+00:00"
    assert error["details"]["expired_at"] == "2026-01-15T09:34:00+00:00"
    assert "resume it" in error["message"]
    error = act(api, session_id, "pause", 422)
    assert error["details"]["allowed_transitions"] == ["resume", "complete"]

    clock.advance(minutes=4)  # within the grace period: resume gives a fresh idle clock
    resumed = act(api, session_id, "resume")
    assert resumed["state"] == "active"
    assert resumed["last_activity_at"] == "2026-01-15T09:38:01+00:00"
    assert resumed["expires_at"] == "2026-01-15T10:08:01+00:00"
    assert resumed["resumable_until"] is None
    record_answer(api, session_id, 2, False)


def test_after_the_grace_period_an_expired_session_is_final(
    api: MountClient, clock: FixedClock
) -> None:
    session_id = start_session(api)
    clock.advance(minutes=35, seconds=1)
    item = api.get(f"/study_sessions/{session_id}").data
    assert (item["state"], item["resumable_until"]) == ("expired", None)
    for action in ("pause", "resume", "complete"):
        error = act(api, session_id, action, 422)
        assert error["code"] == "BUSINESS_RULE_VIOLATION"
        assert error["details"]["state"] == "expired"
        assert error["details"]["allowed_transitions"] == []
    error = refused_answer(api, session_id, "SESSION_EXPIRED")
    assert error["details"]["resumable_until"] is None
    assert "start a new one" in error["message"]


def test_an_expired_session_completed_in_its_grace_period_keeps_its_end(
    api: MountClient, clock: FixedClock
) -> None:
    session_id = start_session(api)
    clock.advance(minutes=1)
    record_answer(api, session_id, 1, True)
    clock.advance(minutes=33)
    done = act(api, session_id, "complete")
    assert done["state"] == "completed"
    assert done["end_time"] == "2026-01-15T09:01:00+00:00"
    assert done["completed_at"] == "2026-01-15T09:34:00+00:00"


def test_unknown_sessions_are_not_found(api: MountClient) -> None:
    for action in ("pause", "resume", "complete"):
        error = act(api, 999, action, 404)
        assert error["code"] == "RESOURCE_NOT_FOUND"


def test_every_session_list_carries_the_state(api: MountClient, clock: FixedClock) -> None:
    launched = api.post("/study_activities/1/launch", json={"group_id": 1}).data
    assert launched["session"]["state"] == "created"
    assert launched["session"]["expires_at"] == "2026-01-15T09:30:00+00:00"
    session_id = launched["study_session_id"]
    act(api, session_id, "pause")
    for path in (
        "/study_sessions",
        "/groups/1/study_sessions",
        "/study_activities/1/study_sessions",
    ):
        items = api.get(path).data
        assert [(s["id"], s["state"], s["expires_at"]) for s in items] == [
            (session_id, "paused", None)
        ], path


def test_the_legacy_door_refuses_answers_of_closed_sessions(
    client: TestClient, clock: FixedClock
) -> None:
    created = client.post("/study_sessions", json={"group_id": 1, "study_activity_id": 1})
    session_id = created.json()["session_id"]
    body = {"word_id": 1, "correct": True}
    assert client.post(f"/api/v1/study_sessions/{session_id}/pause").status_code == 200
    paused = client.post(f"/study_sessions/{session_id}/review", json=body)
    assert paused.status_code == 400
    assert paused.json() == {"error": f"study session {session_id} is paused; resume it first"}
    assert client.post(f"/api/study_sessions/{session_id}/complete").status_code == 200
    completed = client.post(f"/study_sessions/{session_id}/review", json=body)
    assert completed.status_code == 400
    assert "completed; start a new one" in completed.json()["error"]
    # the legacy session shapes stay as their contract draws them
    listed = client.get("/api/study-sessions").json()["items"][0]
    assert "state" not in listed
    assert (
        client.get(f"/api/v1/study_sessions/{session_id}").json()["data"]["review_items_count"] == 0
    )


@pytest.mark.parametrize(
    "settings_overrides",
    [
        {
            "session_timeout_minutes": 10,
            "session_warning_minutes": 8,
            "session_grace_period_minutes": 0,
        }
    ],
)
def test_the_timeouts_are_settings(api: MountClient, clock: FixedClock) -> None:
    session_id = start_session(api)
    item = api.get(f"/study_sessions/{session_id}").data
    assert (item["warn_at"], item["expires_at"]) == (
        "2026-01-15T09:08:00+00:00",
        "2026-01-15T09:10:00+00:00",
    )
    clock.advance(minutes=10, seconds=1)
    item = api.get(f"/study_sessions/{session_id}").data
    assert (item["state"], item["resumable_until"]) == ("expired", None)  # no grace period
    assert act(api, session_id, "resume", 422)["details"]["allowed_transitions"] == []


JA = {"Accept-Language": "ja"}
ZH = {"Accept-Language": "zh"}


def test_the_refusals_speak_the_learners_language(api: MountClient, clock: FixedClock) -> None:
    session_id = start_session(api)
    act(api, session_id, "pause")
    path = review_path(session_id, 1)
    ja = api.post(path, json={"correct": True}, headers=JA).error
    zh = api.post(path, json={"correct": True}, headers=ZH).error
    assert ja is not None and zh is not None
    assert ja["message"] == f"学習セッション {session_id} は一時停止中です。先に再開してください"
    assert zh["message"] == f"学习会话 {session_id} 已暂停；请先恢复"
    assert ja["code"] == zh["code"] == "BUSINESS_RULE_VIOLATION"
    act(api, session_id, "complete")
    refused = api.post(f"/study_sessions/{session_id}/resume", headers=JA).error
    assert refused is not None and refused["message"].startswith(
        f"学習セッション {session_id} は完了"
    )

    expiring = start_session(api)
    clock.advance(minutes=31)
    expired = api.post(review_path(expiring, 1), json={"correct": True}, headers=ZH).error
    assert expired is not None
    assert expired["message"] == (
        f"学习会话 {expiring} 已因 30 分钟无操作而过期；请在 2026-01-15T09:35:00+00:00 之前恢复，"
        "或开始新的会话"
    )
