"""Word difficulty over HTTP: on the word, in the review queue (reasons, scores, the adjusted
target for new words), with exact values on scripted histories."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from fsrs import Card, Rating, Scheduler

from lang_portal.clock import FixedClock
from tests.conftest import START
from tests.helpers import record_answer, start_session

# Basic Greetings (group 1): こんにちは, おはよう, さようなら, 有難う, すみません (ids 1-5).
# Their prior difficulty: characters (n - 1) / 7 weighing 0.25, distinct kanji k / 3 weighing
# 0.35, katakana share 0.15, divided by 0.75 (the 0.25 of the unknown word frequency shared out).
PRIOR = {
    1: 0.25 * 4 / 7 / 0.75,
    2: 0.25 * 3 / 7 / 0.75,
    3: 0.25 * 4 / 7 / 0.75,
    4: (0.25 * 2 / 7 + 0.35 * 2 / 3) / 0.75,
    5: 0.25 * 4 / 7 / 0.75,
}


def new_word_score(difficulty: float, target: float) -> float:
    return 0.2 * difficulty + 0.4 * (1 - abs(difficulty - target)) + 0.2 * 1 + 0.2 * 0


@pytest.mark.parametrize("prefix", ["/api", "/api/v1"])
def test_a_word_without_history_is_as_hard_as_its_features(client: TestClient, prefix: str) -> None:
    response = client.get(f"{prefix}/words/4")
    assert response.status_code == 200
    body = response.json()
    word = body["data"] if prefix == "/api/v1" else body
    difficulty = word["difficulty"]
    assert difficulty["score"] == round(PRIOR[4], 4) == difficulty["prior"]
    assert difficulty["history"] is None and difficulty["history_share"] == 0
    assert difficulty["answers"] == 0
    assert difficulty["factors"] == {
        "character_count": round(2 / 7, 4),
        "unique_kanji": round(2 / 3, 4),
        "kana_type": 0.0,
        "usage_frequency": None,
        "historical_errors": None,
        "average_time_spent": None,
        "fsrs_difficulty": None,
    }
    assert difficulty["weights"] == {
        "character_weight": round(0.25 / 0.75, 4),
        "kanji_weight": round(0.35 / 0.75, 4),
        "kana_weight": round(0.15 / 0.75, 4),
        "frequency_weight": 0.0,
        "error_weight": 0.0,
        "time_weight": 0.0,
        "fsrs_weight": 0.0,
    }
    assert word["common_mistakes"] == []


def test_a_words_history_is_blended_into_its_difficulty(
    client: TestClient, clock: FixedClock
) -> None:
    session = start_session(client, 1)
    record_answer(client, session, 1, True, duration_ms=2000)
    scheduler, card = Scheduler(enable_fuzzing=False), Card()
    card, _ = scheduler.review_card(card, Rating.Good, review_datetime=START)
    clock.advance(minutes=10)
    record_answer(client, session, 1, False, duration_ms=4000)
    card, _ = scheduler.review_card(card, Rating.Again, review_datetime=clock.now())
    assert card.difficulty is not None

    difficulty = client.get("/api/words/1").json()["difficulty"]
    fsrs = (card.difficulty - 1) / 9
    history = 0.5 * 0.5 + 0.2 * (3000 / 10_000) + 0.3 * fsrs
    share = 2 / (2 + 5)
    assert difficulty["answers"] == 2 and difficulty["history_share"] == round(share, 4)
    assert difficulty["factors"]["historical_errors"] == 0.5
    assert difficulty["factors"]["average_time_spent"] == 0.3
    assert difficulty["factors"]["fsrs_difficulty"] == pytest.approx(fsrs, abs=1e-4)
    assert difficulty["history"] == pytest.approx(history, abs=1e-4)
    assert difficulty["score"] == pytest.approx((1 - share) * PRIOR[1] + share * history, abs=1e-4)
    weights = difficulty["weights"]
    assert weights["error_weight"] == round(share * 0.5, 4)
    assert weights["character_weight"] == round((1 - share) * 0.25 / 0.75, 4)
    assert sum(weights.values()) == pytest.approx(1, abs=1e-3)


def test_new_words_come_closest_to_the_target_first(client: TestClient, clock: FixedClock) -> None:
    queue = client.get("/api/v1/review_queue", params={"group_id": 1, "limit": 5}).json()["data"]
    adjustment = queue["adjustment"]
    assert adjustment["direction"] == "initial" and adjustment["current_level"] == 0.2
    assert adjustment["success_rate"] is None and adjustment["answers"] == 0
    assert (adjustment["threshold_up"], adjustment["threshold_down"]) == (0.85, 0.6)
    # |prior - 0.2|: 0.0095 for 1, 3 and 5 (ties in the inventory's order), 0.057, 0.206
    assert [item["word_id"] for item in queue["items"]] == [1, 3, 5, 2, 4]
    for item in queue["items"]:
        word = item["word_id"]
        assert item["kind"] == "new" and item["state"] == "new"
        assert item["reason"] == "new_at_level"
        assert item["recall_probability"] is None and item["retrievability"] is None
        assert item["optimal_time"] == START.isoformat()
        assert item["expected_difficulty"] == round(PRIOR[word], 4)
        assert item["score"] == pytest.approx(new_word_score(PRIOR[word], 0.2), abs=1e-4)


def test_a_high_success_rate_brings_in_harder_words(client: TestClient) -> None:
    session = start_session(client, 1)
    for word in (1, 3):
        record_answer(client, session, word, True, duration_ms=1500)
    queue = client.get("/api/review_queue", params={"group_id": 1, "limit": 3}).json()
    adjustment = queue["adjustment"]
    # all right (1.0 > 0.85): a full step above the new words just answered
    assert adjustment["success_rate"] == 1.0 and adjustment["direction"] == "harder"
    assert adjustment["base_level"] == round(PRIOR[1], 4)
    assert adjustment["current_level"] == round(PRIOR[1] + 0.1, 4)
    # 0.29 now: 有難う (0.41) is as close as すみません (0.19) is not
    assert [item["word_id"] for item in queue["items"]] == [5, 4, 2]


def test_a_low_success_rate_brings_in_easier_words(client: TestClient) -> None:
    session = start_session(client, 1)
    for word in (1, 3, 5):
        record_answer(client, session, word, False, duration_ms=1500)
    adjustment = client.get("/api/review_queue", params={"group_id": 1}).json()["adjustment"]
    assert adjustment["success_rate"] == 0.0 and adjustment["direction"] == "easier"
    assert adjustment["current_level"] == round(PRIOR[1] - 0.1, 4)


def test_due_items_say_why_they_are_there(client: TestClient, clock: FixedClock) -> None:
    session = start_session(client, 1)
    scheduler = Scheduler(enable_fuzzing=False)
    record_answer(client, session, 2, True, duration_ms=1000)
    card, _ = scheduler.review_card(Card(), Rating.Good, review_datetime=START)
    clock.advance(minutes=11)  # past its 10-minute learning step
    (item,) = [
        i
        for i in client.get("/api/review_queue", params={"group_id": 1}).json()["items"]
        if i["kind"] == "due"
    ]
    assert item["word_id"] == 2 and item["reason"] == "due"
    assert item["optimal_time"] == item["due"] == card.due.isoformat()
    recall = scheduler.get_card_retrievability(card, clock.now())
    assert item["recall_probability"] == item["retrievability"] == round(recall, 4)
    assert card.difficulty is not None and card.stability is not None
    share = 1 / 6
    history = (0.2 * 0.1 + 0.3 * (card.difficulty - 1) / 9) / 1.0  # no error: 0 x 0.5
    expected = (1 - share) * PRIOR[2] + share * history
    assert item["expected_difficulty"] == pytest.approx(expected, abs=1e-4)
    score = (
        0.2 * expected
        + 0.4 * (1 - recall)
        + 0.2 * (1 - min(1, card.stability / 21))
        + 0.2 * 0  # no lapses
    )
    assert item["score"] == pytest.approx(score, abs=1e-4)

    clock.set(card.due + timedelta(days=1, minutes=1))  # due for more than a day
    session = start_session(client, 1)
    items = client.get("/api/review_queue", params={"group_id": 1}).json()["items"]
    assert [(i["word_id"], i["reason"]) for i in items if i["kind"] == "due"] == [(2, "overdue")]


def test_a_word_answered_wrong_again_and_again_is_difficult(
    client: TestClient, clock: FixedClock
) -> None:
    session = start_session(client, 1)
    for _ in range(8):
        record_answer(client, session, 4, False, duration_ms=12_000)
        clock.advance(minutes=2)
    difficulty = client.get("/api/words/4").json()["difficulty"]
    assert difficulty["score"] >= 0.6
    items = client.get("/api/review_queue", params={"group_id": 1}).json()["items"]
    (due,) = [item for item in items if item["kind"] == "due"]
    assert due["word_id"] == 4 and due["reason"] == "difficult"
    assert due["expected_difficulty"] == difficulty["score"]
