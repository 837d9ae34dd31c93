"""The dashboard's results."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from pydantic import Field


@dataclass
class LastStudySession:
    id: int
    group_id: int
    created_at: str
    study_activity_id: int
    group_name: str
    activity_name: str
    review_items_count: int
    correct_count: int
    wrong_count: int


@dataclass
class StudyProgress:
    total_words_studied: Annotated[int, Field(examples=[3])]
    total_available_words: Annotated[int, Field(examples=[124])]


@dataclass
class QuickStats:
    success_rate: Annotated[float, Field(examples=[80.0], description="percentage, 0-100")]
    total_study_sessions: Annotated[int, Field(examples=[4])]
    total_active_groups: Annotated[int, Field(examples=[3])]
    study_streak_days: Annotated[int, Field(examples=[4])]


@dataclass
class DashboardOverview:
    """Every dashboard figure at once (the legacy mount's); `success_rate` a fraction 0..1."""

    total_vocabulary: int
    total_words_studied: int
    mastered_words: int
    success_rate: float
    total_sessions: int
    active_groups: int
    current_streak: int
