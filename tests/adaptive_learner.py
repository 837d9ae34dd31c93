"""A simulated learner for the dynamic difficulty adjustment (docs/srs.md, "Simulation").

The learner has an ability (0-1, on the scale of the words' difficulty) and answers a word right
with probability 1 / (1 + exp(-SLOPE x (ability - difficulty))), the word's difficulty being its
prior difficulty (service/difficulty.py): a Rasch-like learner who neither learns nor forgets,
so that what moves the success rate is which words the queue brings. Every day at 09:00 it
works through the real review queue of the whole seed vocabulary (`SrsService.review_queue`,
one word at a time, 20 seconds an answer) and answers through the real answer pipeline
(`StudyService.record_reviews`), until the queue is empty or the day's 60 answers are done.
Deterministic for a seed.

Used by tests/integration/test_difficulty_simulation.py and bench/difficulty_simulation.py.
"""

from __future__ import annotations

import math
import random
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from lang_portal.clock import FixedClock
from lang_portal.service.answers import Answer
from lang_portal.service.difficulty import prior_difficulty
from lang_portal.settings import SEEDS_DIR, load_settings
from tests.helpers import migrated_services

SLOPE = 10.0
ANSWER_SECONDS = 20
ANSWERS_PER_DAY = 60
MAX_WORDS_PER_SESSION = 50
BAND = (0.60, 0.85)
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def p_correct(ability: float, difficulty: float) -> float:
    return 1 / (1 + math.exp(-SLOPE * (ability - difficulty)))


@dataclass
class Run:
    """One learner's answers, in order, and the rolling success rate after each."""

    outcomes: list[bool] = field(default_factory=list)
    difficulties: list[float] = field(default_factory=list)

    def rolling(self, window: int) -> list[float | None]:
        """The success rate of the last `window` answers after each answer (None before)."""
        rates: list[float | None] = []
        recent: deque[bool] = deque(maxlen=window)
        for outcome in self.outcomes:
            recent.append(outcome)
            rates.append(sum(recent) / window if len(recent) == window else None)
        return rates

    def answers_until_inside(self, window: int) -> int | None:
        """Answers until the rolling rate is first inside the band (None: never)."""
        for index, rate in enumerate(self.rolling(window)):
            if rate is not None and BAND[0] <= rate <= BAND[1]:
                return index + 1
        return None

    def share_inside(self, window: int, after: int = 0) -> float:
        """The share of answers from `after` on at which the rolling rate is inside the band."""
        rates = [rate for rate in self.rolling(window)[after:] if rate is not None]
        return sum(1 for rate in rates if BAND[0] <= rate <= BAND[1]) / len(rates)

    def success_rate(self, after: int = 0) -> float:
        tail = self.outcomes[after:]
        return sum(tail) / len(tail)


def simulate(
    workdir: Path,
    *,
    ability: float,
    answers: int,
    adjust: bool = True,
    seed: int = 1,
    overrides: dict[str, Any] | None = None,
) -> Run:
    """`answers` answers of a learner of `ability` on the full seed vocabulary, in a fresh
    database under `workdir`. Without `adjust`, new words come in the inventory's order (a
    candidate window of one word: the queue before the adjustment)."""
    values: dict[str, Any] = {
        "database_path": workdir / f"learner-{ability}-{adjust}-{seed}.db",
        "timezone": "UTC",
        "backup_path": workdir / "backups",
        "archive_path": workdir / "archives",
        "rate_limit_enabled": False,
        "maintenance_enabled": False,
        "srs_optimize_every": 0,
    }
    if not adjust:
        values["srs_new_word_window"] = 1
    values.update(overrides or {})
    settings = load_settings(**values)
    clock = FixedClock(START)
    services = migrated_services(settings, clock, SEEDS_DIR)
    rng = random.Random(seed)
    run = Run()
    try:
        day = START
        while len(run.outcomes) < answers:
            for _word_id, correct, difficulty in _day(services, clock, rng, ability, answers):
                run.outcomes.append(correct)
                run.difficulties.append(difficulty)
                if len(run.outcomes) >= answers:
                    break
            day += timedelta(days=1)
            clock.set(day)
    finally:
        services.context.db.close()
    return run


def _day(
    services: Any, clock: FixedClock, rng: random.Random, ability: float, limit: int
) -> Iterator[tuple[int, bool, float]]:
    session_id = services.study.create_session(1, 1).id
    in_session: set[int] = set()
    for _ in range(ANSWERS_PER_DAY):
        queue = services.srs.review_queue(None, 1)
        if not queue.items:
            return
        item = queue.items[0]
        if item.word_id not in in_session and len(in_session) == MAX_WORDS_PER_SESSION:
            # the queue is the whole inventory's; a session holds at most 50 distinct words
            session_id = services.study.create_session(1, 1).id
            in_session.clear()
        in_session.add(item.word_id)
        difficulty = prior_difficulty(item.japanese)
        correct = rng.random() < p_correct(ability, difficulty)
        services.study.record_reviews(
            [Answer(session_id, item.word_id, correct, ANSWER_SECONDS * 1000)]
        )
        yield item.word_id, correct, difficulty
        clock.advance(seconds=ANSWER_SECONDS)
