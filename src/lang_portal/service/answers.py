"""The answer pipeline: the one place where an answer changes the database.

An answer (session, word, right or wrong, time taken, where it came from) is stored as a review
row, and everything derived from it moves in the same transaction: the word's and the session's
counters, the session's words, the day's summary, the word's FSRS card, the analytics
summaries and the scores of FSRS's predictions. Every way in uses it: the portal's review POST
(every mount), xAPI statements, the history import and every rebuild (after a migration, a time
zone change or an import), and the evaluation replay of `lang-portal srs evaluate`.

What one answer adds is worked out by `Derivation.add` from the word's state before it (`Memory`)
and kept as increments; `Derivation.flush` writes them. A live answer flushes at once; a rebuild
empties the derived tables and runs the same derivation over the history in time order,
flushing in chunks; taking an answer out (voiding) replays the word's history without it and
writes the difference.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import orjson
from fsrs import Card, Rating, Scheduler, State

from lang_portal.clock import from_stored, to_stored
from lang_portal.errors import BusinessRuleError, NotFoundError, ValidationFailedError
from lang_portal.i18n import Text
from lang_portal.repository import answers as answer_repo
from lang_portal.service.context import ServiceContext
from lang_portal.service.evaluation import Evaluation
from lang_portal.service.lifecycle import Timeouts, require_answerable, session_status
from lang_portal.settings import Settings

# Learning-curve keys above these are counted together ("50 or more times", "3650+ days").
MAX_SEEN = 50
MAX_GAP_DAYS = 3650
# A rebuild writes its increments every so many answers, so its memory stays bounded.
REBUILD_CHUNK = 20_000
# A resent answer is recognised by its key for this long.
IDEMPOTENCY_KEY_TTL = timedelta(hours=24)

SOURCES = ("portal", "legacy", "xapi", "import")


@dataclass(frozen=True)
class Answer:
    session_id: int
    word_id: int
    correct: bool
    duration_ms: int | None = None
    source: str = "portal"
    # FSRS's rating (1 again, 2 hard, 3 good, 4 easy); None: right/wrong only (good or again)
    grade: int | None = None
    # what the learner answered (models/validation.clean_response); None: not said
    response: str | None = None


@dataclass(frozen=True)
class RecordedAnswer:
    review_id: int
    session_id: int
    word_id: int
    correct: bool
    duration_ms: int | None
    answered_at: datetime
    source: str
    grade: int | None = None
    response: str | None = None


@dataclass(frozen=True)
class AnswerSetting:
    """What the pipeline read of a recorded answer's session and word (the rows it checked),
    handed to the statement writer so that it need not read them again."""

    registration: str | None
    group_id: int
    study_activity_id: int
    japanese: str
    english: str | None


GRADES = {"again": 1, "hard": 2, "good": 3, "easy": 4}
GRADE_NAMES = {value: name for name, value in GRADES.items()}


def answer_outcome(correct: bool | None, grade: str | None) -> tuple[bool, int | None]:
    """(right or wrong, grade) of an answer sent with `correct`, `grade` or both; refused when
    neither is given or they disagree (a wrong answer is `again`, a right one anything else)."""
    if grade is None:
        if correct is None:
            raise ValidationFailedError(
                "errors.validation.answer_missing",
                {"correct": Text("validation.correct_or_grade_required")},
            )
        return correct, None
    value = GRADES[grade]
    if correct is not None and correct != (value > 1):
        raise ValidationFailedError(
            "errors.validation.answer_contradicts_grade",
            {"correct": correct, "grade": grade},
            correct=str(correct).lower(),
            grade=grade,
        )
    return value > 1, value


def rating_of(
    correct: bool,
    grade: int | None,
    duration_ms: int | None = None,
    slow_correct_ms: int | None = None,
) -> Rating:
    """The FSRS rating of an answer: its grade; else again when wrong, and when right good,
    or hard when it took longer than `slow_correct_ms` (a reading of right/wrong answers that a
    fit keeps only when it predicts this learner's held-out answers better)."""
    if grade is not None:
        return Rating(grade)
    if not correct:
        return Rating.Again
    if slow_correct_ms is not None and duration_ms is not None and duration_ms > slow_correct_ms:
        return Rating.Hard
    return Rating.Good


@dataclass(frozen=True)
class SrsModel:
    """What the pipeline schedules with: the scheduler of the weights in use, and the answer
    time above which a right answer without a grade counts as hard (None: never)."""

    scheduler: Scheduler
    slow_correct_ms: int | None = None


def make_scheduler(settings: Settings, parameters: Sequence[float] | None = None) -> Scheduler:
    """The scheduler of the given FSRS weights (None: the package's defaults)."""
    # Fuzzing off: a replay of the stored history gives back the due dates that were served.
    if parameters is None:
        return Scheduler(desired_retention=settings.srs_desired_retention, enable_fuzzing=False)
    return Scheduler(
        parameters=tuple(parameters),
        desired_retention=settings.srs_desired_retention,
        enable_fuzzing=False,
    )


# Schedulers by (stored weights, desired retention): building one per answer would cost more
# than the answer's statements; keyed by the text so that two databases never share one.
_SCHEDULERS: dict[tuple[str | None, float], Scheduler] = {}


def current_model(connection: sqlite3.Connection, settings: Settings) -> SrsModel:
    """The model in use (the latest fit kept, or the defaults): read in the caller's
    transaction, so a refit by another worker is seen by the next answer."""
    text, slow_correct_ms = answer_repo.parameters_in_use(connection)
    key = (text, settings.srs_desired_retention)
    scheduler = _SCHEDULERS.get(key)
    if scheduler is None:
        weights = None if text is None else [float(w) for w in orjson.loads(text)]
        scheduler = make_scheduler(settings, weights)
        if len(_SCHEDULERS) > 64:
            _SCHEDULERS.clear()
        _SCHEDULERS[key] = scheduler
    return SrsModel(scheduler, slow_correct_ms)


def current_scheduler(connection: sqlite3.Connection, settings: Settings) -> Scheduler:
    """The scheduler of the parameters in use (for recall probabilities)."""
    return current_model(connection, settings).scheduler


@dataclass
class Memory:
    """A word's scheduling state between two of its answers (one srs_cards row)."""

    card: Card
    first_review: str
    last_review: str
    reps: int = 0
    lapses: int = 0
    # answers and failures counted as srs-benchmark counts them (one a day at most)
    day_reps: int = 0
    day_lapses: int = 0
    last_activity_id: int | None = None

    @classmethod
    def from_row(cls, row: sqlite3.Row, word_id: int) -> Memory | None:
        """From a srs_cards row; None when the word has no card (never answered)."""
        if row["state"] is None:
            return None
        return cls(
            card=Card(
                card_id=word_id,
                state=State(row["state"]),
                step=row["step"],
                stability=row["stability"],
                difficulty=row["difficulty"],
                due=from_stored(row["due"]),
                last_review=from_stored(row["last_review"]),
            ),
            first_review=row["first_review"],
            last_review=row["last_review"],
            reps=row["reps"],
            lapses=row["lapses"],
            day_reps=row["day_reps"],
            day_lapses=row["day_lapses"],
            last_activity_id=row["last_activity_id"],
        )

    def row(self, word_id: int) -> tuple[object, ...]:
        card = self.card
        return (
            word_id,
            int(card.state),
            card.step,
            card.stability,
            card.difficulty,
            to_stored(card.due),
            self.last_review,
            self.first_review,
            self.reps,
            self.lapses,
            self.day_reps,
            self.day_lapses,
            self.last_activity_id,
        )


def _counts() -> list[int]:
    return [0, 0]


@dataclass
class Derivation:
    """What a run of answers adds to the derived tables, as increments, plus each word's state
    after them. `add` takes answers in time order; `flush` writes and clears the increments."""

    scheduler: Scheduler
    settings: Settings
    slow_correct_ms: int | None = None
    memories: dict[int, Memory | None] = field(default_factory=dict)
    # word id -> [correct, wrong, answer time ms, answers with a time]; its latest answer time
    words: defaultdict[int, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0] * 4))
    word_times: dict[int, str] = field(default_factory=dict)
    # session id -> [answers, correct]; its latest answer time
    sessions: defaultdict[int, list[int]] = field(default_factory=lambda: defaultdict(_counts))
    session_times: dict[int, str] = field(default_factory=dict)
    session_words: defaultdict[tuple[int, int], list[int]] = field(
        default_factory=lambda: defaultdict(_counts)
    )
    # day -> [answers, correct, duration ms, distinct words, new words]
    days: defaultdict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0] * 5))
    day_words: set[tuple[str, int]] = field(default_factory=set)
    by_seen: defaultdict[int, list[int]] = field(default_factory=lambda: defaultdict(_counts))
    by_gap: defaultdict[int, list[int]] = field(default_factory=lambda: defaultdict(_counts))
    # activity id -> [answers, correct, later answers, later correct]
    activities: defaultdict[int, list[int]] = field(
        default_factory=lambda: defaultdict(lambda: [0] * 4)
    )
    evaluation: Evaluation = field(default_factory=Evaluation)
    changed_cards: set[int] = field(default_factory=set)
    answers: int = 0
    # The held-out part of a time-series split: answers from `held_out_from` (a stored time)
    # on are also scored in `held_out` (srs optimize scores candidates there).
    held_out_from: str | None = None
    held_out: Evaluation = field(default_factory=Evaluation)

    def local_day(self, moment: datetime) -> str:
        return moment.astimezone(self.settings.zone).date().isoformat()

    def add(
        self,
        *,
        word_id: int,
        session_id: int | None,
        activity_id: int | None,
        correct: bool,
        duration_ms: int | None,
        moment: datetime,
        grade: int | None = None,
    ) -> None:
        """One answer; the word's state before it must be in `memories` (None: never answered).

        An archived answer has no session (it left with its session): only the session's
        figures skip it.
        """
        stored = to_stored(moment)
        day = self.local_day(moment)
        y = int(correct)
        self.answers += 1
        word = self.words[word_id]
        word[0 if correct else 1] += 1
        if duration_ms is not None:
            word[2] += duration_ms
            word[3] += 1
        self.word_times[word_id] = stored
        if session_id is not None:
            session = self.sessions[session_id]
            session[0] += 1
            session[1] += y
            self.session_times[session_id] = stored
            self.session_words[(session_id, word_id)][0 if correct else 1] += 1
        totals = self.days[day]
        totals[0] += 1
        totals[1] += y
        totals[2] += duration_ms or 0
        if activity_id is not None:
            activity = self.activities[activity_id]
            activity[0] += 1
            activity[1] += y

        memory = self.memories.get(word_id)
        if memory is None:
            totals[3] += 1
            totals[4] += 1  # first answer ever: a new word that day
            self.day_words.add((day, word_id))
            self._add_curve(self.by_seen, 0, y)
            memory = Memory(card=Card(card_id=word_id), first_review=stored, last_review=stored)
            memory.day_reps = 1
        else:
            if self.local_day(from_stored(memory.last_review)) != day:
                totals[3] += 1  # the word's first answer of the day
                self.day_words.add((day, word_id))
            self._add_curve(self.by_seen, min(memory.reps, MAX_SEEN), y)
            elapsed_days = max(0, (moment - from_stored(memory.last_review)).days)
            self._add_curve(self.by_gap, min(elapsed_days, MAX_GAP_DAYS), y)
            if elapsed_days >= 1:
                # srs-benchmark scores one answer per card per day: those a day or more apart
                p = float(self.scheduler.get_card_retrievability(memory.card, moment))
                bins = (p, correct, elapsed_days, memory.day_reps + 1, memory.day_lapses)
                self.evaluation.add(*bins)
                if self.held_out_from is not None and stored >= self.held_out_from:
                    self.held_out.add(*bins)
                if memory.last_activity_id is not None:
                    later = self.activities[memory.last_activity_id]
                    later[2] += 1
                    later[3] += y
                memory.day_reps += 1
                memory.day_lapses += 1 - y
            if not correct and memory.card.state == State.Review:
                memory.lapses += 1
        rating = rating_of(correct, grade, duration_ms, self.slow_correct_ms)
        memory.card, _ = self.scheduler.review_card(memory.card, rating, review_datetime=moment)
        memory.last_review = stored
        memory.reps += 1
        memory.last_activity_id = activity_id
        self.memories[word_id] = memory
        self.changed_cards.add(word_id)

    @staticmethod
    def _add_curve(curve: defaultdict[int, list[int]], key: int, y: int) -> None:
        counts = curve[key]
        counts[0] += 1
        counts[1] += y

    def flush(self, connection: sqlite3.Connection, sign: int = 1) -> None:
        """Write the increments (negated with sign -1) and the changed cards, then clear them."""
        s = sign
        answer_repo.add_word_counts(
            connection,
            [
                (s * c, s * w, s * ms, s * n, self.word_times.get(word) if s > 0 else None, word)
                for word, (c, w, ms, n) in self.words.items()
            ],
        )
        answer_repo.add_session_counts(
            connection,
            [
                (s * n, s * c, self.session_times.get(session) if s > 0 else None, session)
                for session, (n, c) in self.sessions.items()
            ],
        )
        answer_repo.add_session_words(
            connection,
            [
                (session, word, s * c, s * w)
                for (session, word), (c, w) in self.session_words.items()
            ],
        )
        answer_repo.add_daily(
            connection,
            [
                (day, s * t[0], s * t[1], s * t[2], s * t[3], s * t[4])
                for day, t in self.days.items()
            ],
        )
        if s > 0:
            answer_repo.add_daily_words(connection, sorted(self.day_words))
        answer_repo.add_curve(
            connection, "curve_by_seen", [(k, s * n, s * c) for k, (n, c) in self.by_seen.items()]
        )
        answer_repo.add_curve(
            connection, "curve_by_gap", [(k, s * n, s * c) for k, (n, c) in self.by_gap.items()]
        )
        answer_repo.add_activity(
            connection,
            [(a, s * t[0], s * t[1], s * t[2], s * t[3]) for a, t in self.activities.items()],
        )
        answer_repo.add_evaluation_bins(
            connection,
            [
                (*key, s * b.n, s * b.sum_p, s * b.sum_y, s * b.sum_log_loss)
                for key, b in self.evaluation.bins.items()
            ],
        )
        answer_repo.add_evaluation_histogram(
            connection,
            [
                (bucket, s * pos, s * neg)
                for bucket, (pos, neg) in self.evaluation.histogram.items()
            ],
        )
        if s > 0:
            answer_repo.save_cards(
                connection,
                (
                    memory.row(word)
                    for word in sorted(self.changed_cards)
                    if (memory := self.memories.get(word)) is not None
                ),
            )
        self._clear()

    def drop_increments(self) -> None:
        """Forget the counters, keeping the cards and the scores (an in-memory replay)."""
        evaluation = self.evaluation
        self._clear()
        self.evaluation = evaluation
        self.answers = 0

    def _clear(self) -> None:
        for tally in (
            self.words,
            self.word_times,
            self.sessions,
            self.session_times,
            self.session_words,
            self.days,
            self.by_seen,
            self.by_gap,
            self.activities,
        ):
            tally.clear()
        self.day_words.clear()
        self.changed_cards.clear()
        self.evaluation = Evaluation()


@dataclass
class ModelReplay:
    """A whole-history replay in memory (`AnswerPipeline.replay_model`) and what it covered."""

    derivation: Derivation
    replayed: int
    last_review_id: int
    last_time: str

    @property
    def held_out(self) -> Evaluation:
        return self.derivation.held_out


def require_live(session: sqlite3.Row, moment: datetime, context: ServiceContext) -> None:
    """Refuse what needs a session that can take answers: expired -> SESSION_EXPIRED, paused or
    completed -> BUSINESS_RULE_VIOLATION (the lifecycle's rules, service/lifecycle.py)."""
    status = session_status(session, moment, Timeouts.of(context.settings))
    require_answerable(status, context.api_datetime)


def request_digest(answers: Sequence[Answer]) -> str:
    # the grade and the response only when given, so a key stored before they existed still
    # matches (a response alone is tagged, so it cannot be taken for a grade)
    payload = [
        (a.session_id, a.word_id, a.correct, a.duration_ms)
        + (() if a.grade is None else (a.grade,))
        + (() if a.response is None else (("response", a.response),))
        for a in answers
    ]
    return hashlib.sha256(orjson.dumps(payload)).hexdigest()


StatementWriter = Callable[
    [sqlite3.Connection, Sequence[tuple["RecordedAnswer", "AnswerSetting"]]], None
]


class AnswerPipeline:
    def __init__(self, context: ServiceContext) -> None:
        self.context = context
        # The xAPI door (xapi/answers.py) sets this: each answer's statement, written in the
        # answer's transaction.
        self.statement_writer: StatementWriter | None = None

    def derivation(
        self, connection: sqlite3.Connection, model: SrsModel | None = None
    ) -> Derivation:
        """A derivation with the given model, or with the one in use."""
        if model is None:
            model = current_model(connection, self.context.settings)
        return Derivation(model.scheduler, self.context.settings, model.slow_correct_ms)

    # -- live answers ----------------------------------------------------------------------------

    def record(
        self, connection: sqlite3.Connection, answers: Sequence[Answer]
    ) -> list[RecordedAnswer]:
        """Store answers inside the caller's write transaction: all of them, or none if any is
        refused (the caller's transaction rolls back on the error)."""
        # The time is read once the write lock is held, so answers are stamped in the order
        # they commit: taken before it, two workers could commit a later answer first and the
        # scheduling state (first/last review, elapsed days) would disagree with the rows.
        moment = self.context.now()
        stored = to_stored(moment)
        derivation = self.derivation(connection)
        sessions: dict[int, sqlite3.Row] = {}
        distinct: dict[int, int] = {}
        in_session: set[tuple[int, int]] = set()
        texts: dict[int, tuple[str, str | None]] = {}
        recorded: list[RecordedAnswer] = []
        settings: list[AnswerSetting] = []
        limit = self.context.settings.max_words_per_session
        for answer in answers:
            session = sessions.get(answer.session_id)
            if session is None:
                session = answer_repo.session_for_answer(connection, answer.session_id)
                if session is None:
                    raise NotFoundError.of("study session", answer.session_id)
                require_live(session, moment, self.context)
                sessions[answer.session_id] = session
            pair = (answer.session_id, answer.word_id)
            if answer.word_id not in derivation.memories or pair not in in_session:
                word = answer_repo.word_for_answer(connection, answer.word_id, answer.session_id)
                if word is None:
                    raise NotFoundError.of("word", answer.word_id)
                if answer.word_id not in derivation.memories:
                    derivation.memories[answer.word_id] = Memory.from_row(word, answer.word_id)
                    texts[answer.word_id] = (word["japanese"], word["english"])
                if word["in_session"]:
                    in_session.add(pair)
            if pair not in in_session:
                if answer.session_id not in distinct:
                    distinct[answer.session_id] = session["distinct_words"]
                if distinct[answer.session_id] >= limit:
                    raise BusinessRuleError(
                        "errors.business.max_words_per_session",
                        {"study_session_id": answer.session_id, "max_words_per_session": limit},
                        limit=limit,
                    )
                distinct[answer.session_id] += 1
                in_session.add(pair)
            review_id = answer_repo.insert_review(
                connection,
                answer.session_id,
                answer.word_id,
                answer.correct,
                answer.duration_ms,
                stored,
                answer.source,
                answer.grade,
                answer.response,
            )
            derivation.add(
                word_id=answer.word_id,
                session_id=answer.session_id,
                activity_id=session["study_activity_id"],
                correct=answer.correct,
                duration_ms=answer.duration_ms,
                moment=moment,
                grade=answer.grade,
            )
            recorded.append(
                RecordedAnswer(
                    review_id=review_id,
                    session_id=answer.session_id,
                    word_id=answer.word_id,
                    correct=answer.correct,
                    duration_ms=answer.duration_ms,
                    answered_at=moment,
                    source=answer.source,
                    grade=answer.grade,
                    response=answer.response,
                )
            )
            japanese, english = texts[answer.word_id]
            settings.append(
                AnswerSetting(
                    registration=session["registration"],
                    group_id=session["group_id"],
                    study_activity_id=session["study_activity_id"],
                    japanese=japanese,
                    english=english,
                )
            )
        derivation.flush(connection)
        # xAPI: the statement of every answer whose source is not "xapi" is written here.
        from_elsewhere = [
            (item, setting)
            for item, setting in zip(recorded, settings, strict=True)
            if item.source != "xapi"
        ]
        if from_elsewhere and self.statement_writer is not None:
            self.statement_writer(connection, from_elsewhere)
        return recorded

    def record_once(
        self,
        connection: sqlite3.Connection,
        answers: Sequence[Answer],
        *,
        idempotency_key: str | None,
        scope: str,
    ) -> list[RecordedAnswer]:
        """`record`, unless the same key already stored this request: then its first result.

        The key is kept with the answers it stored, in their transaction, so a client that
        resends after a lost reply stores nothing twice. The same key with another request is
        refused, so a client bug cannot silently drop an answer.
        """
        if idempotency_key is None:
            return self.record(connection, answers)
        digest = request_digest(answers)
        found = answer_repo.find_idempotency_key(connection, scope, idempotency_key)
        if found is not None:
            if found["request_hash"] != digest:
                raise ValidationFailedError(
                    "errors.validation.idempotency_key_reused",
                    {"Idempotency-Key": idempotency_key},
                )
            rows = answer_repo.reviews_by_id(connection, orjson.loads(found["review_ids"]))
            return [recorded_from_row(row) for row in rows]
        recorded = self.record(connection, answers)
        now = self.context.now()
        answer_repo.delete_idempotency_keys_before(connection, to_stored(now - IDEMPOTENCY_KEY_TTL))
        answer_repo.save_idempotency_key(
            connection,
            scope,
            idempotency_key,
            digest,
            orjson.dumps([item.review_id for item in recorded]).decode(),
            to_stored(now),
        )
        return recorded

    # -- taking an answer out --------------------------------------------------------------------

    def retract(self, connection: sqlite3.Connection, review_id: int) -> None:
        """Take one stored answer out, with everything derived from it: the word's history is
        replayed without it and the difference written."""
        review = answer_repo.get_review(connection, review_id)
        if review is None:
            raise NotFoundError.of("review", review_id)
        word_id = review["word_id"]
        before = self._replay_word(connection, word_id)
        answer_repo.delete_review(connection, review_id)
        after = self._replay_word(connection, word_id)
        lost_days = before.day_words - after.day_words
        answer_repo.remove_daily_words(connection, sorted(lost_days))
        before.flush(connection, sign=-1)
        memory = after.memories.get(word_id)
        after.flush(connection)
        if memory is None:
            answer_repo.delete_card(connection, word_id)
        answer_repo.set_last_answer_times(
            connection,
            word_id,
            review["study_session_id"],
            answer_repo.latest_answer_time(connection, word_id=word_id),
            answer_repo.latest_answer_time(connection, session_id=review["study_session_id"]),
        )
        answer_repo.drop_empty_rows(connection)

    def _replay_word(self, connection: sqlite3.Connection, word_id: int) -> Derivation:
        derivation = self.derivation(connection)
        derivation.memories[word_id] = None
        for row in answer_repo.history(connection, word_id):
            self._add_row(derivation, row)
        return derivation

    def clear(self, connection: sqlite3.Connection) -> None:
        """Empty what answers derived (after the history itself was deleted)."""
        answer_repo.reset_derived(connection)

    # -- replays ---------------------------------------------------------------------------------

    def rebuild(
        self, connection: sqlite3.Connection, progress: Callable[[int], None] | None = None
    ) -> int:
        """Recompute every derived table from the stored answers, in time order, with the
        parameters in use.

        For imports, upgrades, refits and repairs only: it reads the whole history. Returns the
        answers replayed; `progress` is told the count after every chunk.
        """
        answer_repo.reset_derived(connection)
        derivation = self.derivation(connection)
        replayed = 0
        for row in answer_repo.history(connection):
            derivation.memories.setdefault(row["word_id"], None)
            self._add_row(derivation, row)
            replayed += 1
            if derivation.answers >= REBUILD_CHUNK:
                derivation.flush(connection)
                derivation.answers = 0
                if progress is not None:
                    progress(replayed)
        derivation.flush(connection)
        return replayed

    def replay_evaluation(self, connection: sqlite3.Connection) -> tuple[Evaluation, int, int]:
        """The whole history through the model in use, in memory: (scores, answers, words)."""
        replay = self.replay_model(connection)
        return replay.derivation.evaluation, replay.replayed, len(replay.derivation.memories)

    def replay_model(
        self,
        connection: sqlite3.Connection,
        model: SrsModel | None = None,
        *,
        held_out_from: str | None = None,
    ) -> ModelReplay:
        """The whole history through a model (the one in use unless given), in memory, in the
        caller's snapshot: every card and the scores of every prediction, and with
        `held_out_from` (a stored time) the scores of the answers from then on apart, each
        predicted from the state all earlier answers left (a time-series split)."""
        derivation = self.derivation(connection, model)
        derivation.held_out_from = held_out_from
        replayed = last_review_id = 0
        last_time = ""
        for row in answer_repo.history(connection):
            derivation.memories.setdefault(row["word_id"], None)
            self._add_row(derivation, row)
            replayed += 1
            last_review_id = max(last_review_id, row["id"])
            last_time = row["created_at"]
            if derivation.answers >= REBUILD_CHUNK:
                derivation.drop_increments()
        derivation.drop_increments()
        return ModelReplay(derivation, replayed, last_review_id, last_time)

    def apply_model(
        self, connection: sqlite3.Connection, replay: ModelReplay, model: SrsModel
    ) -> None:
        """Inside the caller's write transaction, replace every card and the prediction scores
        with those of `model`, from a replay made outside it (a refit: the only derived state
        that depends on the weights).

        Answers stored since the replay are replayed on top of it; if the history it was made
        from changed otherwise (an import, a deletion), everything is rebuilt instead. Either
        way the result is what `rebuild` would leave, and the write lock is held for the newer
        answers only, not for the whole history."""
        if not answer_repo.history_starts_with(
            connection, replay.replayed, replay.last_review_id, replay.last_time
        ):
            self.rebuild(connection)
            return
        derivation = replay.derivation
        derivation.scheduler = model.scheduler
        derivation.slow_correct_ms = model.slow_correct_ms
        for row in answer_repo.history_after(connection, replay.last_review_id):
            derivation.memories.setdefault(row["word_id"], None)
            self._add_row(derivation, row)
        answer_repo.replace_model_state(
            connection,
            (
                memory.row(word)
                for word, memory in sorted(derivation.memories.items())
                if memory is not None
            ),
            [
                (*key, b.n, b.sum_p, b.sum_y, b.sum_log_loss)
                for key, b in derivation.evaluation.bins.items()
            ],
            [(bucket, pos, neg) for bucket, (pos, neg) in derivation.evaluation.histogram.items()],
        )

    @staticmethod
    def _add_row(derivation: Derivation, row: sqlite3.Row) -> None:
        derivation.add(
            word_id=row["word_id"],
            session_id=row["study_session_id"],
            activity_id=row["study_activity_id"],
            correct=bool(row["correct"]),
            duration_ms=row["duration_ms"],
            moment=from_stored(row["created_at"]),
            grade=row["grade"],
        )


def recorded_from_row(row: sqlite3.Row) -> RecordedAnswer:
    return RecordedAnswer(
        review_id=row["id"],
        session_id=row["study_session_id"],
        word_id=row["word_id"],
        correct=bool(row["correct"]),
        duration_ms=row["duration_ms"],
        answered_at=from_stored(row["created_at"]),
        source=row["source"],
        grade=row["grade"],
        response=row["response"],
    )
