"""The learning path's rules without a database: a level's parts, statuses, milestones, cycles."""

from __future__ import annotations

from lang_portal.service.learning_path import next_milestone
from lang_portal.service.levels import LevelState, settle_statuses
from lang_portal.service.seeding import prerequisite_cycle


def a_level(
    level_id: int,
    *,
    learned: int = 0,
    correct: int = 0,
    wrong: int = 0,
    min_words: int = 10,
    min_rate: float = 0.8,
) -> LevelState:
    return LevelState(
        id=level_id,
        name=f"L{level_id}",
        title=f"Level {level_id}",
        position=level_id,
        min_success_rate=min_rate,
        min_word_count=min_words,
        word_count=20,
        words_learned=learned,
        correct=correct,
        wrong=wrong,
        started_at=None,
    )


def test_the_parts_of_a_rule() -> None:
    level = a_level(1, learned=5, correct=6, wrong=4)
    assert level.success_rate == 0.6
    assert level.words_part == 0.5
    assert level.success_part == 0.6 / 0.8
    assert level.progress == 0.5  # the part furthest behind
    assert not level.rule_met
    assert a_level(1).success_rate is None and a_level(1).success_part == 0.0
    # past the targets each part stops at 1
    done = a_level(1, learned=15, correct=9, wrong=1)
    assert (done.words_part, done.success_part, done.progress, done.rule_met) == (1, 1, 1, True)
    # a rule of no words and no rate is met from the start
    assert a_level(1, min_words=0, min_rate=0).rule_met


def test_milestones_come_words_first_then_the_rate() -> None:
    words = next_milestone(a_level(1, learned=4, correct=4))
    assert words is not None and (words.type, words.target, words.current) == (
        "words_learned",
        10,
        4,
    )
    assert words.progress == 0.4
    rate = next_milestone(a_level(1, learned=10, correct=7, wrong=3))
    assert rate is not None and (rate.type, rate.target, rate.current) == ("success_rate", 80, 70)
    assert rate.progress == 0.875
    assert next_milestone(a_level(1, learned=10, correct=9, wrong=1)) is None
    low = next_milestone(a_level(1, learned=10, correct=29, wrong=71))
    assert low is not None and low.current == 29


def statuses(levels: list[LevelState], required: dict[int, list[int]]) -> list[str]:
    settle_statuses(levels, required)
    return [level.status for level in levels]


def test_statuses_follow_the_rules_and_the_prerequisites() -> None:
    met = {"learned": 10, "correct": 1}
    assert statuses([a_level(1), a_level(2)], {2: [1]}) == ["current", "locked"]
    assert statuses([a_level(1, **met), a_level(2)], {2: [1]}) == ["completed", "current"]
    # met before its prerequisite: locked, and the prerequisite is current
    assert statuses([a_level(1), a_level(2, **met)], {2: [1]}) == ["current", "locked"]
    # a prerequisite later in path order: the first level waits for it
    assert statuses([a_level(1), a_level(2)], {1: [2]}) == ["locked", "current"]
    assert statuses([a_level(1, **met), a_level(2, **met)], {1: [2]}) == [
        "completed",
        "completed",
    ]
    # without prerequisites the first unmet level in order is current
    assert statuses([a_level(1, **met), a_level(2), a_level(3)], {}) == [
        "completed",
        "current",
        "locked",
    ]


def test_a_circle_of_prerequisites_is_found() -> None:
    assert prerequisite_cycle({"A": [], "B": ["A"], "C": ["A", "B"]}) == []
    assert prerequisite_cycle({"A": ["B"], "B": ["C"], "C": ["A"]}) == ["A", "B", "C", "A"]
    assert prerequisite_cycle({"A": [], "B": ["C"], "C": ["B"]}) == ["B", "C", "B"]
