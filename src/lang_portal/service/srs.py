"""Spaced repetition with FSRS-6 (the `fsrs` package), and the scoring of its predictions.

Every answer moves the word's FSRS card in the review's own transaction: wrong is `Again`,
correct is `Good`. Fuzzing is off, so that replaying the stored history gives back the same
due dates that were served. The same write feeds the summaries that the analytics read, and
scores the recall probability FSRS predicted just before the answer (see `Evaluation`).
"""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from fsrs import Card, Rating, Scheduler, State

from lang_portal.clock import from_stored, to_stored
from lang_portal.errors import NotFoundError
from lang_portal.repository import groups as group_repo
from lang_portal.repository import sessions as session_repo
from lang_portal.repository import srs as srs_repo
from lang_portal.repository import words as word_repo
from lang_portal.service.context import ServiceContext
from lang_portal.settings import Settings

if TYPE_CHECKING:
    from lang_portal.service.study import StudyService

STATE_NAMES = {State.Learning: "learning", State.Review: "review", State.Relearning: "relearning"}
# Learning-curve keys above these are counted together ("50 or more times", "3650+ days").
MAX_SEEN = 50
MAX_GAP_DAYS = 3650
# Predictions are scored in [EPSILON, 1 - EPSILON] so that one sure miss is not infinite.
EPSILON = 1e-6
AUC_BUCKETS = 10_000
# Calibration groups the predictions into this many equal ranges of predicted recall.
CALIBRATION_BINS = 10

# Retrievability depends on the FSRS parameters only, not on the desired retention.
_DEFAULT_SCHEDULER = Scheduler(enable_fuzzing=False)


def make_scheduler(settings: Settings) -> Scheduler:
    return Scheduler(desired_retention=settings.srs_desired_retention, enable_fuzzing=False)


def card_from_row(row: sqlite3.Row) -> Card:
    return Card(
        card_id=row["word_id"],
        state=State(row["state"]),
        step=row["step"],
        stability=row["stability"],
        difficulty=row["difficulty"],
        due=from_stored(row["due"]),
        last_review=from_stored(row["last_review"]),
    )


def retrievability(row: sqlite3.Row, now: datetime) -> float:
    card = Card(
        card_id=0,
        state=State(row["state"]),
        stability=row["stability"],
        last_review=from_stored(row["last_review"]),
    )
    return float(_DEFAULT_SCHEDULER.get_card_retrievability(card, now))


def describe_card(
    row: sqlite3.Row | None, now: datetime, context: ServiceContext
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
        "retrievability": round(retrievability(row, now), 4),
        "reps": row["reps"],
        "lapses": row["lapses"],
        "last_review": context.api_time(row["last_review"]),
    }


# -- scoring the predictions -------------------------------------------------------------------


def _log_bin(value: float, base: float, scale: float, digits: int) -> float:
    return round(scale * base ** math.floor(math.log(value) / math.log(base)), digits)


def rmse_bins_key(elapsed_days: int, i: int, lapses: int) -> tuple[float, float, float]:
    """srs-benchmark's RMSE bins: log-spaced by days elapsed, review number and lapses."""
    delta_bin = _log_bin(max(elapsed_days, 1e-6), 3.62, 2.48, 2)
    i_bin = _log_bin(i, 1.89, 1.99, 0)
    lapse_bin = _log_bin(lapses, 1.73, 1.65, 0) if lapses else 0.0
    return delta_bin, i_bin, lapse_bin


def log_loss(p: float, y: bool) -> float:
    p = min(max(p, EPSILON), 1 - EPSILON)
    return -math.log(p) if y else -math.log(1 - p)


def auc_bucket(p: float) -> int:
    return min(AUC_BUCKETS - 1, max(0, int(p * AUC_BUCKETS)))


@dataclass
class BinTotals:
    n: int = 0
    sum_p: float = 0.0
    sum_y: int = 0
    sum_log_loss: float = 0.0


@dataclass
class Evaluation:
    """Log loss, RMSE(bins) and AUC of predictions, beside a constant-average baseline.

    Kept as sums per bin and a histogram of predictions, so the figures come from the
    summary tables on a request and from an in-memory replay in `lang-portal srs evaluate`.
    """

    bins: dict[tuple[float, float, float], BinTotals] = field(default_factory=dict)
    histogram: dict[int, list[int]] = field(default_factory=dict)

    def add(self, p: float, y: bool, elapsed_days: int, i: int, lapses: int) -> None:
        totals = self.bins.setdefault(rmse_bins_key(elapsed_days, i, lapses), BinTotals())
        totals.n += 1
        totals.sum_p += p
        totals.sum_y += int(y)
        totals.sum_log_loss += log_loss(p, y)
        self.histogram.setdefault(auc_bucket(p), [0, 0])[0 if y else 1] += 1

    @classmethod
    def from_rows(cls, bins: Iterable[sqlite3.Row], histogram: Iterable[sqlite3.Row]) -> Evaluation:
        evaluation = cls()
        for row in bins:
            evaluation.bins[(row["delta_bin"], row["i_bin"], row["lapse_bin"])] = BinTotals(
                row["n"], row["sum_p"], row["sum_y"], row["sum_log_loss"]
            )
        for row in histogram:
            evaluation.histogram[row["bucket"]] = [row["positives"], row["negatives"]]
        return evaluation

    def report(self) -> dict[str, Any]:
        n = sum(b.n for b in self.bins.values())
        if n == 0:
            return {
                "reviews_scored": 0,
                "average_recall": None,
                "fsrs": None,
                "baseline": None,
                "calibration": [],
            }
        recalled = sum(b.sum_y for b in self.bins.values())
        mean_y = recalled / n
        fsrs_rmse = math.sqrt(
            sum(b.n * (b.sum_y / b.n - b.sum_p / b.n) ** 2 for b in self.bins.values()) / n
        )
        base_rmse = math.sqrt(
            sum(b.n * (b.sum_y / b.n - mean_y) ** 2 for b in self.bins.values()) / n
        )
        base_loss = mean_y * log_loss(mean_y, True) + (1 - mean_y) * log_loss(mean_y, False)
        return {
            "reviews_scored": n,
            "average_recall": round(mean_y, 6),
            "bins": len(self.bins),
            "fsrs": {
                "log_loss": round(sum(b.sum_log_loss for b in self.bins.values()) / n, 6),
                "rmse_bins": round(fsrs_rmse, 6),
                "auc": _round(self._auc()),
            },
            "baseline": {
                "log_loss": round(base_loss, 6),
                "rmse_bins": round(base_rmse, 6),
                # a constant ranks no answer above another
                "auc": 0.5 if 0 < recalled < n else None,
            },
            "calibration": self.calibration(),
        }

    def calibration(self) -> list[dict[str, Any]]:
        """Predicted against actual recall per range of predictions (a reliability diagram).

        Read from the AUC histogram: a prediction is known to 1/AUC_BUCKETS, so its bucket's
        midpoint stands for it in the range's mean prediction.
        """
        per_bin = AUC_BUCKETS // CALIBRATION_BINS
        totals: dict[int, list[float]] = {}
        for bucket, (recalled, forgotten) in self.histogram.items():
            count = recalled + forgotten
            if count == 0:
                continue
            entry = totals.setdefault(min(bucket // per_bin, CALIBRATION_BINS - 1), [0, 0.0, 0])
            entry[0] += count
            entry[1] += count * (bucket + 0.5) / AUC_BUCKETS
            entry[2] += recalled
        return [
            {
                "predicted_from": index / CALIBRATION_BINS,
                "predicted_to": (index + 1) / CALIBRATION_BINS,
                "reviews": int(count),
                "predicted": round(sum_p / count, 4),
                "actual": round(recalled / count, 4),
            }
            for index, (count, sum_p, recalled) in sorted(totals.items())
        ]

    def _auc(self) -> float | None:
        positives = sum(counts[0] for counts in self.histogram.values())
        negatives = sum(counts[1] for counts in self.histogram.values())
        if positives == 0 or negatives == 0:
            return None
        wins = 0.0
        negatives_below = 0
        for bucket in sorted(self.histogram):
            pos, neg = self.histogram[bucket]
            wins += pos * (negatives_below + 0.5 * neg)  # ties within a bucket count half
            negatives_below += neg
        return wins / (positives * negatives)


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 6)


# -- the service -------------------------------------------------------------------------------


@dataclass
class CardMemo:
    """A card with the counters the summaries need, for replays held in memory."""

    card: Card
    reps: int = 0
    day_reps: int = 0
    day_lapses: int = 0


class SrsService:
    def __init__(self, context: ServiceContext, study: StudyService) -> None:
        self.context = context
        self.db = context.db
        self.study = study
        self.scheduler = make_scheduler(context.settings)

    # -- the review write ----------------------------------------------------------------------

    def on_review(
        self, connection: sqlite3.Connection, word_id: int, correct: bool, moment: datetime
    ) -> None:
        """StudyService review hook: runs in the review's transaction, after its row is stored."""
        activity_id = srs_repo.activity_of_review(connection, word_id, to_stored(moment))
        self.apply_review(connection, word_id, correct, moment, activity_id)

    def on_history_reset(self, connection: sqlite3.Connection) -> None:
        srs_repo.clear_derived(connection)

    def apply_review(
        self,
        connection: sqlite3.Connection,
        word_id: int,
        correct: bool,
        moment: datetime,
        activity_id: int | None,
    ) -> None:
        stored = to_stored(moment)
        day = self.context.local_day(moment)
        row = srs_repo.get_card(connection, word_id)
        srs_repo.mark_word_studied(connection, day, word_id)
        if activity_id is not None:
            srs_repo.add_activity_answer(connection, activity_id, correct)
        if row is None:
            card = Card(card_id=word_id)
            first_review, reps, lapses, day_reps, day_lapses = stored, 0, 0, 1, 0
            srs_repo.count_new_word(connection, day)
            srs_repo.add_to_curve(connection, "curve_by_seen", 0, correct)
        else:
            card = card_from_row(row)
            first_review, reps, lapses = row["first_review"], row["reps"], row["lapses"]
            day_reps, day_lapses = row["day_reps"], row["day_lapses"]
            srs_repo.add_to_curve(connection, "curve_by_seen", min(reps, MAX_SEEN), correct)
            elapsed_days = max(0, (moment - from_stored(row["last_review"])).days)
            srs_repo.add_to_curve(
                connection, "curve_by_gap", min(elapsed_days, MAX_GAP_DAYS), correct
            )
            if elapsed_days >= 1:
                # srs-benchmark scores one answer per card per day: those a day or more apart
                p = float(self.scheduler.get_card_retrievability(card, moment))
                srs_repo.add_evaluation(
                    connection,
                    rmse_bins_key(elapsed_days, day_reps + 1, day_lapses),
                    p,
                    correct,
                    log_loss(p, correct),
                    auc_bucket(p),
                )
                if row["last_activity_id"] is not None:
                    srs_repo.add_activity_later_answer(connection, row["last_activity_id"], correct)
                day_reps += 1
                day_lapses += 0 if correct else 1
            if not correct and card.state == State.Review:
                lapses += 1
        rating = Rating.Good if correct else Rating.Again
        card, _ = self.scheduler.review_card(card, rating, review_datetime=moment)
        srs_repo.save_card(
            connection,
            {
                "word_id": word_id,
                "state": int(card.state),
                "step": card.step,
                "stability": card.stability,
                "difficulty": card.difficulty,
                "due": to_stored(card.due),
                "last_review": stored,
                "first_review": first_review,
                "reps": reps + 1,
                "lapses": lapses,
                "day_reps": day_reps,
                "day_lapses": day_lapses,
                "last_activity_id": activity_id,
            },
        )

    def rebuild(self, connection: sqlite3.Connection) -> int:
        """Recompute every summary and card from the stored history, in time order.

        For imports and repairs only: it reads the whole history. Returns the reviews replayed.
        """
        srs_repo.clear_derived(connection)
        session_repo.clear_daily_stats(connection)
        word_repo.reset_counters(connection)
        count = 0
        for review in srs_repo.iter_history(connection):
            moment = from_stored(review["created_at"])
            correct = bool(review["correct"])
            session_repo.add_to_daily_stats(
                connection, self.context.local_day(moment), correct, review["duration_ms"]
            )
            word_repo.record_answer(connection, review["word_id"], correct, review["created_at"])
            self.apply_review(
                connection, review["word_id"], correct, moment, review["study_activity_id"]
            )
            count += 1
        return count

    # -- the queue -----------------------------------------------------------------------------

    def review_queue(self, group_id: int | None, limit: int) -> dict[str, Any]:
        with self.db.snapshot() as connection:
            if group_id is not None and group_repo.get_group(connection, group_id) is None:
                raise NotFoundError.of("group", group_id)
            return self._queue(connection, group_id, limit, session_id=None)

    def session_next_words(self, session_id: int, limit: int) -> dict[str, Any]:
        """The next words for a running session: due first, then new, within its group."""
        with self.db.snapshot() as connection:
            session = session_repo.get_session(connection, session_id)
            if session is None:
                raise NotFoundError.of("study session", session_id)
            self.study.require_live(session, self.context.now())
            queue = self._queue(connection, session["group_id"], limit, session_id=session_id)
        queue["study_session_id"] = session_id
        return queue

    def _queue(
        self,
        connection: sqlite3.Connection,
        group_id: int | None,
        limit: int,
        session_id: int | None,
    ) -> dict[str, Any]:
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
        items: list[dict[str, Any]] = []
        for row in srs_repo.due_cards(connection, stored, limit, group_id):
            if room is not None and not session_repo.session_word_known(
                connection, session_id or 0, row["word_id"]
            ):
                if room <= 0:
                    continue
                room -= 1
            items.append(self._queue_item(row, "due", now))
        new_limit = min(limit - len(items), allowance)
        if room is not None:
            new_limit = min(new_limit, room)
        if new_limit > 0:
            items += [
                self._queue_item(row, "new", now)
                for row in srs_repo.new_words(connection, new_limit, group_id)
            ]
        return {
            "group_id": group_id,
            "due_count": srs_repo.count_due(connection, stored, group_id),
            "new_words_today": new_today,
            "new_words_left_today": allowance,
            "items": items,
        }

    def _queue_item(self, row: sqlite3.Row, kind: str, now: datetime) -> dict[str, Any]:
        item = {
            "word_id": row["word_id"],
            "japanese": row["japanese"],
            "romaji": row["romaji"],
            "english": row["english"],
            "kind": kind,
            "state": "new",
            "due": None,
            "retrievability": None,
        }
        if kind == "due":
            item["state"] = STATE_NAMES[State(row["state"])]
            item["due"] = self.context.api_time(row["due"])
            item["retrievability"] = round(retrievability(row, now), 4)
        return item

    def session_result(self, session_id: int) -> dict[str, Any]:
        with self.db.snapshot() as connection:
            session = session_repo.get_session(connection, session_id)
            if session is None:
                raise NotFoundError.of("study session", session_id)
            rows = srs_repo.session_cards(connection, session_id)
        reviews, correct = session["review_items_count"], session["correct_count"]
        return {
            "study_session_id": session_id,
            "group_id": session["group_id"],
            "study_activity_id": session["study_activity_id"],
            "start_time": self.context.api_time(session["created_at"]),
            "end_time": self.context.api_time(session["ended_at"]),
            "reviews": reviews,
            "correct": correct,
            "wrong": reviews - correct,
            "accuracy": round(correct / reviews, 4) if reviews else None,
            "words": [
                {
                    "word_id": row["word_id"],
                    "japanese": row["japanese"],
                    "romaji": row["romaji"],
                    "english": row["english"],
                    "correct_count": row["correct_count"],
                    "wrong_count": row["wrong_count"],
                    "state": "new" if row["state"] is None else STATE_NAMES[State(row["state"])],
                    "due": self.context.api_time(row["due"]),
                }
                for row in rows
            ],
        }

    # -- forecast ------------------------------------------------------------------------------

    def forecast(self, days: int) -> dict[str, Any]:
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
        return {
            "overdue": overdue,
            "days": [{"date": day.isoformat(), "due": count} for day, count in counts.items()],
        }

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
        evaluation = Evaluation()
        memos: dict[int, CardMemo] = {}
        with self.db.snapshot() as connection:
            for review in srs_repo.iter_history(connection):
                word_id, correct = review["word_id"], bool(review["correct"])
                moment = from_stored(review["created_at"])
                memo = memos.get(word_id)
                if memo is None:
                    memo = memos[word_id] = CardMemo(Card(card_id=word_id), day_reps=1)
                else:
                    assert memo.card.last_review is not None
                    elapsed_days = max(0, (moment - memo.card.last_review).days)
                    if elapsed_days >= 1:
                        p = float(self.scheduler.get_card_retrievability(memo.card, moment))
                        evaluation.add(p, correct, elapsed_days, memo.day_reps + 1, memo.day_lapses)
                        memo.day_reps += 1
                        memo.day_lapses += 0 if correct else 1
                rating = Rating.Good if correct else Rating.Again
                memo.card, _ = self.scheduler.review_card(memo.card, rating, review_datetime=moment)
                memo.reps += 1
        report = evaluation.report()
        report["reviews_replayed"] = sum(memo.reps for memo in memos.values())
        report["words"] = len(memos)
        return report
