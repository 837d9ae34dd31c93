"""Analytics over HTTP on a crafted history, counted in a non-UTC zone."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from lang_portal.clock import FixedClock
from tests.helpers import record_answer, start_session


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    # Tokyo is UTC+9: 14:59 UTC is 23:59 there, 15:01 UTC is 00:01 the next day
    return {"timezone": "Asia/Tokyo", "srs_mastery_stability_days": 2}


def _word_ids(client: TestClient) -> list[int]:
    return [w["id"] for w in client.get("/api/words", params={"sort_by": "id"}).json()["items"]]


def _answer_at(
    client: TestClient,
    clock: FixedClock,
    moment: datetime,
    answers: list[tuple[int, bool]],
    activity_id: int = 1,
    group_id: int = 1,
) -> None:
    clock.set(moment)
    session = start_session(client, group_id, activity_id)
    for word_id, correct in answers:
        record_answer(client, session, word_id, correct, duration_ms=2000)


@pytest.fixture
def history(client: TestClient, clock: FixedClock) -> list[int]:
    a, b, c = _word_ids(client)[:3]
    # Tokyo day 2026-01-15 (23:59) and 2026-01-16 (00:01), two minutes apart
    _answer_at(client, clock, datetime(2026, 1, 15, 14, 59, tzinfo=UTC), [(a, True), (b, False)])
    _answer_at(client, clock, datetime(2026, 1, 15, 15, 1, tzinfo=UTC), [(a, True), (c, True)])
    # Tokyo 2026-01-17, in the other activity: a and b a day or more later
    _answer_at(client, clock, datetime(2026, 1, 17, 1, 0, tzinfo=UTC), [(a, True), (b, False)], 2)
    # Tokyo 2026-01-19: a gap breaks the first streak
    _answer_at(client, clock, datetime(2026, 1, 19, 1, 0, tzinfo=UTC), [(b, True)], 2)
    clock.set(datetime(2026, 1, 19, 12, 0, tzinfo=UTC))  # 21:00 in Tokyo
    return [a, b, c]


def test_progress_per_local_day(client: TestClient, history: list[int]) -> None:
    body = client.get("/api/analytics/progress", params={"from": "2026-01-15", "to": "2026-01-19"})
    assert body.status_code == 200
    days = {day["date"]: day for day in body.json()["days"]}
    assert list(days) == [f"2026-01-{d}" for d in range(15, 20)]
    assert days["2026-01-15"] == {
        "date": "2026-01-15",
        "reviews": 2,
        "correct": 1,
        "accuracy": 0.5,
        "words_studied": 2,
        "new_words": 2,
        "time_spent_ms": 4000,
    }
    assert days["2026-01-16"]["reviews"] == 2 and days["2026-01-16"]["new_words"] == 1
    assert days["2026-01-16"]["words_studied"] == 2
    assert days["2026-01-18"]["reviews"] == 0 and days["2026-01-18"]["accuracy"] is None
    totals = body.json()["totals"]
    assert totals["reviews"] == 7 and totals["correct"] == 5 and totals["study_days"] == 4
    v1 = client.get("/api/v1/analytics/progress", params={"from": "2026-01-20", "to": "2026-01-19"})
    assert v1.status_code == 422 and v1.json()["error"]["code"] == "VALIDATION_FAILED"


def test_streaks_across_midnight(client: TestClient, history: list[int]) -> None:
    streaks = client.get("/api/analytics/streaks").json()
    assert streaks["today"] == "2026-01-19"
    assert streaks["current"] == 1 and streaks["studied_today"] is True
    # 15th, 16th (two minutes after the first session) and 17th in Tokyo
    assert streaks["longest"] == 3
    assert (streaks["longest_start"], streaks["longest_end"]) == ("2026-01-15", "2026-01-17")


def test_learning_curve_and_difficult_words(client: TestClient, history: list[int]) -> None:
    a, b, _ = history
    curve = client.get("/api/analytics/learning_curve").json()
    seen = {p["times_seen"]: (p["reviews"], p["accuracy"]) for p in curve["by_times_seen"]}
    assert seen == {0: (3, 0.6667), 1: (2, 0.5), 2: (2, 1.0)}
    gaps = {p["days"]: (p["reviews"], p["retention"]) for p in curve["by_days_since_review"]}
    # a: 2 minutes (0 days), then 34 hours (1 day, right); b: 34 hours (wrong), then 2 days
    assert gaps == {0: (1, 1.0), 1: (2, 0.5), 2: (1, 1.0)}

    hard = client.get("/api/analytics/difficult_words", params={"min_attempts": 2}).json()
    assert [(w["word_id"], w["attempts"], w["accuracy"]) for w in hard] == [
        (b, 3, round(1 / 3, 4)),
        (a, 3, 1.0),
    ]
    assert client.get("/api/analytics/difficult_words", params={"min_attempts": 4}).json() == []


def test_per_activity_accuracy_and_later_retention(client: TestClient, history: list[int]) -> None:
    rows = {r["study_activity_id"]: r for r in client.get("/api/analytics/activities").json()}
    # activity 1: 4 answers, 3 right; a and b came back a day or more later: a right, b wrong
    assert rows[1]["reviews"] == 4 and rows[1]["accuracy"] == 0.75
    assert rows[1]["later_reviews"] == 2 and rows[1]["later_retention"] == 0.5
    # activity 2: b came back two days later and was right
    assert rows[2]["reviews"] == 3 and rows[2]["accuracy"] == round(2 / 3, 4)
    assert rows[2]["later_reviews"] == 1 and rows[2]["later_retention"] == 1.0


def test_mastery_overall_and_per_group(client: TestClient, history: list[int]) -> None:
    mastery = client.get("/api/v1/analytics/mastery").json()["data"]
    assert mastery["stability_threshold_days"] == 2
    assert mastery["studied"] == 3
    words = client.get("/api/words").json()["pagination"]["total_items"]
    assert mastery["total_words"] == words
    # stable and remembered now, straight from each word's state
    cards = [client.get(f"/api/words/{w}").json()["srs"] for w in history]
    assert mastery["mastered"] == sum(
        c["stability"] >= 2 and c["retrievability"] >= 0.9 for c in cards
    )
    assert mastery["recall_threshold"] == 0.9
    assert "at least 2 days" in mastery["rule"] and "recall now is at least 0.9" in mastery["rule"]
    group = next(g for g in mastery["groups"] if g["group_id"] == 1)
    assert group["studied"] == 3 and group["studied_share"] == round(3 / group["word_count"], 4)


@pytest.mark.parametrize("prefix", ["/api/v1", "/api"])
def test_srs_evaluation_calibration(client: TestClient, history: list[int], prefix: str) -> None:
    body = client.get(f"{prefix}/analytics/srs_evaluation").json()
    evaluation = body["data"] if prefix == "/api/v1" else body
    # scored: a and b on the 17th (a day after their first answers), b again on the 19th
    assert evaluation["reviews_scored"] == 3
    calibration = evaluation["calibration"]
    assert calibration, "answers were scored, so some range holds them"
    assert sum(entry["reviews"] for entry in calibration) == 3
    recalled = sum(entry["actual"] * entry["reviews"] for entry in calibration)
    assert recalled == pytest.approx(2)  # a on the 17th and b on the 19th
    for entry in calibration:
        assert set(entry) == {"predicted_from", "predicted_to", "reviews", "predicted", "actual"}
        assert entry["predicted_from"] <= entry["predicted"] <= entry["predicted_to"]
        assert entry["predicted_to"] == pytest.approx(entry["predicted_from"] + 0.1)
    ranges = [entry["predicted_from"] for entry in calibration]
    assert ranges == sorted(set(ranges))


def test_srs_evaluation_calibration_empty_without_history(client: TestClient) -> None:
    evaluation = client.get("/api/analytics/srs_evaluation").json()
    assert evaluation["reviews_scored"] == 0
    assert evaluation["calibration"] == []
