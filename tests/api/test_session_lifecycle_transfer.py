"""A history export keeps what the lifecycle did to each session, so that importing it back
gives the same sessions: a pause longer than the timeout between two answers is no expiry."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from lang_portal.clock import FixedClock
from tests.api.test_transfer_api import empty_client  # noqa: F401 - the fixture
from tests.helpers import record_answer, start_session


def test_paused_and_completed_sessions_round_trip(
    client: TestClient,
    empty_client: TestClient,  # noqa: F811
    clock: FixedClock,
) -> None:
    paused_long = start_session(client)
    record_answer(client, paused_long, 1, True, duration_ms=1000)  # 09:00
    clock.advance(minutes=1)
    assert client.post(f"/api/study_sessions/{paused_long}/pause").status_code == 200
    clock.advance(hours=2)
    assert client.post(f"/api/study_sessions/{paused_long}/resume").status_code == 200
    clock.advance(minutes=1)
    record_answer(client, paused_long, 2, False, duration_ms=2000)  # 11:02
    assert client.post(f"/api/study_sessions/{paused_long}/complete").status_code == 200
    clock.advance(minutes=1)
    still_paused = start_session(client, 2)
    record_answer(client, still_paused, 3, True)
    assert client.post(f"/api/study_sessions/{still_paused}/pause").status_code == 200

    document = client.get("/api/export/history").json()
    first = document["study_sessions"][0]
    assert first["breaks"] == [
        {"start": "2026-01-15T09:01:00.000000Z", "end": "2026-01-15T11:01:00.000000Z"}
    ]
    assert first["completed_at"] == "2026-01-15T11:02:00.000000Z"
    assert document["study_sessions"][1]["paused_at"] == "2026-01-15T11:03:00.000000Z"

    imported = empty_client.post("/api/import/history", json=document)
    assert imported.status_code == 201, imported.text
    assert imported.json()["reviews"] == 3

    def sessions(api: TestClient) -> list[dict[str, Any]]:
        items = api.get("/api/study_sessions?order=asc").json()["items"]
        return [{k: v for k, v in item.items() if k != "id"} for item in items]

    assert sessions(empty_client) == sessions(client)
    assert [s["state"] for s in sessions(empty_client)] == ["completed", "paused"]
    copy_id = empty_client.get("/api/study_sessions?order=asc").json()["items"][0]["id"]
    copied = empty_client.get(f"/api/study_sessions/{copy_id}/result").json()
    original = client.get(f"/api/study_sessions/{paused_long}/result").json()
    assert copied["duration_minutes"] == original["duration_minutes"] == 2.0
    # importing it again changes nothing
    again = empty_client.post("/api/import/history", json=document)
    assert again.status_code == 201 and again.json()["reviews"] == 0


def test_a_gap_no_break_explains_is_still_an_expiry(client: TestClient) -> None:
    session = {
        "date": "2026-01-14T10:00:00Z",
        "group": "Basic Greetings",
        "study_activity": "Typing Tutor",
        "breaks": [{"start": "2026-01-14T10:01:00Z", "end": "2026-01-14T10:20:00Z"}],
        "words": [
            {"japanese": "おはよう", "result": "correct", "reviewed_at": "2026-01-14T10:01:00Z"},
            # 49 minutes later, 19 of them a break: 30 idle, still live
            {"japanese": "おはよう", "result": "correct", "reviewed_at": "2026-01-14T10:50:00Z"},
            # 31 idle minutes
            {"japanese": "おはよう", "result": "correct", "reviewed_at": "2026-01-14T11:21:00Z"},
        ],
    }
    response = client.post(
        "/api/v1/import/history", json={"format_version": "1.0", "study_sessions": [session]}
    )
    assert response.status_code == 422, response.text
    errors = response.json()["error"]["details"]["errors"]
    assert [e["path"] for e in errors] == ["study_sessions[0].words[2].reviewed_at"]
    bad = dict(session, breaks=[{"start": "2026-01-14T10:20:00Z", "end": "2026-01-14T10:01:00Z"}])
    response = client.post(
        "/api/v1/import/history", json={"format_version": "1.0", "study_sessions": [bad]}
    )
    assert response.status_code == 422
    assert response.json()["error"]["details"]["errors"][0]["path"] == "study_sessions[0].breaks[0]"
