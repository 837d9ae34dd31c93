"""FSRS fitted to this learner: `lang-portal srs optimize` and the automatic refit.

Honest by construction. The history is split in time: the parameters are fitted on the older
part (with fsrs-rs-python, the Rust optimizer of the FSRS project) and every candidate (the
parameters in use, the defaults, the new fit) is scored on the newer part by the answer
pipeline's own replay, as `srs evaluate` scores. A new fit is kept only when it beats the
parameters in use on the held-out answers (lower RMSE(bins), log loss no worse); it is then
stored with its scores, and every card and prediction score is replaced by the replay made for
the scoring (plus the answers stored since), in one short write transaction.
"""

from __future__ import annotations

import bisect
import contextlib
import fcntl
import logging
import math
import multiprocessing
import random
import threading
import time
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

import fsrs_rs_python
import orjson
from fsrs.scheduler import (
    DEFAULT_PARAMETERS,
    LOWER_BOUNDS_PARAMETERS,
    UPPER_BOUNDS_PARAMETERS,
)

from lang_portal.clock import SystemClock, from_stored
from lang_portal.database import Database
from lang_portal.models.srs_parameters import FitSplit, HeldOutScores, SrsParameters
from lang_portal.repository import answers as answer_repo
from lang_portal.repository import srs_parameters as parameter_repo
from lang_portal.service.answers import (
    AnswerPipeline,
    ModelReplay,
    SrsModel,
    current_model,
    make_scheduler,
)
from lang_portal.service.context import ServiceContext
from lang_portal.service.evaluation import Evaluation, log_loss
from lang_portal.settings import Settings

logger = logging.getLogger(__name__)

MODEL = "FSRS-6"
# The newest fifth of the answers is held out; the fit sees only the rest.
HELD_OUT_SHARE = 0.2
# Below these, a fit is noise: FSRS has 21 weights, and RMSE(bins) needs answers in its bins.
MIN_TRAINING_REVIEWS = 400
MIN_HELD_OUT_REVIEWS = 100
# A word answered n times gives n - 1 training items (each a prefix of its history); past this
# many reviews in all, items are sampled, so a fit's memory stays bounded whatever the history.
MAX_TRAINING_REVIEWS = 2_000_000
SAMPLE_SEED = 2023
# "Slow" for a right answer: slower than this share of the training part's right answers.
SLOW_QUANTILE = 0.8
LAST_ATTEMPT_KEY = "srs_fit_last_attempt"
SECONDS_PER_DAY = 86_400.0


def optimizer_name() -> str:
    try:
        return f"fsrs-rs-python {metadata.version('fsrs-rs-python')}"
    except metadata.PackageNotFoundError:  # pragma: no cover - an installed dependency
        return "fsrs-rs-python"


# -- the data ----------------------------------------------------------------------------------


@dataclass
class WordHistory:
    """One word's answers in time order, compactly: seconds since the epoch, FSRS ratings, and
    the answer time of each right answer sent without a grade (-1 for every other answer)."""

    times: array[float] = field(default_factory=lambda: array("d"))
    ratings: array[int] = field(default_factory=lambda: array("b"))
    plain_right_ms: array[int] = field(default_factory=lambda: array("q"))

    def add(self, moment: float, rating: int, plain_right_ms: int = -1) -> None:
        self.times.append(moment)
        self.ratings.append(rating)
        self.plain_right_ms.append(plain_right_ms)


def split_index(answers: int, held_out_share: float = HELD_OUT_SHARE) -> int | None:
    """The position (in time order) of the first answer held out: the newest
    `held_out_share` of them, at least one on each side. None when there are fewer than two."""
    if answers < 2:
        return None
    return min(answers - 1, max(1, math.floor(answers * (1 - held_out_share))))


def split_point(times: Sequence[str], held_out_share: float = HELD_OUT_SHARE) -> str | None:
    """The stored time from which answers are held out. Answers at the same moment as the
    first held out are held out too (they fall on the same side)."""
    index = split_index(len(times), held_out_share)
    return None if index is None else times[index]


def elapsed_days(earlier: float, later: float) -> int:
    """Whole days between two answers, as the scheduler counts them (timedelta.days)."""
    return int((later - earlier) // SECONDS_PER_DAY)


def slow_threshold(histories: Iterable[WordHistory], split_at: float) -> int | None:
    """The answer time (ms) that SLOW_QUANTILE of the right answers without a grade in the
    training part stay under; None when there are too few of them to tell."""
    durations = sorted(
        ms
        for history in histories
        for moment, ms in zip(history.times, history.plain_right_ms, strict=True)
        if moment < split_at and ms >= 0
    )
    if len(durations) < MIN_TRAINING_REVIEWS:
        return None
    return max(1, durations[min(len(durations) - 1, int(len(durations) * SLOW_QUANTILE))])


def training_items(
    histories: Iterable[WordHistory],
    split_at: float,
    max_reviews: int = MAX_TRAINING_REVIEWS,
    seed: int = SAMPLE_SEED,
    slow_correct_ms: int | None = None,
) -> tuple[list[fsrs_rs_python.FSRSItem], int, int]:
    """fsrs-rs training items from the answers before `split_at`: (items, scored, recalled).

    Each answer a day or more after the word's previous one gives one item, the word's history
    up to it (as Anki builds them). `scored` and `recalled` count those answers and the right
    ones among them (the constant baseline's average). With `slow_correct_ms`, a right answer
    without a grade slower than that is rated hard, as the pipeline would rate it.
    """
    sequences: list[list[tuple[int, int]]] = []
    for history in histories:
        reviews: list[tuple[int, int]] = []
        previous: float | None = None
        for moment, rating, ms in zip(
            history.times, history.ratings, history.plain_right_ms, strict=True
        ):
            if moment >= split_at:
                break
            if slow_correct_ms is not None and ms > slow_correct_ms:
                rating = 2
            reviews.append((rating, 0 if previous is None else elapsed_days(previous, moment)))
            previous = moment
        if len(reviews) > 1:
            sequences.append(reviews)
    cost = sum(i + 1 for reviews in sequences for i in range(1, len(reviews)) if reviews[i][1] > 0)
    keep = 1.0 if cost <= max_reviews else max_reviews / cost
    sampler = random.Random(seed)
    items: list[fsrs_rs_python.FSRSItem] = []
    scored = recalled = 0
    for reviews in sequences:
        converted = [fsrs_rs_python.FSRSReview(rating, days) for rating, days in reviews]
        for i in range(1, len(reviews)):
            if reviews[i][1] == 0:
                continue
            scored += 1
            recalled += reviews[i][0] > 1
            if keep >= 1.0 or sampler.random() < keep:
                items.append(fsrs_rs_python.FSRSItem(converted[: i + 1]))
    return items, scored, recalled


def _rounded(weights: Sequence[float]) -> list[float]:
    return [round(w, 6) for w in weights]


def clamp(parameters: Sequence[float]) -> list[float]:
    """Within the bounds the scheduler accepts (fsrs-rs and py-fsrs round differently)."""
    return [
        min(max(float(value), low), high)
        for value, low, high in zip(
            parameters, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS, strict=True
        )
    ]


def fit(items: Sequence[fsrs_rs_python.FSRSItem]) -> list[float]:
    model = fsrs_rs_python.FSRS(list(DEFAULT_PARAMETERS))
    return clamp(model.compute_parameters(list(items), enable_short_term=True))


def constant_scores(evaluation: Evaluation, p: float) -> HeldOutScores:
    """A constant prediction `p` scored on the answers (and bins) an evaluation holds."""
    n = sum(b.n for b in evaluation.bins.values())
    if n == 0:
        return HeldOutScores(log_loss=None, rmse_bins=None, auc=None)
    recalled = sum(b.sum_y for b in evaluation.bins.values())
    loss = (recalled * log_loss(p, True) + (n - recalled) * log_loss(p, False)) / n
    rmse = math.sqrt(sum(b.n * (b.sum_y / b.n - p) ** 2 for b in evaluation.bins.values()) / n)
    return HeldOutScores(
        log_loss=round(loss, 6), rmse_bins=round(rmse, 6), auc=0.5 if 0 < recalled < n else None
    )


def scores_of(evaluation: Evaluation) -> HeldOutScores:
    report = evaluation.report()
    fsrs = report["fsrs"] or {}
    return HeldOutScores(
        log_loss=fsrs.get("log_loss"), rmse_bins=fsrs.get("rmse_bins"), auc=fsrs.get("auc")
    )


def beats(candidate: HeldOutScores, current: HeldOutScores) -> bool:
    """Lower RMSE(bins) and a log loss no worse: the rule for keeping a new fit."""
    if candidate.rmse_bins is None or candidate.log_loss is None:
        return False
    if current.rmse_bins is None or current.log_loss is None:
        return True
    return candidate.rmse_bins < current.rmse_bins and candidate.log_loss <= current.log_loss


# -- the result --------------------------------------------------------------------------------


@dataclass(frozen=True)
class FitOutcome:
    kept: bool
    reason: str
    parameters: list[float] | None
    split: FitSplit
    scores: dict[str, HeldOutScores | None]
    fit_seconds: float
    score_seconds: float
    replayed: int
    answers_needed: int | None = None
    # the reading of answer times that came with the fit (None: right is good)
    slow_correct_ms: int | None = None
    answer_time: dict[str, Any] | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "kept": self.kept,
            "reason": self.reason,
            "parameters": self.parameters,
            "slow_correct_ms": self.slow_correct_ms,
            "answer_time": self.answer_time,
            "split": self.split.model_dump(),
            "scores": {
                name: None if value is None else value.model_dump()
                for name, value in self.scores.items()
            },
            "fit_seconds": round(self.fit_seconds, 3),
            "score_seconds": round(self.score_seconds, 3),
            "replayed": self.replayed,
            "answers_needed": self.answers_needed,
        }


# -- the service -------------------------------------------------------------------------------


class SrsOptimizer:
    def __init__(self, context: ServiceContext, answers: AnswerPipeline) -> None:
        self.context = context
        self.db = context.db
        self.answers = answers
        self._running = threading.Lock()
        self._last_attempt_review_id: int | None = None
        # the latest background refit (tests wait for it)
        self.refit_process: BaseProcess | None = None

    @property
    def lock_path(self) -> Path:
        return self.db.path.with_name(self.db.path.name + "-optimizer.lock")

    # -- reading -------------------------------------------------------------------------------

    def parameters(self) -> SrsParameters:
        with self.db.snapshot() as connection:
            row = parameter_repo.latest(connection)
            attempt_text = parameter_repo.get_meta(connection, LAST_ATTEMPT_KEY)
        attempt: dict[str, Any] | None = (
            None if attempt_text is None else orjson.loads(attempt_text)
        )
        settings = self.context.settings
        weights = list(DEFAULT_PARAMETERS)
        source, fitted_at, slow = "defaults", None, None
        if row is not None:
            source = row["origin"]
            slow = row["slow_correct_ms"]
            if row["parameters"] is not None:
                weights = [float(w) for w in orjson.loads(row["parameters"])]
                fitted_at = self.context.api_time(row["created_at"])
        scores: dict[str, HeldOutScores | None] = {}
        split: FitSplit | None = None
        if attempt is not None and attempt.get("split") is not None:
            split = FitSplit(**attempt["split"])
            scores = {
                name: None if value is None else HeldOutScores(**value)
                for name, value in attempt.get("scores", {}).items()
            }
        summary = None
        if attempt is not None:
            summary = {
                "at": self.context.api_time(attempt["at"]),
                "kept": attempt["kept"],
                "reason": attempt["reason"],
                "answers_needed": attempt.get("answers_needed"),
                "fit_seconds": attempt.get("fit_seconds"),
            }
        return SrsParameters(
            parameters=[round(w, 6) for w in weights],
            source=source,
            fitted_at=fitted_at,
            model=MODEL,
            optimizer=optimizer_name(),
            desired_retention=settings.srs_desired_retention,
            split=split,
            scores=scores,
            last_attempt=summary,
            refit_every=settings.srs_optimize_every,
            slow_correct_as_hard_ms=slow,
            answer_time=None if attempt is None else attempt.get("answer_time"),
        )

    # -- fitting -------------------------------------------------------------------------------

    def optimize(
        self, progress: Callable[[str], None] | None = None, *, only_if_due: bool = False
    ) -> FitOutcome | None:
        """Fit, score on the held-out part, keep the fit only if it wins, replay the cards.

        One fit at a time across every process (a lock file beside the database): waits for
        a running one, or with `only_if_due` (the automatic refit) returns None at once when
        another is running or SRS_OPTIMIZE_EVERY answers have not come since the last.
        """
        tell = progress or (lambda _message: None)
        with self._running, optimizer_lock(self.lock_path, wait=not only_if_due) as held:
            if not held:
                return None
            if only_if_due:
                with self.db.snapshot() as connection:
                    latest = answer_repo.latest_review_id(connection)
                    due = latest - _attempt_review_id(connection)
                if due < self.context.settings.srs_optimize_every:
                    return None
            outcome, last_review_id, replay = self._fit_and_score(tell)
            now = self.context.now_stored()
            record = {**outcome.as_json(), "at": now, "last_review_id": last_review_id}
            text = orjson.dumps(record).decode()
            with self.db.write() as connection:
                if outcome.kept:
                    assert outcome.parameters is not None
                    parameters = orjson.dumps(outcome.parameters).decode()
                    parameter_repo.insert(
                        connection, parameters, outcome.slow_correct_ms, "fitted", text, now
                    )
                    tell("writing every card as the new parameters replayed it")
                    assert replay is not None
                    model = current_model(connection, self.context.settings)
                    self.answers.apply_model(connection, replay, model)
                parameter_repo.set_meta(connection, LAST_ATTEMPT_KEY, text)
            self._last_attempt_review_id = last_review_id
            return outcome

    def _fit_and_score(
        self, tell: Callable[[str], None]
    ) -> tuple[FitOutcome, int, ModelReplay | None]:
        """The outcome, the last answer it saw, and the replay of the weights it would keep."""
        settings = self.context.settings
        with self.db.snapshot() as connection:
            tell("reading the history")
            histories: dict[int, WordHistory] = {}
            # every answer's moment, in time order (8 bytes each: the stored text would be 80)
            times = array("d")
            last_review_id = 0
            for row in answer_repo.history(connection):
                history = histories.get(row["word_id"])
                if history is None:
                    history = histories[row["word_id"]] = WordHistory()
                grade, correct, ms = row["grade"], row["correct"], row["duration_ms"]
                plain_right = grade is None and correct and ms is not None
                moment = from_stored(row["created_at"]).timestamp()
                history.add(
                    moment,
                    grade if grade is not None else (3 if correct else 1),
                    ms if plain_right else -1,
                )
                times.append(moment)
                last_review_id = max(last_review_id, row["id"])
            index = split_index(len(times))
            split_at = None if index is None else answer_repo.answer_time_at(connection, index)
            held_out = 0
            if index is not None:
                held_out = len(times) - bisect.bisect_left(times, times[index])
            split = FitSplit(
                split_at=self.context.api_time(split_at),
                answers=len(times),
                training_answers=len(times) - held_out,
                held_out_answers=held_out,
                training_reviews_scored=0,
                held_out_reviews_scored=0,
            )
            if split_at is None or index is None:
                return self._too_little(split, 0, 0), last_review_id, None
            split_moment = times[index]
            del times
            items, scored, recalled = training_items(histories.values(), split_moment)
            split.training_reviews_scored = scored
            if scored < MIN_TRAINING_REVIEWS:
                return self._too_little(split, scored, 0), last_review_id, None
            tell(f"fitting {MODEL} on {len(items)} training items")
            started = time.perf_counter()
            # rounded as stored, so that the replay scored is the one a rebuild gives
            fits: dict[str, tuple[list[float], int | None]] = {
                "fitted": (_rounded(fit(items)), None)
            }
            del items
            # right/wrong answers: does a slow right answer say "hard"? fitted both ways
            threshold = slow_threshold(histories.values(), split_moment)
            if threshold is not None:
                tell(f"fitting again with right answers slower than {threshold} ms as hard")
                slow_items, _, _ = training_items(
                    histories.values(), split_moment, slow_correct_ms=threshold
                )
                fits["fitted_slow_as_hard"] = (_rounded(fit(slow_items)), threshold)
                del slow_items
            fit_seconds = time.perf_counter() - started
            histories.clear()
            started = time.perf_counter()
            in_use_text, in_use_slow = answer_repo.parameters_in_use(connection)
            candidates: dict[str, tuple[list[float] | None, int | None]] = {
                **fits,
                "defaults": (None, None),
            }
            if in_use_text is not None:
                candidates["in_use"] = ([float(w) for w in orjson.loads(in_use_text)], in_use_slow)
            replays: dict[str, ModelReplay] = {}
            for name, (weights, slow) in candidates.items():
                tell(f"scoring {name.replace('_', ' ')} on the held-out answers")
                model = SrsModel(make_scheduler(settings, weights), slow)
                replays[name] = self.answers.replay_model(connection, model, held_out_from=split_at)
            score_seconds = time.perf_counter() - started
        evaluations = {name: replay.held_out for name, replay in replays.items()}
        replayed = replays["fitted"].replayed
        held_out_scored = sum(b.n for b in evaluations["fitted"].bins.values())
        split.held_out_reviews_scored = held_out_scored
        if held_out_scored < MIN_HELD_OUT_REVIEWS:
            return self._too_little(split, scored, held_out_scored), last_review_id, None
        scores: dict[str, HeldOutScores | None] = {
            name: scores_of(evaluation) for name, evaluation in evaluations.items()
        }
        scores["constant"] = constant_scores(evaluations["fitted"], recalled / scored)
        best, answer_time = self._best_fit(scores, threshold)
        current = scores.get("in_use", scores["defaults"])
        assert current is not None
        best_scores = scores[best]
        assert best_scores is not None
        kept = beats(best_scores, current)
        against = "the fitted parameters in use" if "in_use" in scores else "the defaults"
        reason = (
            f"kept: beats {against} on the held-out answers"
            if kept
            else f"not kept: does not beat {against} on the held-out answers "
            "(needs a lower RMSE(bins) and a log loss no worse)"
        )
        weights, slow = fits[best]
        outcome = FitOutcome(
            kept=kept,
            reason=reason,
            parameters=weights,
            split=split,
            scores=scores,
            fit_seconds=fit_seconds,
            score_seconds=score_seconds,
            replayed=replayed,
            slow_correct_ms=slow,
            answer_time=answer_time,
        )
        return outcome, last_review_id, replays[best] if kept else None

    @staticmethod
    def _best_fit(
        scores: dict[str, HeldOutScores | None], threshold: int | None
    ) -> tuple[str, dict[str, Any]]:
        """The plain fit, or the one reading slow right answers as hard when that lowers the
        held-out log loss with an RMSE(bins) no worse (the figures are reported either way)."""
        plain = scores["fitted"]
        slow = scores.get("fitted_slow_as_hard")
        if threshold is None or slow is None or plain is None:
            return "fitted", {
                "tried": False,
                "reason": "too few right answers without a grade (with their answer time) "
                "in the training part",
            }
        # a lower log loss, and (as for keeping any fit) an RMSE(bins) no worse
        adopted = (
            slow.log_loss is not None
            and plain.log_loss is not None
            and slow.rmse_bins is not None
            and plain.rmse_bins is not None
            and slow.log_loss < plain.log_loss
            and slow.rmse_bins <= plain.rmse_bins
        )
        return ("fitted_slow_as_hard" if adopted else "fitted"), {
            "tried": True,
            "slow_ms": threshold,
            "quantile": SLOW_QUANTILE,
            "log_loss_right_as_good": plain.log_loss,
            "log_loss_slow_right_as_hard": slow.log_loss,
            "adopted": adopted,
        }

    def _too_little(self, split: FitSplit, training: int, held_out: int) -> FitOutcome:
        # new answers fall about (1 - HELD_OUT_SHARE) into the older part, the rest newer
        needed = max(
            0,
            math.ceil((MIN_TRAINING_REVIEWS - training) / (1 - HELD_OUT_SHARE)),
            math.ceil((MIN_HELD_OUT_REVIEWS - held_out) / HELD_OUT_SHARE),
        )
        reason = (
            f"too little history: a fit needs {MIN_TRAINING_REVIEWS} answers given a day or "
            "more after the word's previous answer in the older part of the history and "
            f"{MIN_HELD_OUT_REVIEWS} in the newer {HELD_OUT_SHARE:.0%}; there are {training} "
            f"and {held_out}: about {needed} more such answers are needed. The parameters in "
            "use are kept"
        )
        return FitOutcome(
            kept=False,
            reason=reason,
            parameters=None,
            split=split,
            scores={},
            fit_seconds=0.0,
            score_seconds=0.0,
            replayed=0,
            answers_needed=needed,
        )

    # -- back to the defaults ------------------------------------------------------------------

    def reset(self) -> SrsParameters:
        """The defaults again, every card replayed with them, in one write transaction."""
        with (
            self._running,
            optimizer_lock(self.lock_path, wait=True),
            self.db.write() as connection,
        ):
            if answer_repo.parameters_in_use(connection) != (None, None):
                now = self.context.now_stored()
                parameter_repo.insert(connection, None, None, "reset", "{}", now)
                self.answers.rebuild(connection)
        return self.parameters()

    # -- the automatic refit -------------------------------------------------------------------

    def after_answers(self, latest_review_id: int) -> None:
        """Start a refit in a process of its own when SRS_OPTIMIZE_EVERY answers came since
        the last one; returns at once (the answer's reply never waits for a fit, and the fit's
        minutes of replay never hold this worker's interpreter lock)."""
        every = self.context.settings.srs_optimize_every
        if every <= 0:
            return
        if self._last_attempt_review_id is None:
            with self.db.snapshot() as connection:
                self._last_attempt_review_id = _attempt_review_id(connection)
        if latest_review_id - self._last_attempt_review_id < every:
            return
        if self.refit_process is not None and self.refit_process.is_alive():
            return
        # Raised again only by another SRS_OPTIMIZE_EVERY answers, whatever the fit does.
        self._last_attempt_review_id = latest_review_id
        spawn = multiprocessing.get_context("spawn")
        self.refit_process = spawn.Process(
            target=refit_in_process, args=(self.context.settings,), name="srs-refit", daemon=True
        )
        self.refit_process.start()


def refit_in_process(settings: Settings) -> None:
    """The automatic refit, in a child process: one at a time across every worker (the lock
    file), and only if the mark was not handled meanwhile by another."""
    db = Database(
        settings.database_path,
        busy_timeout_ms=settings.database_busy_timeout_ms,
        synchronous=settings.database_synchronous,
    )
    try:
        context = ServiceContext(db=db, settings=settings, clock=SystemClock())
        outcome = SrsOptimizer(context, AnswerPipeline(context)).optimize(only_if_due=True)
    except Exception:
        logger.exception("automatic FSRS refit failed")
        raise
    finally:
        db.close()
    if outcome is not None:
        logger.info(
            "automatic FSRS refit",
            extra={"details": {"kept": outcome.kept, "reason": outcome.reason}},
        )


def _attempt_review_id(connection: Any) -> int:
    text = parameter_repo.get_meta(connection, LAST_ATTEMPT_KEY)
    if text is None:
        return 0
    return int(orjson.loads(text).get("last_review_id", 0))


@contextlib.contextmanager
def optimizer_lock(path: Path, *, wait: bool) -> Iterator[bool]:
    """True for the one process (of several workers) that may fit now; without `wait`, False
    at once when another holds it."""
    with path.open("ab") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
