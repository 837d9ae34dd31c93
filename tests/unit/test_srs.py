"""The scheduler's scoring: bins, metrics, and FSRS against a constant on a forgetting curve."""

from __future__ import annotations

import math
import random
from datetime import timedelta

import pytest
from fsrs import Card, Rating, Scheduler

from lang_portal.clock import FixedClock
from lang_portal.service.container import Services
from lang_portal.service.evaluation import Evaluation, rmse_bins_key
from tests.conftest import START


def test_rmse_bins_follow_srs_benchmark() -> None:
    assert rmse_bins_key(1, 2, 0) == (2.48, 4.0, 0.0)
    assert rmse_bins_key(4, 3, 1) == (8.98, 4.0, 2.0)
    assert rmse_bins_key(30, 5, 3) == (32.5, 7.0, 5.0)
    tiny = round(2.48 * 3.62 ** math.floor(math.log(1e-6) / math.log(3.62)), 2)
    assert rmse_bins_key(0, 1, 0) == (tiny, 2.0, 0.0)


def test_metrics_on_hand_made_predictions() -> None:
    evaluation = Evaluation()
    cases = [(0.9, True), (0.8, True), (0.3, False), (0.6, False)]
    for p, y in cases:
        evaluation.add(p, y, elapsed_days=1, i=2, lapses=0)  # one bin
    report = evaluation.report()
    expected_loss = -sum(math.log(p) if y else math.log(1 - p) for p, y in cases) / 4
    assert report["fsrs"]["log_loss"] == pytest.approx(expected_loss, abs=1e-6)
    # one bin: mean y 0.5 against mean p 0.65
    assert report["fsrs"]["rmse_bins"] == pytest.approx(0.15, abs=1e-6)
    assert report["fsrs"]["auc"] == 1.0  # every recalled word ranked above every forgotten one
    assert report["baseline"] == {
        "log_loss": pytest.approx(math.log(2), abs=1e-6),
        "rmse_bins": 0.0,
        "auc": 0.5,
    }


def build_forgetting_curve_history(
    services: Services, clock: FixedClock, words: int = 10, reviews: int = 20, seed: int = 7
) -> int:
    """Answers drawn from each word's true forgetting curve, R = (1 + F * t / S) ** -D.

    The learner's memory follows FSRS-6's curve with its default parameters; the gaps between
    reviews vary from a third to three times the true stability, so recall varies with them.
    """
    rng = random.Random(seed)
    truth = Scheduler(enable_fuzzing=False)
    word_ids = list(range(1, words + 1))
    events: list[tuple[float, int, bool]] = []
    for word_id in word_ids:
        card = Card()
        t = rng.uniform(0, 2)
        for index in range(reviews):
            if index:
                assert card.stability is not None
                t += rng.uniform(0.33, 3.0) * min(max(card.stability, 1.0), 60.0)
            moment = START + timedelta(days=t)
            p = truth.get_card_retrievability(card, moment) if index else 0.5
            recalled = rng.random() < p
            events.append((t, word_id, recalled))
            rating = Rating.Good if recalled else Rating.Again
            card, _ = truth.review_card(card, rating, review_datetime=moment)
    events.sort()
    group = services.inventory.create_group("Synthetic", word_ids).id
    for t, word_id, recalled in events:
        clock.set(START + timedelta(days=t))
        session = services.study.create_session(group, 1).id
        services.study.record_review(session, word_id, recalled, 1000)
    return len(events)


def test_fsrs_beats_the_baseline_on_a_forgetting_curve(
    services: Services, clock: FixedClock
) -> None:
    count = build_forgetting_curve_history(services, clock)
    live = services.srs.evaluation()
    replay = services.srs.replay_evaluation()
    assert replay["reviews_replayed"] == count and replay["words"] == 10
    # the figures kept by each review equal a replay of the stored history
    for key in ("reviews_scored", "average_recall", "fsrs", "baseline", "calibration"):
        assert live[key] == replay[key]
    fsrs, baseline = live["fsrs"], live["baseline"]
    assert live["reviews_scored"] > 150
    assert fsrs["log_loss"] < baseline["log_loss"]
    assert fsrs["auc"] > 0.6
    assert baseline["auc"] == 0.5


def test_rebuild_gives_back_the_live_state(services: Services, clock: FixedClock) -> None:
    build_forgetting_curve_history(services, clock, words=4, reviews=8)
    before = [services.inventory.get_word(w).srs for w in range(1, 5)]
    evaluation = services.srs.evaluation()
    with services.context.db.write() as connection:
        services.answers.rebuild(connection)
    assert [services.inventory.get_word(w).srs for w in range(1, 5)] == before
    assert services.srs.evaluation() == evaluation


def test_calibration_groups_predictions_into_tenths() -> None:
    evaluation = Evaluation()
    cases = [(0.95, True), (0.91, False), (0.99, True), (0.12, False), (0.18, True), (1.0, True)]
    for p, y in cases:
        evaluation.add(p, y, elapsed_days=3, i=2, lapses=0)
    assert evaluation.report()["calibration"] == [
        {
            "predicted_from": 0.1,
            "predicted_to": 0.2,
            "reviews": 2,
            "predicted": pytest.approx(0.15, abs=1e-4),
            "actual": 0.5,
        },
        {
            # 1.0 falls in the top range
            "predicted_from": 0.9,
            "predicted_to": 1.0,
            "reviews": 4,
            "predicted": pytest.approx((0.95 + 0.91 + 0.99 + 1.0) / 4, abs=1e-4),
            "actual": 0.75,
        },
    ]
