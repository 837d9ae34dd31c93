"""Spaced repetition's results: the review queue, a session's next words, its outcome."""

from __future__ import annotations

from pydantic import BaseModel, Field


class QueueItem(BaseModel):
    word_id: int
    japanese: str
    romaji: str
    english: str
    kind: str = Field(examples=["due"], description="due (scheduled by FSRS) or new")
    state: str = Field(examples=["review"])
    due: str | None
    retrievability: float | None = Field(description="probability of recall now")


class ReviewQueue(BaseModel):
    group_id: int | None
    due_count: int = Field(description="all words due now (in the group)")
    new_words_today: int
    new_words_left_today: int = Field(description="SRS_NEW_WORDS_PER_DAY minus today's")
    items: list[QueueItem]


class SessionQueue(ReviewQueue):
    study_session_id: int


class SessionWordResult(BaseModel):
    word_id: int
    japanese: str
    romaji: str
    english: str
    correct_count: int
    wrong_count: int
    state: str
    due: str | None


class SessionResult(BaseModel):
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


class ForecastDay(BaseModel):
    date: str = Field(examples=["2026-01-16"])
    due: int


class Forecast(BaseModel):
    overdue: int = Field(description="due before now; counted in today's figure too")
    days: list[ForecastDay]
