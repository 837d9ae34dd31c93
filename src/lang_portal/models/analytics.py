"""The analytics' results: progress over time, what works, and how well FSRS predicted."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

# Calibration groups the predictions into this many equal ranges of predicted recall.
CALIBRATION_BINS = 10


@dataclass
class ProgressDay:
    date: str
    reviews: int
    correct: int
    accuracy: float | None
    words_studied: Annotated[int, Field(description="distinct words reviewed that day")]
    new_words: Annotated[int, Field(description="words reviewed for the first time that day")]
    time_spent_ms: int


@dataclass
class ProgressTotals:
    reviews: int
    correct: int
    new_words: int
    time_spent_ms: int
    accuracy: float | None
    study_days: int


# A pydantic model, not a dataclass, for its key `from` (a Python keyword): it is rendered by
# alias (lang_portal.mounts.dump_json).
class Progress(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    from_: str = Field(alias="from")
    to: str
    timezone: str
    days: list[ProgressDay]
    totals: ProgressTotals


@dataclass
class SeenPoint:
    times_seen: Annotated[
        int, Field(description="answers to the word before this one (50 = 50 or more)")
    ]
    reviews: int
    accuracy: float | None


@dataclass
class GapPoint:
    days: Annotated[int, Field(description="whole days since the word's previous review")]
    reviews: int
    retention: float | None


@dataclass
class LearningCurve:
    by_times_seen: list[SeenPoint]
    by_days_since_review: list[GapPoint]


@dataclass
class DifficultWord:
    word_id: int
    japanese: str
    romaji: str
    english: str
    attempts: int
    correct_count: int
    wrong_count: int
    accuracy: float | None
    stability: float | None
    lapses: int


@dataclass
class GroupMastery:
    group_id: int
    name: str
    word_count: int
    studied: int
    mastered: int
    studied_share: float | None
    mastered_share: float | None
    mastered_share_of_studied: float | None


@dataclass
class Mastery:
    rule: Annotated[
        str,
        Field(
            description="mastered: FSRS stability at least stability_threshold_days AND "
            "probability of recall now at least recall_threshold (the desired retention)"
        ),
    ]
    stability_threshold_days: float
    recall_threshold: float
    total_words: int
    studied: int
    mastered: int
    studied_share: float | None
    mastered_share: Annotated[float | None, Field(description="of the whole inventory")]
    mastered_share_of_studied: Annotated[float | None, Field(description="of the words studied")]
    groups: list[GroupMastery]


@dataclass
class ActivityEffect:
    study_activity_id: int
    name: str
    reviews: int
    accuracy: float | None
    later_reviews: Annotated[
        int, Field(description="next answers to words practised here, a day or more later")
    ]
    later_retention: float | None


@dataclass
class Streaks:
    today: str
    timezone: str
    current: int
    longest: int
    longest_start: str | None
    longest_end: str | None
    studied_today: bool


class Scores(BaseModel):
    log_loss: float
    rmse_bins: float
    auc: float | None


class CalibrationBin(BaseModel):
    predicted_from: float = Field(examples=[0.8], description="lower bound of the range")
    predicted_to: float = Field(examples=[0.9], description="upper bound (inclusive of 1.0)")
    reviews: int = Field(description="answers whose predicted recall fell in the range")
    predicted: float = Field(examples=[0.86], description="mean predicted recall")
    actual: float = Field(examples=[0.84], description="share of those answers recalled")


# As `SrsService.evaluation` reports it (`bins` is left out when nothing was scored).
class Evaluation(BaseModel):
    reviews_scored: int
    average_recall: float | None
    bins: int | None = None
    fsrs: Scores | None
    baseline: Scores | None
    calibration: list[CalibrationBin] = Field(
        default_factory=list,
        description=f"predicted against actual recall in {CALIBRATION_BINS} ranges of "
        "predicted recall; ranges without answers are left out",
    )
