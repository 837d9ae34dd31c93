"""Spaced repetition's results: the review queue, a session's next words, its outcome."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import Field

from lang_portal.models.session_analytics import LearningEfficiency, WordMetrics


@dataclass(kw_only=True)
class QueueItem:
    word_id: int
    japanese: str
    romaji: str
    english: str
    kind: Annotated[str, Field(examples=["due"], description="due (scheduled by FSRS) or new")]
    state: Annotated[str, Field(examples=["review"])]
    due: str | None
    retrievability: Annotated[float | None, Field(description="probability of recall now")]
    reason: Annotated[
        Literal["overdue", "due", "difficult", "new_at_level"],
        Field(
            examples=["due"],
            description="overdue: due for more than a day; difficult: due, with a difficulty of "
            "0.6 or more or 3 lapses or more; due: any other due word; new_at_level: a new word "
            "chosen for its closeness to the target difficulty",
        ),
    ]
    score: Annotated[
        float,
        Field(
            ge=0,
            le=1,
            description="recommendation score: 0.2 difficulty + 0.4 relevance + 0.2 progress + "
            "0.2 repetition (docs/srs.md)",
        ),
    ]
    optimal_time: Annotated[
        str, Field(description="the best time to review it: FSRS's due time; now for a new word")
    ]
    recall_probability: Annotated[
        float | None, Field(description="probability of recall now; null for a new word")
    ]
    expected_difficulty: Annotated[float, Field(ge=0, le=1, description="the word's difficulty")]
    level: Annotated[
        str | None, Field(description="the word's level on the learning path; null for none")
    ] = None


@dataclass
class DifficultyAdjustment:
    """The target difficulty of new words now, from the learner's last answers."""

    initial_level: Annotated[float, Field(description="SRS_INITIAL_DIFFICULTY: before answers")]
    current_level: Annotated[float, Field(description="the target difficulty of new words")]
    base_level: Annotated[
        float | None,
        Field(description="average difficulty of the new words among the last answers"),
    ]
    success_rate: Annotated[float | None, Field(description="over the last answers counted")]
    answers: Annotated[int, Field(description="answers counted (at most window)")]
    direction: Annotated[
        Literal["initial", "harder", "easier", "hold"],
        Field(
            description="harder or easier than base_level: a full step outside the band, "
            "proportionally less inside it, none at its middle"
        ),
    ]
    adjustment_factor: Annotated[float, Field(description="SRS_ADJUST_STEP")]
    min_level: float
    max_level: float
    threshold_up: float
    threshold_down: float
    window: Annotated[int, Field(description="SRS_ADJUST_WINDOW")]


@dataclass
class ReviewQueue:
    group_id: int | None
    due_count: Annotated[int, Field(description="all words due now (in the group)")]
    new_words_today: int
    new_words_left_today: Annotated[int, Field(description="SRS_NEW_WORDS_PER_DAY minus today's")]
    adjustment: DifficultyAdjustment
    items: list[QueueItem]


@dataclass
class SessionQueue(ReviewQueue):
    study_session_id: int


@dataclass
class SessionWordResult:
    word_id: int
    japanese: str
    romaji: str
    english: str
    correct_count: int
    wrong_count: int
    state: str
    due: str | None


@dataclass
class SessionResult:
    study_session_id: int
    group_id: int
    study_activity_id: int
    start_time: str
    end_time: str | None
    reviews: int
    correct: int
    wrong: int
    accuracy: float | None
    words: list[SessionWordResult]
    state: Annotated[str, Field(examples=["completed"], description="as in the session item")]
    duration_minutes: Annotated[
        float,
        Field(description="active time: from the start to the last answer, less the breaks"),
    ]
    word_metrics: WordMetrics
    learning_efficiency: LearningEfficiency


@dataclass
class ForecastDay:
    date: Annotated[str, Field(examples=["2026-01-16"])]
    due: int


@dataclass
class Forecast:
    overdue: Annotated[int, Field(description="due before now; counted in today's figure too")]
    days: list[ForecastDay]
