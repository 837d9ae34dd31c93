"""A session's analytics (spec, "Study Session Analytics"): its active time, its words, and
scores of how well it went. Pure: the rows come from the caller (service/srs.py).

The definitions (also in docs/study-apps.md):

* duration: from the session's start to its last answer, less its breaks before that answer
  (pauses, and the idle time before a resume after expiry);
* a word is difficult when it was answered wrong at least once in the session, or more often
  than the session's median number of answers per word;
* accuracy = right answers / answers;
* speed = the learner's usual time per answer (the median of their last `USUAL_PACE_ANSWERS`
  timed answers before the session) / the session's median time per answer, at most 1;
* retention = of the session's words studied before it, the share right at their first answer
  in the session;
* overall = the weighted mean of those there are (accuracy 0.5, retention 0.3, speed 0.2).

A score is null when there is nothing to score it on.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from statistics import median

from lang_portal.clock import from_stored
from lang_portal.models.session_analytics import DifficultWord, LearningEfficiency, WordMetrics

USUAL_PACE_ANSWERS = 500
WEIGHTS = {"accuracy": 0.5, "retention": 0.3, "speed": 0.2}


@dataclass
class _Word:
    word_id: int
    japanese: str
    english: str
    first_correct: bool
    studied_before: bool
    attempts: int = 0
    wrong: int = 0
    last_correct: bool = False
    durations: list[int] = field(default_factory=list)


def active_minutes(
    created_at: str, ended_at: str | None, breaks: Sequence[tuple[str, str]]
) -> float:
    """Minutes from the start to the last answer, less the breaks that ended by then (no answer
    falls inside a break, so a break is wholly before the last answer or wholly after it)."""
    if ended_at is None:
        return 0.0
    end = from_stored(ended_at)
    seconds = (end - from_stored(created_at)).total_seconds()
    for started, ended in breaks:
        if ended <= ended_at:
            seconds -= (from_stored(ended) - from_stored(started)).total_seconds()
    return round(max(0.0, seconds) / 60, 2)


def _words(answers: Sequence[sqlite3.Row]) -> list[_Word]:
    words: dict[int, _Word] = {}
    for row in answers:  # in time order
        correct = bool(row["correct"])
        word = words.get(row["word_id"])
        if word is None:
            first_ever = row["first_review"]
            word = _Word(
                word_id=row["word_id"],
                japanese=row["japanese"],
                english=row["english"],
                first_correct=correct,
                studied_before=first_ever is not None and first_ever < row["created_at"],
            )
            words[row["word_id"]] = word
        word.attempts += 1
        word.wrong += 0 if correct else 1
        word.last_correct = correct
        if row["duration_ms"] is not None:
            word.durations.append(int(row["duration_ms"]))
    return list(words.values())


def word_metrics(answers: Sequence[sqlite3.Row]) -> WordMetrics:
    words = _words(answers)
    timed = [word for word in words if word.durations]
    total_ms = sum(sum(word.durations) for word in timed)
    typical_attempts = median(word.attempts for word in words) if words else 0
    difficult = sorted(
        (word for word in words if word.wrong > 0 or word.attempts > typical_attempts),
        key=lambda word: (-word.wrong, -word.attempts, -sum(word.durations), word.word_id),
    )
    return WordMetrics(
        total_words=len(words),
        completed_words=sum(1 for word in words if word.last_correct),
        correct_words=sum(1 for word in words if word.first_correct),
        avg_time_per_word=round(total_ms / 1000 / len(timed), 3) if timed else None,
        difficult_words=[
            DifficultWord(
                word_id=word.word_id,
                japanese=word.japanese,
                english=word.english,
                attempts=word.attempts,
                wrong_count=word.wrong,
                time_spent=round(sum(word.durations) / 1000, 3) if word.durations else None,
            )
            for word in difficult
        ],
    )


def learning_efficiency(
    answers: Sequence[sqlite3.Row], usual_durations_ms: Sequence[int]
) -> LearningEfficiency:
    words = _words(answers)
    accuracy = sum(1 for row in answers if row["correct"]) / len(answers) if answers else None
    known = [word for word in words if word.studied_before]
    retention = sum(1 for word in known if word.first_correct) / len(known) if known else None
    timed = [int(row["duration_ms"]) for row in answers if row["duration_ms"] is not None]
    speed = None
    if timed and usual_durations_ms:
        pace = median(timed)
        usual = median(usual_durations_ms)
        speed = 1.0 if pace <= 0 else min(1.0, usual / pace)
    scores = {"accuracy": accuracy, "retention": retention, "speed": speed}
    present = {name: value for name, value in scores.items() if value is not None}
    overall = None
    if present:
        weight = sum(WEIGHTS[name] for name in present)
        overall = sum(WEIGHTS[name] * value for name, value in present.items()) / weight
    return LearningEfficiency(
        overall_score=_score(overall),
        speed_score=_score(speed),
        accuracy_score=_score(accuracy),
        retention_score=_score(retention),
    )


def _score(value: float | None) -> float | None:
    return None if value is None else round(value, 4)
