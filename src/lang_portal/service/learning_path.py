"""GET /learning_path and GET /progress: the levels and the learner's figures on them.

Every figure comes from the per-word counters, the FSRS cards and the daily summary, never from
the answers one by one; docs/learning-path.md defines each.
"""

from __future__ import annotations

from lang_portal.models.learning_path import (
    LearningPath,
    LevelGroup,
    Milestone,
    PathLevel,
    Progression,
    ProgressMetrics,
)
from lang_portal.repository import levels as level_repo
from lang_portal.repository import sessions as session_repo
from lang_portal.repository import words as word_repo
from lang_portal.service.context import ServiceContext
from lang_portal.service.dashboard import DashboardService
from lang_portal.service.levels import LevelState, PathState, read_path

WORDS_LEARNED, SUCCESS_RATE, REVIEW_INTERVAL = "words_learned", "success_rate", "review_interval"


def next_milestone(level: LevelState) -> Milestone | None:
    """The level's first rule not yet met: its word count, then its success rate."""
    if level.words_part < 1.0:
        return Milestone(
            type=WORDS_LEARNED,
            target=level.min_word_count,
            current=level.words_learned,
            progress=round(level.words_part, 4),
        )
    if level.success_part < 1.0:
        return Milestone(
            type=SUCCESS_RATE,
            target=round(100 * level.min_success_rate),
            # in whole percent, rounded down in integers (no float edge: 29 % stays 29)
            current=100 * level.correct // level.answers if level.answers else 0,
            progress=round(level.success_part, 4),
        )
    if level.interval_part < 1.0:
        return Milestone(
            type=REVIEW_INTERVAL,
            target=level.review_interval_days,
            # whole days under review, rounded down
            current=int(level.days_under_review),
            progress=round(level.interval_part, 4),
        )
    return None


class LearningPathService:
    def __init__(self, context: ServiceContext, dashboard: DashboardService) -> None:
        self.context = context
        self.db = context.db
        self.dashboard = dashboard

    def learning_path(self) -> LearningPath:
        with self.db.snapshot() as connection:
            path = read_path(connection, self.context.now())
        current = path.current
        return LearningPath(
            current_level=None if current is None else current.name,
            start_date=None if current is None else self.context.api_time(current.started_at),
            completed_words=0 if current is None else current.words_learned,
            next_milestone=None if current is None else next_milestone(current),
            next_level_progress=_next_level_progress(path),
            path_completed=bool(path.levels) and current is None,
            levels=[self._level(level) for level in path.levels],
        )

    def _level(self, level: LevelState) -> PathLevel:
        rate = level.success_rate
        return PathLevel(
            name=level.name,
            title=level.title,
            position=level.position,
            status=level.status,
            word_count=level.word_count,
            words_learned=level.words_learned,
            success_rate=None if rate is None else round(rate, 4),
            started_at=self.context.api_time(level.started_at),
            progress=round(level.progress, 4),
            difficulty=level.difficulty,
            progression=Progression(
                level.min_success_rate, level.min_word_count, level.review_interval_days
            ),
            prerequisites=list(level.prerequisites),
            groups=[LevelGroup(group_id, name) for group_id, name in level.groups],
        )

    def progress(self) -> ProgressMetrics:
        with self.db.snapshot() as connection:
            path = read_path(connection, self.context.now())
            learned = level_repo.learned_words(connection)
            correct, answered = session_repo.answer_totals(connection)
            duration_ms = level_repo.total_duration_ms(connection)
            mastered = self.dashboard.mastered_words(connection)
            streak = self.dashboard.streak_days(connection)
            all_words = word_repo.count_words(connection) if not path.levels else 0
        if path.levels:
            completion = path.words_learned / path.word_count if path.word_count else 0.0
        else:
            completion = learned / all_words if all_words else 0.0
        current = path.current
        return ProgressMetrics(
            words_learned=learned,
            words_mastered=mastered,
            accuracy_rate=round(correct / answered, 4) if answered else 0.0,
            completion_rate=round(completion, 4),
            time_spent_minutes=round(duration_ms / 60_000, 2),
            streak_days=streak,
            level=None if current is None else current.name,
            next_level_progress=_next_level_progress(path),
        )


def _next_level_progress(path: PathState) -> float:
    """To completing the current level; 1 when every level is, 0 with no levels."""
    current = path.current
    if current is None:
        return 1.0 if path.levels else 0.0
    return round(current.progress, 4)
