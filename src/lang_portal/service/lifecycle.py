"""The study session lifecycle (spec, "Study Session Management", "Study Session Timeout
Management"): a session's state, its timeouts, and the transitions allowed between states.

    created --first answer--> active
    created | active --pause--> paused --resume--> active (it has answers) or created
    created | active | paused --complete--> completed
    created | active --idle past the timeout--> expired

What is stored is what the learner did (`lifecycle`: open, paused or completed, with times);
created, active and expired are read from an open session's answers and times, so a session
expires without any writer having to run. The idle clock runs from the last activity: the last
answer, the last resume, or the creation. For `SESSION_GRACE_PERIOD_MINUTES` after it expired
a session can still be resumed (a fresh idle clock) or completed; after that it is final.

This module is pure: the rows come from the caller, the time and settings too.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from lang_portal.clock import from_stored
from lang_portal.errors import BusinessRuleError, SessionExpiredError
from lang_portal.settings import Settings


class SessionState(StrEnum):
    CREATED = "created"
    ACTIVE = "active"
    PAUSED = "paused"
    COMPLETED = "completed"
    EXPIRED = "expired"


class Action(StrEnum):
    PAUSE = "pause"
    RESUME = "resume"
    COMPLETE = "complete"


# The states an action leads to; asking for one a session is already in changes nothing.
TARGETS: dict[Action, frozenset[SessionState]] = {
    Action.PAUSE: frozenset({SessionState.PAUSED}),
    Action.RESUME: frozenset({SessionState.CREATED, SessionState.ACTIVE}),
    Action.COMPLETE: frozenset({SessionState.COMPLETED}),
}

# What may be done from each state (an expired one only within its grace period).
ALLOWED: dict[SessionState, tuple[Action, ...]] = {
    SessionState.CREATED: (Action.PAUSE, Action.COMPLETE),
    SessionState.ACTIVE: (Action.PAUSE, Action.COMPLETE),
    SessionState.PAUSED: (Action.RESUME, Action.COMPLETE),
    SessionState.COMPLETED: (),
    SessionState.EXPIRED: (Action.RESUME, Action.COMPLETE),
}


@dataclass(frozen=True)
class Timeouts:
    timeout: timedelta
    warning: timedelta
    grace: timedelta

    @classmethod
    def of(cls, settings: Settings) -> Timeouts:
        return cls(
            timeout=timedelta(minutes=settings.session_timeout_minutes),
            warning=timedelta(minutes=settings.session_warning_minutes),
            grace=timedelta(minutes=settings.session_grace_period_minutes),
        )


@dataclass(frozen=True)
class SessionStatus:
    """A session's state at one moment, and the times an app needs to warn the learner."""

    session_id: int
    state: SessionState
    last_activity: datetime
    # None while the session cannot expire (paused, completed)
    warn_at: datetime | None
    expires_at: datetime | None
    # an expired session within its grace period: until when it can be resumed or completed
    resumable_until: datetime | None

    def allowed(self) -> list[Action]:
        if self.state is SessionState.EXPIRED and self.resumable_until is None:
            return []
        return list(ALLOWED[self.state])

    def transition_details(self) -> dict[str, Any]:
        return {
            "study_session_id": self.session_id,
            "state": self.state.value,
            "allowed_transitions": [action.value for action in self.allowed()],
        }


def last_activity(row: sqlite3.Row) -> datetime:
    """The last answer, the last resume or the creation, whichever is latest."""
    times = [row["ended_at"] or row["created_at"]]
    if row["resumed_at"] is not None:
        times.append(row["resumed_at"])
    return from_stored(max(times))  # stored times are fixed width: text order is time order


def session_status(row: sqlite3.Row, now: datetime, timeouts: Timeouts) -> SessionStatus:
    """The state of a session row (with lifecycle, created_at, ended_at, resumed_at and
    review_items_count) at `now`."""
    last = last_activity(row)
    if row["lifecycle"] == "completed":
        return SessionStatus(row["id"], SessionState.COMPLETED, last, None, None, None)
    if row["lifecycle"] == "paused":
        return SessionStatus(row["id"], SessionState.PAUSED, last, None, None, None)
    expires_at = last + timeouts.timeout
    warn_at = last + timeouts.warning
    if now > expires_at:
        grace_end = expires_at + timeouts.grace
        resumable = grace_end if now <= grace_end else None
        return SessionStatus(row["id"], SessionState.EXPIRED, last, warn_at, expires_at, resumable)
    state = SessionState.ACTIVE if row["review_items_count"] > 0 else SessionState.CREATED
    return SessionStatus(row["id"], state, last, warn_at, expires_at, None)


TimeRenderer = Callable[[datetime | None], str | None]


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def check_transition(status: SessionStatus, action: Action, api_time: TimeRenderer = _iso) -> bool:
    """True when the action changes the session; False when it is already where the action
    leads (nothing to do). Raises BUSINESS_RULE_VIOLATION for a transition the lifecycle
    does not have. `api_time` renders a datetime as the API serves times."""
    if status.state in TARGETS[action]:
        return False
    if action in status.allowed():
        return True
    details = {**status.transition_details(), "requested": action.value}
    if status.state is SessionState.COMPLETED:
        raise BusinessRuleError("errors.session.final_completed", details, id=status.session_id)
    if status.resumable_until is None:
        raise BusinessRuleError("errors.session.final_expired", details, id=status.session_id)
    # the one refusal left: pausing an expired session within its grace period
    raise BusinessRuleError(
        "errors.session.pause_expired",
        details,
        id=status.session_id,
        until=api_time(status.resumable_until),
    )


def require_answerable(status: SessionStatus, api_time: TimeRenderer) -> None:
    """Refuse an answer (or the next words) for a session that cannot take one: expired ->
    SESSION_EXPIRED, completed or paused -> BUSINESS_RULE_VIOLATION. `api_time` renders a
    datetime as the API serves times."""
    if status.state is SessionState.EXPIRED:
        assert status.expires_at is not None
        minutes = int((status.expires_at - status.last_activity).total_seconds() // 60)
        details: dict[str, Any] = {
            "study_session_id": status.session_id,
            "state": status.state.value,
            "last_activity": api_time(status.last_activity),
            "expired_at": api_time(status.expires_at),
            "resumable_until": api_time(status.resumable_until),
        }
        if status.resumable_until is not None:
            raise SessionExpiredError(
                "errors.session.expired_resumable",
                details,
                id=status.session_id,
                minutes=minutes,
                until=details["resumable_until"],
            )
        raise SessionExpiredError(
            "errors.session.expired", details, id=status.session_id, minutes=minutes
        )
    if status.state is SessionState.COMPLETED:
        raise BusinessRuleError(
            "errors.session.completed", status.transition_details(), id=status.session_id
        )
    if status.state is SessionState.PAUSED:
        raise BusinessRuleError(
            "errors.session.paused", status.transition_details(), id=status.session_id
        )
