"""Spaced repetition with FSRS-6 (the `fsrs` package): the review queue, the forecast, a
session's result, and the scores of FSRS's predictions.

The cards and the scores are written by the answer pipeline (`service/answers.py`) in each
answer's transaction; this module reads them.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from fsrs import Card, Scheduler, State

from lang_portal.clock import from_stored, to_stored
from lang_portal.errors import NotFoundError
from lang_portal.models.srs import (
    DifficultyAdjustment,
    Forecast,
    ForecastDay,
    QueueItem,
    ReviewQueue,
    SessionQueue,
    SessionResult,
    SessionWordResult,
)
from lang_portal.repository import groups as group_repo
from lang_portal.repository import sessions as session_repo
from lang_portal.repository import srs as srs_repo
from lang_portal.service.answers import (
    AnswerPipeline,
    current_scheduler,
    make_scheduler,
    require_live,
)
from lang_portal.service.context import ServiceContext
from lang_portal.service.difficulty import (
    BASE_LOOKBACK,
    Adjustment,
    AdjustmentRule,
    RecentAnswer,
    adjustment,
    due_reason,
    due_score,
    history_of,
    level_target,
    new_score,
    prior_difficulty,
    word_difficulty,
)
from lang_portal.service.evaluation import Evaluation
from lang_portal.service.levels import current_level_position
from lang_portal.service.lifecycle import Timeouts, session_status
from lang_portal.service.session_analytics import (
    USUAL_PACE_ANSWERS,
    active_minutes,
    learning_efficiency,
    word_metrics,
)
from lang_portal.settings import Settings

STATE_NAMES = {State.Learning: "learning", State.Review: "review", State.Relearning: "relearning"}


def retrievability(row: sqlite3.Row, now: datetime, scheduler: Scheduler) -> float:
    """The probability of recall now, by the forgetting curve of the parameters in use."""
    card = Card(
        card_id=0,
        state=State(row["state"]),
        stability=row["stability"],
        last_review=from_stored(row["last_review"]),
    )
    return float(scheduler.get_card_retrievability(card, now))


@dataclass(frozen=True)
class MasteryRule:
    """Mastered: stable (stability >= SRS_MASTERY_STABILITY_DAYS) and remembered now (recall
    probability now >= SRS_DESIRED_RETENTION), both by the parameters in use."""

    stability_days: float
    retention: float
    # recall now >= retention  <=>  whole days since the last review <= stability * this
    elapsed_ratio: float

    @classmethod
    def of(cls, scheduler: Scheduler, settings: Settings) -> MasteryRule:
        decay = -float(scheduler.parameters[20])
        factor = 0.9 ** (1 / decay) - 1
        retention = settings.srs_desired_retention
        return cls(
            stability_days=settings.srs_mastery_stability_days,
            retention=retention,
            elapsed_ratio=(retention ** (1 / decay) - 1) / factor,
        )

    def describe(self) -> str:
        return (
            f"a word is mastered when its FSRS stability is at least {self.stability_days:g} "
            f"days and its probability of recall now is at least {self.retention:g}"
        )


def mastery_rule(connection: sqlite3.Connection, settings: Settings) -> MasteryRule:
    return MasteryRule.of(current_scheduler(connection, settings), settings)


def describe_card(
    row: sqlite3.Row | None,
    now: datetime,
    context: ServiceContext,
    scheduler: Scheduler | None = None,
) -> dict[str, Any]:
    """The word's scheduling state as `GET /words/:id` shows it; "new" before any review."""
    if row is None:
        return {
            "state": "new",
            "due": None,
            "stability": None,
            "difficulty": None,
            "retrievability": None,
            "reps": 0,
            "lapses": 0,
            "last_review": None,
        }
    return {
        "state": STATE_NAMES[State(row["state"])],
        "due": context.api_time(row["due"]),
        "stability": round(row["stability"], 4),
        "difficulty": round(row["difficulty"], 4),
        "retrievability": round(
            retrievability(row, now, scheduler or make_scheduler(context.settings)), 4
        ),
        "reps": row["reps"],
        "lapses": row["lapses"],
        "last_review": context.api_time(row["last_review"]),
    }


# -- the service -------------------------------------------------------------------------------


class SrsService:
    def __init__(self, context: ServiceContext, answers: AnswerPipeline) -> None:
        self.context = context
        self.db = context.db
        self.answers = answers

    # -- the queue -----------------------------------------------------------------------------

    def review_queue(self, group_id: int | None, limit: int) -> ReviewQueue:
        with self.db.snapshot() as connection:
            if group_id is not None and group_repo.get_group(connection, group_id) is None:
                raise NotFoundError.of("group", group_id)
            return self._queue(connection, group_id, limit, session_id=None)

    def session_next_words(self, session_id: int, limit: int) -> SessionQueue:
        """The next words for a running session: due first, then new, within its group."""
        with self.db.snapshot() as connection:
            session = session_repo.get_session(connection, session_id)
            if session is None:
                raise NotFoundError.of("study session", session_id)
            require_live(session, self.context.now(), self.context)
            queue = self._queue(connection, session["group_id"], limit, session_id=session_id)
        return SessionQueue(**vars(queue), study_session_id=session_id)

    def adjustment(self, connection: sqlite3.Connection) -> Adjustment:
        """The target difficulty of new words, from the learner's last answers (read now: the
        answers are the state, nothing else is kept)."""
        settings = self.context.settings
        rule = AdjustmentRule(
            initial_level=settings.srs_initial_difficulty,
            step=settings.srs_adjust_step,
            threshold_up=settings.srs_adjust_threshold_up,
            threshold_down=settings.srs_adjust_threshold_down,
            window=settings.srs_adjust_window,
        )
        recent = srs_repo.recent_answers(connection, rule.window * BASE_LOOKBACK)
        return adjustment(
            rule,
            (
                RecentAnswer(
                    bool(row["correct"]), prior_difficulty(row["japanese"]), bool(row["first"])
                )
                for row in recent
            ),
        )

    def _queue(
        self,
        connection: sqlite3.Connection,
        group_id: int | None,
        limit: int,
        session_id: int | None,
    ) -> ReviewQueue:
        now = self.context.now()
        stored = to_stored(now)
        settings = self.context.settings
        new_today = srs_repo.new_words_on(connection, self.context.local_day(now))
        allowance = max(0, settings.srs_new_words_per_day - new_today)
        room: int | None = None
        if session_id is not None:
            # a session covers at most max_words_per_session distinct words
            room = settings.max_words_per_session - session_repo.count_session_words(
                connection, session_id
            )
        items: list[QueueItem] = []
        scheduler = current_scheduler(connection, settings)
        for row in srs_repo.due_cards(connection, stored, limit, group_id):
            if room is not None and not session_repo.session_word_known(
                connection, session_id or 0, row["word_id"]
            ):
                if room <= 0:
                    continue
                room -= 1
            items.append(self._due_item(row, now, scheduler))
        new_limit = min(limit - len(items), allowance)
        if room is not None:
            new_limit = min(new_limit, room)
        target = self.adjustment(connection)
        if new_limit > 0:
            window = max(new_limit, settings.srs_new_word_window)
            candidates = srs_repo.new_words(
                connection, window, group_id, first_level=current_level_position(connection, now)
            )
            items += self._new_items(
                candidates, new_limit, target.current_level, target.answers > 0, now
            )
        return ReviewQueue(
            group_id=group_id,
            due_count=srs_repo.count_due(connection, stored, group_id),
            new_words_today=new_today,
            new_words_left_today=allowance,
            adjustment=DifficultyAdjustment(
                initial_level=target.initial_level,
                current_level=round(target.current_level, 4),
                base_level=None if target.base_level is None else round(target.base_level, 4),
                success_rate=None if target.success_rate is None else round(target.success_rate, 4),
                answers=target.answers,
                direction=target.direction,
                adjustment_factor=target.adjustment_factor,
                min_level=0.0,
                max_level=1.0,
                threshold_up=target.threshold_up,
                threshold_down=target.threshold_down,
                window=target.window,
            ),
            items=items,
        )

    def _due_item(self, row: sqlite3.Row, now: datetime, scheduler: Scheduler) -> QueueItem:
        recall = retrievability(row, now, scheduler)
        difficulty = word_difficulty(row["japanese"], history_of(row, row["difficulty"])).score
        due = self.context.api_time(row["due"]) or ""
        overdue_days = (now - from_stored(row["due"])).total_seconds() / 86_400
        return QueueItem(
            word_id=row["word_id"],
            japanese=row["japanese"],
            romaji=row["romaji"],
            english=row["english"],
            kind="due",
            state=STATE_NAMES[State(row["state"])],
            due=due,
            retrievability=round(recall, 4),
            reason=due_reason(
                overdue_days=overdue_days, difficulty=difficulty, lapses=row["lapses"]
            ),
            score=round(
                due_score(
                    difficulty=difficulty,
                    recall_probability=recall,
                    stability=row["stability"],
                    mastery_stability_days=self.context.settings.srs_mastery_stability_days,
                    lapses=row["lapses"],
                ),
                4,
            ),
            optimal_time=due,
            recall_probability=round(recall, 4),
            expected_difficulty=round(difficulty, 4),
            level=row["level"],
        )

    def _new_items(
        self,
        candidates: list[sqlite3.Row],
        count: int,
        target: float,
        answered: bool,
        now: datetime,
    ) -> list[QueueItem]:
        """`count` of the candidates, which come in learning-path order: level by level as the
        path gives them (the current level first), and within a level the closest to the target
        difficulty first, ties in the path's order. The target moves which words of a level
        come first, never a later level's words ahead of the current one's; before the first
        answer a level that declares a difficulty is its own target."""
        levels: dict[int | None, int] = {}
        ranked = sorted(
            (
                (
                    levels.setdefault(row["level_position"], len(levels)),
                    abs(
                        prior_difficulty(row["japanese"])
                        - level_target(target, row["level_difficulty"], answered)
                    ),
                    position,
                    row,
                )
                for position, row in enumerate(candidates)
            ),
            key=lambda ranked_row: ranked_row[:3],
        )
        moment = self.context.api_time(to_stored(now)) or ""
        items = []
        for _, _, _, row in ranked[:count]:
            difficulty = prior_difficulty(row["japanese"])
            target_here = level_target(target, row["level_difficulty"], answered)
            items.append(
                QueueItem(
                    word_id=row["word_id"],
                    japanese=row["japanese"],
                    romaji=row["romaji"],
                    english=row["english"],
                    kind="new",
                    state="new",
                    due=None,
                    retrievability=None,
                    reason="new_at_level",
                    score=round(new_score(difficulty=difficulty, target=target_here), 4),
                    optimal_time=moment,
                    recall_probability=None,
                    expected_difficulty=round(difficulty, 4),
                    level=row["level"],
                )
            )
        return items

    def session_result(self, session_id: int) -> SessionResult:
        with self.db.snapshot() as connection:
            session = session_repo.get_session(connection, session_id)
            if session is None:
                raise NotFoundError.of("study session", session_id)
            rows = srs_repo.session_cards(connection, session_id)
            answers = session_repo.session_answers(connection, session_id)
            breaks = session_repo.session_breaks(connection, session_id)
            usual = session_repo.timed_answers_before(
                connection, session["created_at"], USUAL_PACE_ANSWERS
            )
        status = session_status(session, self.context.now(), Timeouts.of(self.context.settings))
        reviews, correct = session["review_items_count"], session["correct_count"]
        return SessionResult(
            study_session_id=session_id,
            group_id=session["group_id"],
            study_activity_id=session["study_activity_id"],
            start_time=self.context.api_time(session["created_at"]) or "",
            end_time=self.context.api_time(session["ended_at"]),
            reviews=reviews,
            correct=correct,
            wrong=reviews - correct,
            accuracy=round(correct / reviews, 4) if reviews else None,
            words=[
                SessionWordResult(
                    word_id=row["word_id"],
                    japanese=row["japanese"],
                    romaji=row["romaji"],
                    english=row["english"],
                    correct_count=row["correct_count"],
                    wrong_count=row["wrong_count"],
                    state="new" if row["state"] is None else STATE_NAMES[State(row["state"])],
                    due=self.context.api_time(row["due"]),
                )
                for row in rows
            ],
            state=status.state.value,
            duration_minutes=active_minutes(session["created_at"], session["ended_at"], breaks),
            word_metrics=word_metrics(answers),
            learning_efficiency=learning_efficiency(answers, usual),
        )

    # -- forecast ------------------------------------------------------------------------------

    def forecast(self, days: int) -> Forecast:
        """Words falling due on each of the next `days` local days; today includes overdue."""
        now = self.context.now()
        zone = self.context.settings.zone
        today = now.astimezone(zone).date()
        end_day = today + timedelta(days=days)
        end = datetime.combine(end_day, time(), tzinfo=zone)
        counts = {today + timedelta(days=offset): 0 for offset in range(days)}
        with self.db.snapshot() as connection:
            overdue = srs_repo.count_due(connection, to_stored(now), None)
            for due in srs_repo.due_between(connection, to_stored(now), to_stored(end)):
                moment = from_stored(due)
                if moment <= now:
                    continue  # counted as overdue
                counts[moment.astimezone(zone).date()] += 1
        counts[today] += overdue
        return Forecast(
            overdue=overdue,
            days=[ForecastDay(day.isoformat(), count) for day, count in counts.items()],
        )

    # -- evaluation ----------------------------------------------------------------------------

    def evaluation(self) -> dict[str, Any]:
        """The scores kept by the review write: a replay in time order, done as it happened."""
        with self.db.snapshot() as connection:
            evaluation = Evaluation.from_rows(
                srs_repo.evaluation_bins(connection), srs_repo.evaluation_histogram(connection)
            )
        return evaluation.report()

    def replay_evaluation(self) -> dict[str, Any]:
        """Replay the whole stored history with a fresh scheduler and score it (the CLI)."""
        with self.db.snapshot() as connection:
            evaluation, replayed, words = self.answers.replay_evaluation(connection)
        report = evaluation.report()
        report["reviews_replayed"] = replayed
        report["words"] = words
        return report
