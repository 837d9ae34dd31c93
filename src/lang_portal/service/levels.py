"""Where the learner stands on the learning path: each level's figures, status and the rules.

A word is *learned* once its FSRS card has left the learning steps (state review, or
relearning after a lapse): with the default steps, two right answers in a row or one "easy".
A level's words are the words of its groups not already on an earlier level; its success rate
is the share of right answers to them (the per-word counters, since the last history reset).
A level is *completed* when its prerequisites are completed, at least `min_word_count` of its
words are learned, its success rate is at least `min_success_rate` and it has been under review
for at least its `review_interval` (whole days since its first answer; 0: no wait); the
*current* level is
the first level in path order not completed whose prerequisites are all completed; the others
are *locked*. docs/learning-path.md says the same for the school.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import datetime

from lang_portal.clock import from_stored
from lang_portal.repository import levels as level_repo

COMPLETED, CURRENT, LOCKED = "completed", "current", "locked"


@dataclass
class LevelState:
    id: int
    name: str
    title: str
    position: int
    min_success_rate: float
    min_word_count: int
    word_count: int
    words_learned: int
    correct: int
    wrong: int
    started_at: str | None
    difficulty: float | None = None
    review_interval_days: int = 0
    # days since the level's first answer, at the moment the path was read (0 before it)
    days_under_review: float = 0.0
    prerequisites: list[str] = field(default_factory=list)
    groups: list[tuple[int, str]] = field(default_factory=list)
    status: str = LOCKED

    @property
    def answers(self) -> int:
        return self.correct + self.wrong

    @property
    def success_rate(self) -> float | None:
        return self.correct / self.answers if self.answers else None

    @property
    def words_part(self) -> float:
        """Progress to the word count, 0-1 (a rule of no words is met from the start)."""
        if self.min_word_count == 0:
            return 1.0
        return min(1.0, self.words_learned / self.min_word_count)

    @property
    def success_part(self) -> float:
        """Progress to the success rate, 0-1; no answers yet is no progress."""
        if self.min_success_rate == 0:
            return 1.0
        return min(1.0, (self.success_rate or 0.0) / self.min_success_rate)

    @property
    def interval_part(self) -> float:
        """Progress to the review interval, 0-1 (no interval is met from the start)."""
        if self.review_interval_days == 0:
            return 1.0
        return min(1.0, self.days_under_review / self.review_interval_days)

    @property
    def rule_met(self) -> bool:
        return self.words_part >= 1.0 and self.success_part >= 1.0 and self.interval_part >= 1.0

    @property
    def progress(self) -> float:
        """Progress to completing the level, 0-1: the part of its rule furthest behind."""
        return min(self.words_part, self.success_part, self.interval_part)


@dataclass
class PathState:
    levels: list[LevelState]

    @property
    def current(self) -> LevelState | None:
        return next((level for level in self.levels if level.status == CURRENT), None)

    @property
    def word_count(self) -> int:
        return sum(level.word_count for level in self.levels)

    @property
    def words_learned(self) -> int:
        return sum(level.words_learned for level in self.levels)


def _days_since(started_at: str | None, now: datetime) -> float:
    if started_at is None:
        return 0.0
    return max(0.0, (now - from_stored(started_at)).total_seconds() / 86_400)


def read_path(connection: sqlite3.Connection, now: datetime) -> PathState:
    """The levels with their figures and statuses at `now` (the review interval counts time),
    in path order."""
    levels = [
        LevelState(
            id=row["id"],
            name=row["name"],
            title=row["title"],
            position=row["position"],
            min_success_rate=row["min_success_rate"],
            min_word_count=row["min_word_count"],
            word_count=row["words"],
            words_learned=row["learned"],
            correct=row["correct"],
            wrong=row["wrong"],
            started_at=row["started_at"],
            difficulty=row["difficulty"],
            review_interval_days=row["review_interval_days"],
            days_under_review=_days_since(row["started_at"], now),
        )
        for row in level_repo.list_levels(connection)
    ]
    by_id = {level.id: level for level in levels}
    required: dict[int, list[int]] = {}
    for row in level_repo.prerequisites(connection):
        by_id[row["level_id"]].prerequisites.append(row["name"])
        required.setdefault(row["level_id"], []).append(row["prerequisite_id"])
    for row in level_repo.level_groups(connection):
        by_id[row["level_id"]].groups.append((row["id"], row["name"]))
    settle_statuses(levels, required)
    return PathState(levels)


def settle_statuses(levels: list[LevelState], required: dict[int, list[int]]) -> None:
    """Completed levels first (a prerequisite may come later in path order), then the current."""
    completed: set[int] = set()
    changed = True
    while changed:
        changed = False
        for level in levels:
            if level.id in completed or not level.rule_met:
                continue
            if all(prerequisite in completed for prerequisite in required.get(level.id, [])):
                completed.add(level.id)
                changed = True
    current_found = False
    for level in levels:
        if level.id in completed:
            level.status = COMPLETED
        elif not current_found and all(p in completed for p in required.get(level.id, [])):
            level.status = CURRENT
            current_found = True
        else:
            level.status = LOCKED


def current_level_position(connection: sqlite3.Connection, now: datetime) -> int | None:
    """The current level's position (the review queue takes its new words from it first)."""
    if level_repo.count_levels(connection) == 0:
        return None
    current = read_path(connection, now).current
    return None if current is None else current.position
