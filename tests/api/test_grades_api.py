"""Answers with grades over HTTP: stored, shown, used by the FSRS card, refused when they
contradict `correct`, exported and imported back."""

from __future__ import annotations

from fastapi.testclient import TestClient

from lang_portal.clock import FixedClock
from tests.helpers import MountClient


def start_session(api: MountClient) -> int:
    created = api.post("/study_sessions", json={"group_id": 1, "study_activity_id": 1})
    assert created.status == 201
    session_id: int = created.data["id"]
    return session_id


def test_a_grade_is_stored_and_returned(api: MountClient) -> None:
    session_id = start_session(api)
    stored = api.post(f"/study_sessions/{session_id}/words/1/review", json={"grade": "hard"})
    assert stored.status == 201
    assert stored.data["grade"] == "hard" and stored.data["correct"] is True
    wrong = api.post(f"/study_sessions/{session_id}/words/2/review", json={"grade": "again"})
    assert wrong.data["grade"] == "again" and wrong.data["correct"] is False
    both = api.post(
        f"/study_sessions/{session_id}/words/3/review", json={"grade": "easy", "correct": True}
    )
    assert both.status == 201 and both.data["grade"] == "easy"
    plain = api.post(f"/study_sessions/{session_id}/words/4/review", json={"correct": True})
    assert plain.data["grade"] is None
    assert api.get("/words/2").data["stats"] == {"correct_count": 0, "wrong_count": 1}


def test_each_grade_moves_the_card_as_fsrs_rates_it(api: MountClient) -> None:
    session_id = start_session(api)
    stability = {}
    for word_id, grade in ((1, "again"), (2, "hard"), (3, "good"), (4, "easy")):
        response = api.post(
            f"/study_sessions/{session_id}/words/{word_id}/review", json={"grade": grade}
        )
        assert response.status == 201
        stability[grade] = api.get(f"/words/{word_id}").data["srs"]["stability"]
    # FSRS-6's first stabilities are the weights w0..w3, rising with the grade
    assert stability["again"] < stability["hard"] < stability["good"] < stability["easy"]
    assert stability["good"] == round(2.3065, 4)
    # a right answer without a grade is good
    api.post(f"/study_sessions/{session_id}/words/5/review", json={"correct": True})
    assert api.get("/words/5").data["srs"]["stability"] == stability["good"]


def test_a_contradiction_is_refused_naming_both_fields(api: MountClient) -> None:
    session_id = start_session(api)
    path = f"/study_sessions/{session_id}/words/1/review"
    for body in ({"correct": False, "grade": "good"}, {"correct": True, "grade": "again"}):
        refused = api.post(path, json=body)
        assert refused.status == 422
        assert refused.error is not None
        assert refused.error["code"] == "VALIDATION_FAILED"
        assert set(refused.error["details"]) == {"correct", "grade"}
    neither = api.post(path, json={"duration_ms": 100})
    assert neither.status == 422 and neither.error is not None
    assert "correct" in neither.error["details"]
    bad = api.post(path, json={"grade": "perfect"})
    assert bad.status == 422
    assert api.get(f"/study_sessions/{session_id}").data["review_items_count"] == 0


def test_a_grade_as_query_parameter(api: MountClient) -> None:
    session_id = start_session(api)
    stored = api.post(f"/study_sessions/{session_id}/words/1/review?grade=easy")
    assert stored.status == 201 and stored.data["grade"] == "easy"


def test_grades_go_out_and_come_back_with_the_history(
    client: TestClient, clock: FixedClock
) -> None:
    session = client.post("/api/study_sessions", json={"group_id": 1, "study_activity_id": 1})
    session_id = session.json()["id"]
    for word_id, grade in ((1, "hard"), (2, "again"), (3, None)):
        clock.advance(seconds=10)
        body = {"grade": grade} if grade else {"correct": True}
        assert (
            client.post(
                f"/api/study_sessions/{session_id}/words/{word_id}/review", json=body
            ).status_code
            == 201
        )
    document = client.get("/api/export/history").json()
    entries = document["study_sessions"][0]["words"]
    assert [e.get("grade") for e in entries] == ["hard", "again", None]
    before = [client.get(f"/api/words/{w}").json()["srs"] for w in (1, 2, 3)]
    client.post("/api/reset_history")
    imported = client.post("/api/import/history", json=document)
    assert imported.status_code == 201, imported.text
    assert [client.get(f"/api/words/{w}").json()["srs"] for w in (1, 2, 3)] == before
    assert client.get("/api/export/history").json()["study_sessions"][0]["words"] == entries


def test_the_legacy_mount_keeps_its_shape(client: TestClient) -> None:
    session = client.post("/study_sessions", json={"group_id": 1, "study_activity_id": 1})
    assert session.status_code == 201
    stored = client.post(
        f"/study_sessions/{session.json()['session_id']}/review",
        json={"word_id": 1, "correct": True},
    )
    assert stored.status_code == 201
    assert "grade" not in stored.json()
