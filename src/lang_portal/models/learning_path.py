"""The learning path's results: the levels and where the learner stands (docs/learning-path.md)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from pydantic import Field

Share = Annotated[float, Field(ge=0, le=1)]


@dataclass
class Progression:
    min_success_rate: Annotated[
        float, Field(ge=0, le=1, description="share of right answers to the level's words")
    ]
    min_word_count: Annotated[int, Field(ge=0, description="words of the level to learn")]
    review_interval: Annotated[
        int,
        Field(
            ge=0,
            examples=[14],
            description="whole days the level must have been under review (since its first "
            "answer) before it can be completed; 0: no wait",
        ),
    ]


@dataclass
class LevelGroup:
    id: int
    name: str


@dataclass
class PathLevel:
    name: Annotated[str, Field(examples=["N5"])]
    title: Annotated[str, Field(examples=["JLPT N5"])]
    position: Annotated[int, Field(ge=1, description="order on the path, from 1")]
    status: Annotated[str, Field(examples=["current"], description="completed, current or locked")]
    word_count: Annotated[
        int, Field(ge=0, description="words of the level's groups not on an earlier level")
    ]
    words_learned: Annotated[
        int, Field(ge=0, description="of them, words whose FSRS card left the learning steps")
    ]
    success_rate: Annotated[
        float | None,
        Field(ge=0, le=1, description="right answers to the level's words; null before any"),
    ]
    started_at: Annotated[
        str | None, Field(description="first answer to one of the level's words; null before")
    ]
    progress: Annotated[
        Share, Field(description="to completing the level: see next_level_progress")
    ]
    difficulty: Annotated[
        float | None,
        Field(
            ge=0,
            le=1,
            examples=[0.3],
            description="the expected difficulty of the level's new words (a word's 0-1 "
            "score): the review queue keeps the target of its new words within the "
            "adjustment step of it; null when none is declared",
        ),
    ]
    progression: Progression
    prerequisites: Annotated[list[str], Field(description="names of levels to complete first")]
    groups: list[LevelGroup]


@dataclass
class Milestone:
    type: Annotated[
        str,
        Field(
            examples=["words_learned"],
            description="words_learned (target: words), then success_rate (target: "
            "percent), then review_interval (target: days)",
        ),
    ]
    target: Annotated[int, Field(ge=0)]
    current: Annotated[int, Field(ge=0, description="where the learner is, in the target's unit")]
    progress: Share


@dataclass
class LearningPath:
    current_level: Annotated[
        str | None,
        Field(examples=["N5"], description="null when no levels are declared or all completed"),
    ]
    start_date: Annotated[
        str | None, Field(description="the current level's first answer; null before it")
    ]
    completed_words: Annotated[int, Field(ge=0, description="words learned of the current level")]
    next_milestone: Annotated[
        Milestone | None, Field(description="the current level's first rule not yet met")
    ]
    next_level_progress: Annotated[
        Share,
        Field(
            description="to completing the current level: the lesser of the word part "
            "(learned / min_word_count) and the success part (rate / min_success_rate), each "
            "capped at 1"
        ),
    ]
    path_completed: Annotated[bool, Field(description="every level completed (false with none)")]
    levels: list[PathLevel]


@dataclass
class ProgressMetrics:
    words_learned: Annotated[
        int, Field(ge=0, description="words (of the whole inventory) out of the learning steps")
    ]
    words_mastered: Annotated[
        int, Field(ge=0, description="stable and remembered now, as /analytics/mastery counts")
    ]
    accuracy_rate: Annotated[Share, Field(description="right answers of all answers; 0 before any")]
    completion_rate: Annotated[
        Share,
        Field(description="words learned of the path's words (of all words with no levels)"),
    ]
    time_spent_minutes: Annotated[
        float, Field(ge=0, description="the answers' duration_ms summed (none given counts 0)")
    ]
    streak_days: Annotated[int, Field(ge=0, description="the dashboard's study streak")]
    level: Annotated[str | None, Field(description="the current level; null as in /learning_path")]
    next_level_progress: Annotated[Share, Field(description="as in /learning_path")]
