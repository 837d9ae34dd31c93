"""A session's analytics (spec, "Study Session Analytics"), part of its result."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from pydantic import Field


@dataclass
class DifficultWord:
    word_id: int
    japanese: str
    english: str
    attempts: Annotated[int, Field(description="answers in this session")]
    wrong_count: int
    time_spent: Annotated[
        float | None,
        Field(description="seconds, the sum of its timed answers; null when none was timed"),
    ]


@dataclass
class WordMetrics:
    total_words: Annotated[int, Field(description="distinct words answered (seen)")]
    completed_words: Annotated[int, Field(description="words whose last answer here was right")]
    correct_words: Annotated[int, Field(description="words right at their first answer here")]
    avg_time_per_word: Annotated[
        float | None,
        Field(
            description="seconds: the time of the timed answers over the words they cover; "
            "null when no answer carried a duration"
        ),
    ]
    difficult_words: Annotated[
        list[DifficultWord],
        Field(
            description="words answered wrong at least once, or more often than the session's "
            "median answers per word; most wrong first"
        ),
    ]


@dataclass
class LearningEfficiency:
    """Scores from 0 to 1; null when there is nothing to score (docs/study-apps.md)."""

    overall_score: Annotated[
        float | None,
        Field(description="0.5 accuracy + 0.3 retention + 0.2 speed, over the scores there are"),
    ]
    speed_score: Annotated[
        float | None,
        Field(
            description="the learner's usual time per answer (median of the last 500 timed "
            "answers before this session) over this session's median, at most 1"
        ),
    ]
    accuracy_score: Annotated[float | None, Field(description="right answers / answers")]
    retention_score: Annotated[
        float | None,
        Field(
            description="of this session's words studied before it, the share right at their "
            "first answer here"
        ),
    ]
