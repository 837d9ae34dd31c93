"""Learning analytics, read from the summaries the review write keeps (never the review rows)."""

from __future__ import annotations

from collections.abc import Hashable
from datetime import date, datetime, timedelta
from typing import Any

from lang_portal.clock import to_stored
from lang_portal.errors import ValidationFailedError
from lang_portal.memo import VersionMemo
from lang_portal.models.analytics import (
    ActivityEffect,
    DifficultWord,
    GapPoint,
    GroupMastery,
    LearningCurve,
    Mastery,
    Progress,
    ProgressDay,
    ProgressTotals,
    SeenPoint,
    Streaks,
)
from lang_portal.repository import analytics as analytics_repo
from lang_portal.service.context import ServiceContext
from lang_portal.service.dashboard import current_streak
from lang_portal.service.srs import SrsService, mastery_rule

MAX_RANGE_DAYS = 3660
DEFAULT_RANGE_DAYS = 30
MEMO_ENTRIES = 64


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def longest_streak(days_ascending: list[str]) -> tuple[int, str | None, str | None]:
    """The longest run of consecutive study days: (length, first day, last day)."""
    best, best_start, best_end = 0, None, None
    run, run_start, previous = 0, None, None
    for text in days_ascending:
        day = date.fromisoformat(text)
        if previous is not None and day == previous + timedelta(days=1):
            run += 1
        else:
            run, run_start = 1, text
        if run > best:
            best, best_start, best_end = run, run_start, text
        previous = day
    return best, best_start, best_end


class AnalyticsService:
    def __init__(self, context: ServiceContext, srs: SrsService) -> None:
        self.context = context
        self.db = context.db
        self.srs = srs
        # keyed by the call and its parameters (bounded: they come from clients)
        self.memo: VersionMemo[Hashable, Any] = VersionMemo(MEMO_ENTRIES)  # typed per call

    def today(self) -> date:
        return self.context.now().astimezone(self.context.settings.zone).date()

    def progress(self, start: date | None, end: date | None) -> Progress:
        """Per local day in [start, end]: reviews, accuracy, words, new words, time spent."""
        end = end or self.today()
        # (the default start of a range ending in year 1 would fall before the calendar)
        start = start or end - timedelta(days=min(DEFAULT_RANGE_DAYS - 1, end.toordinal() - 1))
        if start > end:
            raise ValidationFailedError(
                "errors.validation.range_reversed", {"from": str(start), "to": str(end)}
            )
        if (end - start).days >= MAX_RANGE_DAYS:
            raise ValidationFailedError(
                "errors.validation.range_too_long",
                {"from": str(start), "to": str(end)},
                max_days=MAX_RANGE_DAYS,
            )
        with self.db.read() as connection:
            rows = {
                row["day"]: row
                for row in analytics_repo.daily_range(
                    connection, start.isoformat(), end.isoformat()
                )
            }
        days = []
        reviews = correct = new_words = spent = study_days = 0
        for offset in range((end - start).days + 1):
            day = (start + timedelta(days=offset)).isoformat()
            row = rows.get(day)
            if row is None:
                days.append(ProgressDay(day, 0, 0, None, 0, 0, 0))
                continue
            _, day_reviews, day_correct, day_spent, day_words, day_new = row
            days.append(
                ProgressDay(
                    day,
                    day_reviews,
                    day_correct,
                    _ratio(day_correct, day_reviews),
                    day_words,
                    day_new,
                    day_spent,
                )
            )
            reviews += day_reviews
            correct += day_correct
            new_words += day_new
            spent += day_spent
            study_days += 1 if day_reviews else 0
        totals = ProgressTotals(
            reviews, correct, new_words, spent, _ratio(correct, reviews), study_days
        )
        return Progress.model_construct(
            from_=start.isoformat(),
            to=end.isoformat(),
            timezone=self.context.settings.timezone,
            days=days,
            totals=totals,
        )

    def learning_curve(self) -> LearningCurve:
        with self.db.snapshot() as connection:
            seen = analytics_repo.curve(connection, "curve_by_seen")
            gaps = analytics_repo.curve(connection, "curve_by_gap")
        # rows unpacked (key, reviews, correct): a curve has hundreds of points
        return LearningCurve(
            by_times_seen=[
                SeenPoint(key, reviews, _ratio(correct, reviews)) for key, reviews, correct in seen
            ],
            by_days_since_review=[
                GapPoint(key, reviews, _ratio(correct, reviews)) for key, reviews, correct in gaps
            ],
        )

    def difficult_words(self, min_attempts: int, limit: int) -> list[DifficultWord]:
        words: list[DifficultWord] = self.memo.get_or_compute(
            ("difficult_words", min_attempts, limit),
            self.db.data_version(),
            lambda: self._difficult_words(min_attempts, limit),
        )
        return words

    def _difficult_words(self, min_attempts: int, limit: int) -> list[DifficultWord]:
        with self.db.read() as connection:
            rows = analytics_repo.difficult_words(connection, min_attempts, limit)
        return [
            DifficultWord(
                word_id=row["id"],
                japanese=row["japanese"],
                romaji=row["romaji"],
                english=row["english"],
                attempts=row["correct_count"] + row["wrong_count"],
                correct_count=row["correct_count"],
                wrong_count=row["wrong_count"],
                accuracy=_ratio(row["correct_count"], row["correct_count"] + row["wrong_count"]),
                stability=None if row["stability"] is None else round(row["stability"], 4),
                lapses=row["lapses"] or 0,
            )
            for row in rows
        ]

    def mastery(self) -> Mastery:
        # the recall probability moves with the clock: memoised for a minute at most
        minute = self.context.now().replace(second=0, microsecond=0)
        mastery: Mastery = self.memo.get_or_compute(
            ("mastery", minute), self.db.data_version(), lambda: self._mastery(minute)
        )
        return mastery

    def _mastery(self, now: datetime) -> Mastery:
        settings = self.context.settings
        with self.db.snapshot() as connection:
            rule = mastery_rule(connection, settings)
            args = (rule.stability_days, to_stored(now), rule.elapsed_ratio)
            totals = analytics_repo.mastery_totals(connection, *args)
            groups = analytics_repo.mastery_by_group(connection, *args)
        return Mastery(
            rule=rule.describe(),
            stability_threshold_days=rule.stability_days,
            recall_threshold=rule.retention,
            total_words=totals["words"],
            studied=totals["studied"],
            mastered=totals["mastered"],
            studied_share=_ratio(totals["studied"], totals["words"]),
            mastered_share=_ratio(totals["mastered"], totals["words"]),
            mastered_share_of_studied=_ratio(totals["mastered"], totals["studied"]),
            groups=[
                GroupMastery(
                    group_id=row["id"],
                    name=row["name"],
                    word_count=row["word_count"],
                    studied=row["studied"],
                    mastered=row["mastered"],
                    studied_share=_ratio(row["studied"], row["word_count"]),
                    mastered_share=_ratio(row["mastered"], row["word_count"]),
                    mastered_share_of_studied=_ratio(row["mastered"], row["studied"]),
                )
                for row in groups
            ],
        )

    def activities(self) -> list[ActivityEffect]:
        with self.db.read() as connection:
            rows = analytics_repo.activity_stats(connection)
        return [
            ActivityEffect(
                study_activity_id=row["id"],
                name=row["name"],
                reviews=row["reviews"],
                accuracy=_ratio(row["correct"], row["reviews"]),
                later_reviews=row["later_reviews"],
                later_retention=_ratio(row["later_correct"], row["later_reviews"]),
            )
            for row in rows
        ]

    def streaks(self) -> Streaks:
        today = self.today()
        with self.db.read() as connection:
            days = analytics_repo.study_days(connection)
        longest, start, end = longest_streak(days)
        return Streaks(
            today=today.isoformat(),
            timezone=self.context.settings.timezone,
            current=current_streak(reversed(days), today),
            longest=longest,
            longest_start=start,
            longest_end=end,
            studied_today=bool(days) and days[-1] == today.isoformat(),
        )

    def srs_evaluation(self) -> dict[str, Any]:
        evaluation: dict[str, Any] = self.memo.get_or_compute(
            "srs_evaluation", self.db.data_version(), self.srs.evaluation
        )
        return evaluation
