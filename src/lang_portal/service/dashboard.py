"""The dashboard's figures, read from counters and the daily summary, never the raw history."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from lang_portal.errors import NotFoundError
from lang_portal.repository import groups as group_repo
from lang_portal.repository import sessions as session_repo
from lang_portal.repository import words as word_repo
from lang_portal.service.context import ServiceContext


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

    def last_study_session(self) -> dict[str, Any]:
        with self.db.read() as connection:
            row = session_repo.latest_session(connection)
        if row is None:
            raise NotFoundError("there are no study sessions yet", {"resource": "study session"})
        return {
            "id": row["id"],
            "group_id": row["group_id"],
            "created_at": self.context.api_time(row["created_at"]),
            "study_activity_id": row["study_activity_id"],
            "group_name": row["group_name"],
            "activity_name": row["activity_name"],
            "review_items_count": row["review_items_count"],
            "correct_count": row["correct_count"],
            "wrong_count": row["review_items_count"] - row["correct_count"],
        }

    def study_progress(self) -> dict[str, int]:
        with self.db.snapshot() as connection:
            return {
                "total_words_studied": word_repo.count_studied_words(connection),
                "total_available_words": word_repo.count_words(connection),
            }

    def quick_stats(self) -> dict[str, Any]:
        today = self.context.now().astimezone(self.context.settings.zone).date()
        with self.db.snapshot() as connection:
            correct, answered = session_repo.answer_totals(connection)
            sessions = session_repo.count_sessions(connection)
            active_groups = group_repo.count_groups_with_sessions(connection)
            streak = current_streak(session_repo.study_days_descending(connection), today)
        return {
            "success_rate": round(100.0 * correct / answered, 1) if answered else 0.0,
            "total_study_sessions": sessions,
            "total_active_groups": active_groups,
            "study_streak_days": streak,
        }
