"""Spaced repetition's results: the review queue, a session's next words, its outcome."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from pydantic import Field

from lang_portal.models.session_analytics import LearningEfficiency, WordMetrics


@dataclass
class QueueItem:
    word_id: int
    japanese: str
    romaji: str
    english: str
    kind: Annotated[str, Field(examples=["due"], description="due (scheduled by FSRS) or new")]
    state: Annotated[str, Field(examples=["review"])]
    due: str | None
    retrievability: Annotated[float | None, Field(description="probability of recall now")]
    level: Annotated[
        str | None, Field(description="the word's level on the learning path; null for none")
    ] = None


@dataclass
class ReviewQueue:
    group_id: int | None
    due_count: Annotated[int, Field(description="all words due now (in the group)")]
    new_words_today: int
    new_words_left_today: Annotated[int, Field(description="SRS_NEW_WORDS_PER_DAY minus today's")]
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
