"""A synthetic learner who forgets by a curve that is not FSRS's, for the fitting figures.

Memory follows half-life regression (Settles and Meeder, 2016), not FSRS's power curve: the
probability of recall after `t` days is 2^(-t / h). Each word has its own ease; a right answer
multiplies the half-life by a gain that shrinks as the word gets easier to hold, a wrong one
cuts it to a third. The learner studies on four days in five, one or two sessions a day, each
covering the words their own (not FSRS's) schedule says are due plus a few new ones, and a
missed word is asked again at the end of its session. Answer times grow as the memory weakens,
so a slow right answer does carry a signal (what `srs optimize`'s `hard` experiment tests).

Every session obeys the live API's rules (at most 50 distinct words, answers seconds apart,
in time order), so an export of the result imports back.
"""

from __future__ import annotations

import math
import random
import sqlite3
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from lang_portal.clock import to_stored

KANA = "あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめもやゆよらりるれろわ"
ROMAJI = [
    "a", "i", "u", "e", "o", "ka", "ki", "ku", "ke", "ko", "sa", "shi", "su", "se", "so",
    "ta", "chi", "tsu", "te", "to", "na", "ni", "nu", "ne", "no", "ha", "hi", "fu", "he", "ho",
    "ma", "mi", "mu", "me", "mo", "ya", "yu", "yo", "ra", "ri", "ru", "re", "ro", "wa",
]  # fmt: skip


def word_text(index: int) -> tuple[str, str, str]:
    """A distinct, valid (japanese, romaji, english) for each index."""
    digits = []
    value = index
    for _ in range(4):
        digits.append(value % len(KANA))
        value //= len(KANA)
    return (
        "".join(KANA[d] for d in digits),
        "".join(ROMAJI[d] for d in digits),
        f"synthetic word {index}",
    )


@dataclass(frozen=True)
class SyntheticAnswer:
    word: int
    correct: bool
    moment: datetime
    duration_ms: int


@dataclass(frozen=True)
class SyntheticSession:
    start: datetime
    answers: list[SyntheticAnswer]


@dataclass
class _Word:
    ease: float
    half_life: float
    last: datetime | None = None
    due: datetime | None = None


def sessions(
    words: int,
    days: int,
    start: datetime,
    seed: int = 7,
    new_per_day: int = 12,
    time_signal: float = 3.0,
) -> Iterator[SyntheticSession]:
    """The learner's sessions in time order. `time_signal`: how much slower an answer gets as
    the recall probability falls (0: answer times are noise only)."""
    rng = random.Random(seed)
    state = [
        _Word(ease=rng.betavariate(2, 2), half_life=0.0) for _ in range(words)
    ]  # ease in (0, 1): 1 holds best
    introduced = 0
    for day in range(days):
        if rng.random() < 0.2:
            continue
        for part in range(1 if rng.random() < 0.6 else 2):
            moment = start + timedelta(days=day, hours=8 + 9 * part + rng.random() * 3)
            session_start = moment
            due = [
                i for i in range(introduced) if state[i].due is not None and state[i].due <= moment
            ]
            rng.shuffle(due)
            fresh = min(new_per_day // (part + 1), words - introduced)
            picked = due[: 50 - fresh]  # a session covers at most 50 distinct words
            picked += list(range(introduced, introduced + fresh))
            introduced += fresh
            answers: list[SyntheticAnswer] = []
            again: list[int] = []
            for index in [*picked, -1]:
                batch = again if index == -1 else [index]
                for word_index in batch:
                    word = state[word_index]
                    moment += timedelta(seconds=8 + rng.random() * 30)
                    if word.last is None:
                        p = 0.35 + 0.4 * word.ease  # a new word: a guess, helped by ease
                        word.half_life = 0.3 + 1.2 * word.ease
                    else:
                        elapsed = (moment - word.last).total_seconds() / 86_400
                        p = 2 ** (-elapsed / word.half_life)
                    correct = rng.random() < p
                    # slower as recall gets harder; noisy
                    duration = 2_000 * (1 + time_signal * (1 - p)) * math.exp(rng.gauss(0, 0.35))
                    answers.append(SyntheticAnswer(word_index, correct, moment, int(duration)))
                    if correct:
                        word.half_life *= 1.4 + 2.6 * word.ease * (0.9 ** min(word.half_life, 30))
                        word.half_life = min(word.half_life, 3650)
                    else:
                        word.half_life = max(0.1, word.half_life / 3)
                        if index != -1:
                            again.append(word_index)
                    word.last = moment
                    # the learner's own habit: back when about 80 % remembered, give or take
                    interval = word.half_life * 0.32 * math.exp(rng.gauss(0, 0.4))
                    word.due = moment + timedelta(days=max(interval, 0.5))
                if index == -1:
                    break
            if answers:
                yield SyntheticSession(session_start, answers)


def write_history(
    connection: sqlite3.Connection,
    group_id: int,
    activity_id: int,
    history: Iterator[SyntheticSession],
    words: int,
) -> int:
    """Insert the words (into the group) and the sessions' answers; returns answers written.

    The derived tables are left to the caller's rebuild (the answer pipeline's)."""
    ids: list[int] = []
    for index in range(words):
        japanese, romaji, english = word_text(index)
        cursor = connection.execute(
            "INSERT INTO words (japanese, romaji, english, created_at, updated_at) "
            "VALUES (?, ?, ?, '2025-01-01T00:00:00.000000Z', '2025-01-01T00:00:00.000000Z')",
            (japanese, romaji, english),
        )
        ids.append(int(cursor.lastrowid or 0))
    written = 0
    for session in history:
        cursor = connection.execute(
            "INSERT INTO study_sessions (group_id, study_activity_id, created_at, ended_at, "
            "registration) VALUES (?, ?, ?, ?, ?)",
            (
                group_id,
                activity_id,
                to_stored(session.start),
                to_stored(session.answers[-1].moment),
                str(uuid.UUID(int=random.getrandbits(128), version=4)),
            ),
        )
        session_id = int(cursor.lastrowid or 0)
        connection.executemany(
            "INSERT INTO word_review_items (word_id, study_session_id, correct, duration_ms, "
            "created_at, source) VALUES (?, ?, ?, ?, ?, 'import')",
            [
                (ids[a.word], session_id, int(a.correct), a.duration_ms, to_stored(a.moment))
                for a in session.answers
            ],
        )
        written += len(session.answers)
    return written
