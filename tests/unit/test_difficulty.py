"""The word difficulty formula, the adjustment of the new words' target, the queue's score."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lang_portal.service.difficulty import (
    HISTORY_HALF_WEIGHT_ANSWERS,
    AdjustmentRule,
    RecentAnswer,
    WordHistory,
    adjustment,
    due_reason,
    level_target,
    new_score,
    prior_factors,
    recommendation_score,
    word_difficulty,
)

JAPANESE = st.text(
    st.one_of(
        st.characters(min_codepoint=0x3041, max_codepoint=0x30FF),
        st.characters(min_codepoint=0x4E00, max_codepoint=0x4FFF),
        st.sampled_from("aZ ー々"),
    ),
    min_size=1,
    max_size=30,
)
COUNT = st.integers(min_value=0, max_value=10_000)
FSRS = st.none() | st.floats(min_value=1, max_value=10)


@st.composite
def histories(draw: st.DrawFn) -> WordHistory:
    correct, wrong = draw(COUNT), draw(COUNT)
    timed = draw(st.integers(min_value=0, max_value=correct + wrong))
    return WordHistory(
        correct=correct,
        wrong=wrong,
        timed_answers=timed,
        answer_ms_total=draw(st.integers(min_value=0, max_value=timed * 86_400_000)),
        fsrs_difficulty=draw(FSRS) if correct + wrong else None,
    )


@given(JAPANESE, histories())
def test_bounded_and_the_score_is_the_weighted_sum_of_the_factors(
    japanese: str, history: WordHistory
) -> None:
    found = word_difficulty(japanese, history)
    assert 0 <= found.score <= 1 and 0 <= found.prior <= 1
    assert sum(found.weights.values()) == pytest.approx(1)
    weighted = sum(
        found.weights[name] * value for name, value in found.factors.items() if value is not None
    )
    assert found.score == pytest.approx(weighted)
    # an unknown factor weighs nothing: its weight went to the others
    for name, value in found.factors.items():
        if value is None:
            assert found.weights[name] == 0


@given(JAPANESE, histories(), st.integers(min_value=1, max_value=100))
def test_more_wrong_answers_never_make_a_word_easier(
    japanese: str, history: WordHistory, turned: int
) -> None:
    """As many answers, some right ones turned wrong: never easier."""
    turned = min(turned, history.correct)
    worse = WordHistory(
        correct=history.correct - turned,
        wrong=history.wrong + turned,
        timed_answers=history.timed_answers,
        answer_ms_total=history.answer_ms_total,
        fsrs_difficulty=history.fsrs_difficulty,
    )
    assert word_difficulty(japanese, worse).score >= word_difficulty(japanese, history).score


@given(JAPANESE, histories(), st.integers(min_value=1, max_value=60_000))
def test_slower_answers_never_make_a_word_easier(
    japanese: str, history: WordHistory, slower_ms: int
) -> None:
    if not history.timed_answers:
        return
    slower = WordHistory(
        correct=history.correct,
        wrong=history.wrong,
        timed_answers=history.timed_answers,
        answer_ms_total=history.answer_ms_total + slower_ms,
        fsrs_difficulty=history.fsrs_difficulty,
    )
    assert word_difficulty(japanese, slower).score >= word_difficulty(japanese, history).score


@given(JAPANESE)
def test_a_longer_word_with_more_kanji_is_never_easier(japanese: str) -> None:
    # a kanji more: more characters, as many distinct kanji or more, the kana unchanged
    longer = japanese + "漢"
    assert word_difficulty(longer).prior >= word_difficulty(japanese).prior - 1e-12


def test_the_features_of_known_words() -> None:
    assert prior_factors("ある") == {
        "character_count": pytest.approx(1 / 7),
        "unique_kanji": 0.0,
        "kana_type": 0.0,
        "usage_frequency": None,
    }
    katakana = prior_factors("コーヒー")
    assert katakana["kana_type"] == 1.0 and katakana["character_count"] == pytest.approx(3 / 7)
    kanji = prior_factors("図書館")
    assert kanji["unique_kanji"] == 1.0 and kanji["kana_type"] == 0.0
    # 食べる: one kanji of three at most, two hiragana
    eat = word_difficulty("食べる")
    # usage_frequency unknown: its 0.25 is shared out, so the others weigh 1/0.75 as much
    assert eat.weights["character_count"] == pytest.approx(0.25 / 0.75)
    assert eat.weights["unique_kanji"] == pytest.approx(0.35 / 0.75)
    assert eat.weights["kana_type"] == pytest.approx(0.15 / 0.75)
    assert eat.score == pytest.approx((0.25 * 2 / 7 + 0.35 * 1 / 3) / 0.75)
    assert eat.history is None and eat.history_share == 0


def test_the_history_is_blended_in_by_the_answers() -> None:
    history = WordHistory(
        correct=3, wrong=2, timed_answers=5, answer_ms_total=25_000, fsrs_difficulty=5.5
    )
    found = word_difficulty("食べる", history)
    share = 5 / (5 + HISTORY_HALF_WEIGHT_ANSWERS)
    assert found.history_share == pytest.approx(share) == pytest.approx(0.5)
    assert found.factors["historical_errors"] == pytest.approx(0.4)
    assert found.factors["average_time_spent"] == pytest.approx(0.5)
    assert found.factors["fsrs_difficulty"] == pytest.approx(0.5)
    assert found.history == pytest.approx(0.5 * 0.4 + 0.2 * 0.5 + 0.3 * 0.5)
    assert found.score == pytest.approx(0.5 * found.prior + 0.5 * found.history)
    # half wrong, FSRS's hardest, no times: (0.5 x 0.5 + 0.3 x 1) / 0.8 = 0.6875, weighing
    # 2000 / 2005 against the word's own 1 / 21
    many = word_difficulty("ある", WordHistory(correct=1000, wrong=1000, fsrs_difficulty=10))
    assert many.history == pytest.approx(0.6875)
    assert many.score == pytest.approx((5 * (1 / 21) + 2000 * 0.6875) / 2005)


RULE = AdjustmentRule(initial_level=0.2, step=0.1, threshold_up=0.85, threshold_down=0.6, window=20)


def test_the_target_follows_the_success_rate() -> None:
    assert adjustment(RULE, []).current_level == 0.2  # no answers: the initial level
    new = [RecentAnswer(True, 0.3, True)] * 20
    harder = adjustment(RULE, new)
    assert harder.direction == "harder" and harder.current_level == pytest.approx(0.4)
    assert harder.success_rate == 1.0 and harder.base_level == pytest.approx(0.3)
    wrong = [RecentAnswer(False, 0.3, True)] * 20
    easier = adjustment(RULE, wrong)
    assert easier.direction == "easier" and easier.current_level == pytest.approx(0.2)
    middle = [RecentAnswer(index % 40 < 29, 0.3, True) for index in range(40)][:20]
    assert adjustment(RULE, middle).success_rate == 1.0  # first 20 only: the window
    # the base is the new words' level; reviews count only when no word was new
    mixed = [RecentAnswer(True, 0.5, True), *[RecentAnswer(True, 0.1, False)] * 19]
    assert adjustment(RULE, mixed).base_level == pytest.approx(0.5)
    reviews = [RecentAnswer(True, 0.1, False)] * 20
    assert adjustment(RULE, reviews).base_level == pytest.approx(0.1)
    # a day of reviews: the new words are looked for further back than the rate's window
    earlier = [*reviews, *[RecentAnswer(False, 0.4, True)] * 5]
    found = adjustment(RULE, earlier)
    assert found.base_level == pytest.approx(0.4) and found.success_rate == 1.0
    assert found.current_level == pytest.approx(0.5)


@given(st.lists(st.tuples(st.booleans(), st.floats(0, 1), st.booleans()), min_size=1, max_size=40))
def test_the_target_is_bounded_and_monotone_in_the_success_rate(
    answers: list[tuple[bool, float, bool]],
) -> None:
    recent = [RecentAnswer(*answer) for answer in answers]
    found = adjustment(RULE, recent)
    assert 0 <= found.current_level <= 1
    assert found.answers == min(len(recent), RULE.window)
    if found.success_rate is not None and found.success_rate > RULE.threshold_up:
        assert found.direction == "harder"
    if found.success_rate is not None and found.success_rate < RULE.threshold_down:
        assert found.direction == "easier"
    # one more right answer in place of a wrong one never lowers the target
    for index, answer in enumerate(recent[: RULE.window]):
        if not answer.correct:
            better = list(recent)
            better[index] = RecentAnswer(True, answer.difficulty, answer.first)
            assert adjustment(RULE, better).current_level >= found.current_level - 1e-12
            break


def test_a_levels_difficulty_is_the_target_only_before_the_first_answer() -> None:
    assert level_target(0.2, 0.6, answered=False) == 0.6
    assert level_target(0.2, None, answered=False) == 0.2
    # after answers the learner's own target, however far it is from the level's
    assert level_target(0.9, 0.25, answered=True) == 0.9
    assert level_target(0.05, 0.25, answered=True) == 0.05


def test_reasons_and_scores() -> None:
    assert due_reason(overdue_days=1.5, difficulty=0.1, lapses=0) == "overdue"
    assert due_reason(overdue_days=0.5, difficulty=0.6, lapses=0) == "difficult"
    assert due_reason(overdue_days=0.5, difficulty=0.1, lapses=3) == "difficult"
    assert due_reason(overdue_days=0.5, difficulty=0.1, lapses=2) == "due"
    assert recommendation_score(difficulty=1, relevance=1, progress=1, repetition=1) == 1
    assert new_score(difficulty=0.3, target=0.3) == pytest.approx(0.2 * 0.3 + 0.4 + 0.2)
    assert new_score(difficulty=0.3, target=0.3) > new_score(difficulty=0.5, target=0.3)
