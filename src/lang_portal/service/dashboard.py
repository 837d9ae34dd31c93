"""The dashboard's figures, read from counters and the daily summary, never the raw history."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from lang_portal.database import data_version
from lang_portal.errors import NotFoundError
from lang_portal.memo import VersionMemo
from lang_portal.models.dashboard import (
    DashboardOverview,
    LastStudySession,
    QuickStats,
    StudyProgress,
)
from lang_portal.repository import analytics as analytics_repo
from lang_portal.repository import groups as group_repo
from lang_portal.repository import sessions as session_repo
from lang_portal.repository import words as word_repo
from lang_portal.service.context import ServiceContext
from lang_portal.service.srs import mastery_rule


@dataclass(frozen=True)
class ActivityFigures:
    correct: int
    answered: int
    sessions: int
    active_groups: int
    streak: int


def current_streak(study_days_descending: Iterable[str], today: date) -> int:
    """Consecutive study days up to today; a streak not yet extended today still counts."""
    streak = 0
    expected: date | None = None
    for text in study_days_descending:
        day = date.fromisoformat(text)
        if expected is None:
            if day > today:
                continue  # a review stamped ahead of the clock (changed zone) is not "today"
            if day < today - timedelta(days=1):
                return 0
            expected = day
        if day != expected:
            break
        streak += 1
        expected = day - timedelta(days=1)
    return streak


class DashboardService:
    def __init__(self, context: ServiceContext) -> None:
        self.context = context
        self.db = context.db
        # today -> the streak, while the database is unchanged; see `_streak`
        self._streaks: VersionMemo[date, int] = VersionMemo(budget=2)

    def recent_session(self) -> LastStudySession | None:
        """The most recent study session with its answer counts, or None before the first."""
        with self.db.read() as connection:
            row = session_repo.latest_session(connection)
        if row is None:
            return None
        created_at = self.context.api_time(row["created_at"])
        assert created_at is not None
        return LastStudySession(
            id=row["id"],
            group_id=row["group_id"],
            created_at=created_at,
            study_activity_id=row["study_activity_id"],
            group_name=row["group_name"],
            activity_name=row["activity_name"],
            review_items_count=row["review_items_count"],
            correct_count=row["correct_count"],
            wrong_count=row["review_items_count"] - row["correct_count"],
        )

    def last_study_session(self) -> LastStudySession:
        session = self.recent_session()
        if session is None:
            raise NotFoundError("errors.not_found.no_study_sessions", {"resource": "study session"})
        return session

    def study_progress(self) -> StudyProgress:
        with self.db.snapshot() as connection:
            return StudyProgress(
                total_words_studied=word_repo.count_studied_words(connection),
                total_available_words=word_repo.count_words(connection),
            )

    def _streak(self, connection: sqlite3.Connection, today: date) -> int:
        """The streak, recounted only when the database or the day has changed.

        Counting walks the study days back from today, so it costs as much as the streak is
        long (two years of daily study: 730 rows, most of the endpoint's time). The version is
        the snapshot's own, so the memo agrees with the snapshot's other figures.
        """
        return self._streaks.get_or_compute(
            today,
            data_version(connection),
            lambda: current_streak(session_repo.study_days_descending(connection), today),
        )

    def quick_stats(self) -> QuickStats:
        with self.db.snapshot() as connection:
            figures = self._activity_figures(connection)
        return QuickStats(
            success_rate=(
                round(100.0 * figures.correct / figures.answered, 1) if figures.answered else 0.0
            ),
            total_study_sessions=figures.sessions,
            total_active_groups=figures.active_groups,
            study_streak_days=figures.streak,
        )

    def overview(self) -> DashboardOverview:
        """Every dashboard figure from one snapshot."""
        with self.db.snapshot() as connection:
            figures = self._activity_figures(connection)
            return DashboardOverview(
                total_vocabulary=word_repo.count_words(connection),
                total_words_studied=word_repo.count_studied_words(connection),
                mastered_words=self._mastered_words(connection),
                success_rate=(
                    round(figures.correct / figures.answered, 4) if figures.answered else 0.0
                ),
                total_sessions=figures.sessions,
                active_groups=figures.active_groups,
                current_streak=figures.streak,
            )

    def _mastered_words(self, connection: sqlite3.Connection) -> int:
        # The rule of /analytics/mastery (service.srs.MasteryRule), so the two agree: stable
        # and still remembered now.
        rule = mastery_rule(connection, self.context.settings)
        totals = analytics_repo.mastery_totals(
            connection, rule.stability_days, self.context.now_stored(), rule.elapsed_ratio
        )
        return int(totals["mastered"])

    def _activity_figures(self, connection: sqlite3.Connection) -> ActivityFigures:
        today = self.context.now().astimezone(self.context.settings.zone).date()
        correct, answered = session_repo.answer_totals(connection)
        return ActivityFigures(
            correct=correct,
            answered=answered,
            sessions=session_repo.count_sessions_ever(connection),
            active_groups=group_repo.count_groups_with_sessions(connection),
            streak=self._streak(connection, today),
        )
