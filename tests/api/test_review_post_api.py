"""The review POST as clients send it: a resent answer with an Idempotency-Key is stored once,
and `correct` may come as a query parameter (the spec lists it under "Request Params")."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.helpers import MountClient, review_path, session_body, start_session


def word_counts(api: MountClient, word_id: int) -> tuple[int, int]:
    word = api.get(f"/words/{word_id}")
    stats = word.data["stats"]
    return stats["correct_count"], stats["wrong_count"]


def test_a_resent_answer_is_stored_once_and_answered_with_the_first_result(
    api: MountClient,
) -> None:
    session_id = start_session(api)
    path = review_path(session_id, 1)
    headers = {"Idempotency-Key": "3f1c8a52-answer-1"}
    first = api.post(path, json={"correct": True, "duration_ms": 900}, headers=headers)
    again = api.post(path, json={"correct": True, "duration_ms": 900}, headers=headers)
    assert first.status == again.status == 201
    assert again.data == first.data
    assert word_counts(api, 1) == (1, 0)
    session = api.get(f"/study_sessions/{session_id}")
    assert session.data["review_items_count"] == 1


def test_a_new_key_is_a_new_answer(api: MountClient) -> None:
    session_id = start_session(api)
    path = review_path(session_id, 1)
    for key in ("key-a", "key-b"):
        assert (
            api.post(path, json={"correct": False}, headers={"Idempotency-Key": key}).status == 201
        )
    assert word_counts(api, 1) == (0, 2)


def test_a_key_reused_for_another_answer_is_refused_and_stores_nothing(api: MountClient) -> None:
    session_id = start_session(api)
    headers = {"Idempotency-Key": "reused"}
    path = review_path(session_id, 1)
    assert api.post(path, json={"correct": True}, headers=headers).status == 201
    refused = api.post(path, json={"correct": False}, headers=headers)
    assert refused.status == 422
    assert refused.error is not None
    assert refused.error["code"] == "VALIDATION_FAILED"
    assert "Idempotency-Key" in refused.error["details"]
    assert word_counts(api, 1) == (1, 0)


def test_a_malformed_key_is_a_validation_error(api: MountClient) -> None:
    session_id = start_session(api)
    refused = api.post(
        review_path(session_id, 1),
        json={"correct": True},
        headers={"Idempotency-Key": "has spaces in it"},
    )
    assert refused.status == 422
    assert word_counts(api, 1) == (0, 0)


def test_correct_as_a_query_parameter(api: MountClient) -> None:
    session_id = start_session(api)
    stored = api.post(review_path(session_id, 2) + "?correct=false")
    assert stored.status == 201
    assert stored.data["correct"] is False
    assert stored.data["word_id"] == 2
    assert word_counts(api, 2) == (0, 1)


def test_a_body_wins_over_the_query(api: MountClient) -> None:
    session_id = start_session(api)
    stored = api.post(review_path(session_id, 2) + "?correct=false", json={"correct": True})
    assert stored.status == 201
    assert stored.data["correct"] is True


def test_a_query_value_that_is_not_a_boolean_is_named(api: MountClient) -> None:
    session_id = start_session(api)
    refused = api.post(review_path(session_id, 2) + "?correct=maybe")
    assert refused.status == 422
    assert refused.error is not None
    assert "correct" in str(refused.error["details"])
    assert word_counts(api, 2) == (0, 0)


def test_no_answer_at_all_is_named(api: MountClient) -> None:
    session_id = start_session(api)
    refused = api.post(review_path(session_id, 2))
    assert refused.status == 422
    assert refused.error is not None
    assert "correct" in refused.error["details"]


def test_the_legacy_review_takes_a_key_too(client: TestClient) -> None:
    created = client.post("/study_sessions", json=session_body())
    session_id = created.json()["session_id"]
    body = {"reviews": [{"word_id": 1, "is_correct": True}, {"word_id": 2, "is_correct": False}]}
    headers = {"Idempotency-Key": "batch-1"}
    first = client.post(f"/study_sessions/{session_id}/review", json=body, headers=headers)
    again = client.post(f"/study_sessions/{session_id}/review", json=body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert len(first.json()["reviews"]) == 2
    session = client.get(f"/api/v1/study_sessions/{session_id}").json()["data"]
    assert session["review_items_count"] == 2
    counts = client.get("/api/v1/words/1").json()["data"]["stats"]
    assert (counts["correct_count"], counts["wrong_count"]) == (1, 0)
