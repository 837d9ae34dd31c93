"""The fitting's own logic: the time-series split, the training items, the keep rule, the
constant baseline, and one fit at a time."""

from __future__ import annotations

import math
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from lang_portal.service.evaluation import Evaluation, log_loss
from lang_portal.service.optimizer import (
    HeldOutScores,
    WordHistory,
    beats,
    clamp,
    constant_scores,
    elapsed_days,
    optimizer_lock,
    split_point,
    training_items,
)

DAY = 86_400.0


def test_the_split_holds_out_the_newest_fifth() -> None:
    times = [f"2026-01-{day:02d}T00:00:00.000000Z" for day in range(1, 11)]
    assert split_point(times) == times[8]  # answers 9 and 10 of 10 are held out
    assert split_point(times, 0.5) == times[5]
    assert split_point(times[:1]) is None
    assert split_point([]) is None
    # never everything held out, never nothing
    assert split_point(times[:2], 0.99) == times[1]
    assert split_point(times[:2], 0.01) == times[1]


def test_elapsed_days_are_whole_days_as_the_scheduler_counts() -> None:
    assert elapsed_days(0, DAY - 1) == 0
    assert elapsed_days(0, DAY) == 1
    assert elapsed_days(0, 3.5 * DAY) == 3
    start = datetime(2026, 1, 1, tzinfo=UTC)
    later = start + timedelta(days=2, hours=23)
    assert elapsed_days(start.timestamp(), later.timestamp()) == (later - start).days


def _history(*answers: tuple[float, int]) -> WordHistory:
    history = WordHistory()
    for moment, rating in answers:
        history.add(moment, rating)
    return history


def test_training_items_come_from_answers_before_the_split_only() -> None:
    word = _history((0, 3), (600, 3), (2 * DAY, 1), (5 * DAY, 3), (20 * DAY, 4))
    items, scored, recalled = training_items([word], split_at=10 * DAY)
    # answers a day or more after the previous: day 2 (again) and day 5 (good); day 20 is held out
    assert (scored, recalled) == (2, 1)
    assert [len(item.reviews) for item in items] == [3, 4]
    # the package shows a review only by its repr
    assert [repr(r) for r in items[-1].reviews] == [
        f"FSRSReview {{ rating: {rating}, delta_t: {days} }}"
        # day 2 is 1 day 23:50 after the answer at 00:10: one whole day
        for rating, days in [(3, 0), (3, 0), (1, 1), (3, 3)]
    ]


def test_a_word_answered_once_gives_no_item() -> None:
    items, scored, _ = training_items([_history((0, 3))], split_at=DAY)
    assert items == [] and scored == 0


def test_items_are_sampled_past_the_budget_but_all_answers_are_counted() -> None:
    words = [_history(*[(i * 2 * DAY, 3) for i in range(30)]) for _ in range(20)]
    everything, scored, _ = training_items(words, split_at=1e12)
    sampled, scored_sampled, _ = training_items(words, split_at=1e12, max_reviews=2_000)
    assert scored == scored_sampled == 20 * 29
    assert len(everything) == 20 * 29
    assert 0 < len(sampled) < len(everything)
    assert sum(len(item.reviews) for item in sampled) < 2 * 2_000


def test_the_keep_rule_needs_lower_rmse_and_no_worse_log_loss() -> None:
    current = HeldOutScores(log_loss=0.40, rmse_bins=0.10, auc=0.7)
    assert beats(HeldOutScores(log_loss=0.39, rmse_bins=0.08, auc=0.6), current)
    assert beats(HeldOutScores(log_loss=0.40, rmse_bins=0.08, auc=0.6), current)  # no worse
    assert not beats(HeldOutScores(log_loss=0.41, rmse_bins=0.05, auc=0.9), current)
    assert not beats(HeldOutScores(log_loss=0.30, rmse_bins=0.10, auc=0.9), current)  # equal
    assert not beats(HeldOutScores(log_loss=None, rmse_bins=None, auc=None), current)


def test_the_constant_is_scored_on_the_same_answers_and_bins() -> None:
    evaluation = Evaluation()
    outcomes = [(1, True), (1, False), (30, True), (30, True), (200, False)]
    for days, y in outcomes:
        evaluation.add(0.5, y, days, 2, 0)
    p = 0.7
    scores = constant_scores(evaluation, p)
    expected_loss = sum(log_loss(p, y) for _, y in outcomes) / len(outcomes)
    assert scores.log_loss == pytest.approx(expected_loss, abs=1e-6)
    # bins by days elapsed: {1: 1/2 recalled, 30: 2/2, 200: 0/1}
    expected_rmse = math.sqrt((2 * (0.5 - p) ** 2 + 2 * (1 - p) ** 2 + (0 - p) ** 2) / 5)
    assert scores.rmse_bins == pytest.approx(expected_rmse, abs=1e-6)
    assert scores.auc == 0.5
    empty = constant_scores(Evaluation(), p)
    assert empty.log_loss is None and empty.rmse_bins is None


def test_clamp_keeps_weights_within_the_schedulers_bounds() -> None:
    weights = [0.0] * 21
    weights[4] = 50.0
    clamped = clamp(weights)
    assert clamped[0] == 0.001 and clamped[4] == 10.0 and clamped[20] == 0.1


def test_one_fit_at_a_time_across_processes(tmp_path: Path) -> None:
    path = tmp_path / "db-optimizer.lock"
    with optimizer_lock(path, wait=False) as first:
        assert first
        seen: list[bool] = []

        def other() -> None:
            # another open file description, as another worker process would have
            with optimizer_lock(path, wait=False) as held:
                seen.append(held)

        thread = threading.Thread(target=other)
        thread.start()
        thread.join()
        assert seen == [False]
    with optimizer_lock(path, wait=False) as again:
        assert again


def test_a_slow_right_answer_is_hard_only_under_a_threshold_and_without_a_grade() -> None:
    from fsrs import Rating

    from lang_portal.service.answers import rating_of

    assert rating_of(True, None, 9_000, 5_000) == Rating.Hard
    assert rating_of(True, None, 4_000, 5_000) == Rating.Good
    assert rating_of(True, None, None, 5_000) == Rating.Good
    assert rating_of(True, None, 9_000, None) == Rating.Good
    assert rating_of(False, None, 9_000, 5_000) == Rating.Again
    assert rating_of(True, 4, 9_000, 5_000) == Rating.Easy  # a grade is what the learner said


def test_the_slow_threshold_is_a_quantile_of_the_training_right_answers() -> None:
    from lang_portal.service.optimizer import MIN_TRAINING_REVIEWS, slow_threshold

    history = WordHistory()
    for i in range(1_000):
        history.add(i * DAY, 3, plain_right_ms=(i % 100) * 100)  # 0..9900 ms, evenly
    history.add(2_000 * DAY, 3, plain_right_ms=10**9)  # held out: not counted
    assert slow_threshold([history], split_at=1_500 * DAY) == 8_000
    few = WordHistory()
    for i in range(MIN_TRAINING_REVIEWS - 1):
        few.add(i * DAY, 3, plain_right_ms=1_000)
    assert slow_threshold([few], split_at=1e12) is None
