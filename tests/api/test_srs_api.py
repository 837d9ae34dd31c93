"""Spaced repetition over HTTP: the queue, a whole session, the word's FSRS state, resets."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from fsrs import Card, Rating, Scheduler

from lang_portal.clock import FixedClock
from tests.conftest import START
from tests.helpers import record_answer, start_session


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {"srs_new_words_per_day": 3}


def _group_id(client: TestClient, name: str) -> int:
    groups = client.get("/api/groups").json()["items"]
    return next(g["id"] for g in groups if g["name"] == name)


def test_new_words_are_limited_per_day_and_come_after_due(
    client: TestClient, clock: FixedClock
) -> None:
    group = _group_id(client, "Basic Greetings")
    queue = client.get("/api/review_queue", params={"group_id": group, "limit": 10}).json()
    assert [item["kind"] for item in queue["items"]] == ["new"] * 3
    assert queue["new_words_left_today"] == 3 and queue["due_count"] == 0
    first, second = queue["items"][0]["word_id"], queue["items"][1]["word_id"]
    assert first < second  # new words by id

    session = start_session(client, group)
    record_answer(client, session, first, True, duration_ms=1500)
    record_answer(client, session, second, False, duration_ms=1500)
    queue = client.get("/api/v1/review_queue", params={"group_id": group}).json()["data"]
    # two new words used today; both are in learning steps, not due yet
    assert queue["new_words_today"] == 2 and queue["new_words_left_today"] == 1
    assert [item["kind"] for item in queue["items"]] == ["new"]
    assert queue["items"][0]["word_id"] not in (first, second)

    clock.advance(minutes=11)  # past both learning steps (10 min)
    queue = client.get("/api/review_queue", params={"group_id": group}).json()
    kinds = [(item["kind"], item["word_id"]) for item in queue["items"]]
    # most overdue first: the wrong answer's 1-minute step fell due before the 10-minute one
    assert kinds[:2] == [("due", second), ("due", first)]
    assert kinds[2][0] == "new" and len(kinds) == 3

    clock.advance(days=1)
    queue = client.get("/api/review_queue", params={"group_id": group, "limit": 10}).json()
    assert queue["new_words_left_today"] == 3  # a new local day


def test_word_state_matches_fsrs(client: TestClient, clock: FixedClock) -> None:
    group = _group_id(client, "Basic Greetings")
    word = client.get("/api/review_queue", params={"group_id": group}).json()["items"][0]
    word_id = word["word_id"]
    detail = client.get(f"/api/words/{word_id}").json()
    assert detail["srs"]["state"] == "new" and detail["srs"]["due"] is None

    scheduler = Scheduler(enable_fuzzing=False)
    card = Card()
    moments = [START, START + timedelta(minutes=10), START + timedelta(days=3)]
    answers = [True, True, False]
    for moment, correct in zip(moments, answers, strict=True):
        clock.set(moment)
        record_answer(client, start_session(client, group), word_id, correct, duration_ms=1500)
        rating = Rating.Good if correct else Rating.Again
        card, _ = scheduler.review_card(card, rating, review_datetime=moment)

    srs = client.get(f"/api/v1/words/{word_id}").json()["data"]["srs"]
    assert srs["state"] == "relearning"
    assert srs["stability"] == pytest.approx(card.stability, abs=1e-4)
    assert srs["difficulty"] == pytest.approx(card.difficulty, abs=1e-4)
    assert srs["due"] == card.due.isoformat(timespec="seconds")
    assert srs["reps"] == 3 and srs["lapses"] == 1
    assert srs["retrievability"] == 1.0  # reviewed just now
    clock.advance(days=10)
    later = client.get(f"/api/words/{word_id}").json()["srs"]
    assert later["retrievability"] == pytest.approx(
        scheduler.get_card_retrievability(card, clock.now()), abs=1e-4
    )


def test_a_whole_session_from_the_api(client: TestClient, clock: FixedClock) -> None:
    group = _group_id(client, "Core Verbs")
    launch = client.post("/api/study_activities/2/launch", json={"group_id": group})
    assert launch.status_code in (200, 201), launch.text
    session = launch.json()["study_session_id"]
    answered = []
    for _ in range(5):
        batch = client.get(f"/api/study_sessions/{session}/next_words", params={"limit": 2})
        assert batch.status_code == 200
        items = batch.json()["items"]
        if not items:
            break
        for item in items:
            record_answer(client, session, item["word_id"], True, duration_ms=1500)
            answered.append(item["word_id"])
    assert len(answered) == 3  # the daily new-word limit
    result = client.get(f"/api/study_sessions/{session}/result").json()
    assert result["reviews"] == 3 and result["correct"] == 3 and result["accuracy"] == 1.0
    assert {w["word_id"] for w in result["words"]} == set(answered)
    assert all(w["state"] == "learning" for w in result["words"])

    clock.advance(minutes=29)  # still within the session's 30 idle minutes
    items = client.get(f"/api/study_sessions/{session}/next_words").json()["items"]
    assert {item["word_id"] for item in items} == set(answered)
    assert all(item["kind"] == "due" for item in items)
    clock.advance(minutes=31)
    expired = client.get(f"/api/v1/study_sessions/{session}/next_words")
    assert expired.status_code == 422
    assert expired.json()["error"]["code"] == "SESSION_EXPIRED"


def test_forecast_counts_due_words_per_local_day(client: TestClient, clock: FixedClock) -> None:
    group = _group_id(client, "Basic Greetings")
    session = start_session(client, group)
    words = [item["word_id"] for item in client.get("/api/review_queue").json()["items"]]
    for word_id in words[:2]:
        record_answer(client, session, word_id, True, duration_ms=1500)
    clock.advance(minutes=10)
    for word_id in words[:2]:
        record_answer(
            client, session, word_id, True, duration_ms=1500
        )  # graduates: due in a few days
    forecast = client.get("/api/srs/forecast", params={"days": 5}).json()
    assert len(forecast["days"]) == 5 and forecast["overdue"] == 0
    assert forecast["days"][0]["date"] == "2026-01-15"
    assert sum(day["due"] for day in forecast["days"]) == 2
    due = client.get(f"/api/words/{words[0]}").json()["srs"]["due"][:10]
    assert next(d["due"] for d in forecast["days"] if d["date"] == due) == 2


def test_reset_history_clears_scheduling_state(client: TestClient) -> None:
    group = _group_id(client, "Basic Greetings")
    session = start_session(client, group)
    word_id = client.get("/api/review_queue").json()["items"][0]["word_id"]
    record_answer(client, session, word_id, False, duration_ms=1500)
    assert client.get(f"/api/words/{word_id}").json()["srs"]["state"] == "learning"
    assert client.post("/api/reset_history").status_code == 200
    assert client.get(f"/api/words/{word_id}").json()["srs"]["state"] == "new"
    queue = client.get("/api/review_queue").json()
    assert queue["new_words_today"] == 0 and queue["due_count"] == 0
    curve = client.get("/api/analytics/learning_curve").json()
    assert curve == {"by_times_seen": [], "by_days_since_review": []}


def test_unknown_group_and_bad_limit(client: TestClient) -> None:
    assert client.get("/api/review_queue", params={"group_id": 999}).status_code == 404
    assert client.get("/api/v1/review_queue", params={"limit": 0}).status_code == 422
