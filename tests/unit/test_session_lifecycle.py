"""The session state machine and the session analytics, as pure functions."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from lang_portal.clock import to_stored
from lang_portal.errors import BusinessRuleError, SessionExpiredError
from lang_portal.service.lifecycle import (
    Action,
    SessionState,
    SessionStatus,
    Timeouts,
    check_transition,
    require_answerable,
    session_status,
)
from lang_portal.service.session_analytics import active_minutes, word_metrics
from lang_portal.settings import SettingsError, load_settings

START = datetime(2026, 1, 15, 9, 0, tzinfo=UTC)
TIMEOUTS = Timeouts(timedelta(minutes=30), timedelta(minutes=25), timedelta(minutes=5))


def row(**values: Any) -> sqlite3.Row:
    connection = sqlite3.connect(":memory:")
    connection.row_factory = sqlite3.Row
    columns = ", ".join(f"? AS {name}" for name in values)
    found: sqlite3.Row = connection.execute(f"SELECT {columns}", tuple(values.values())).fetchone()
    return found


def session(
    lifecycle: str = "open",
    answers: int = 0,
    last_answer: datetime | None = None,
    resumed: datetime | None = None,
) -> sqlite3.Row:
    return row(
        id=7,
        lifecycle=lifecycle,
        created_at=to_stored(START),
        ended_at=None if last_answer is None else to_stored(last_answer),
        resumed_at=None if resumed is None else to_stored(resumed),
        review_items_count=answers,
    )


def at(minutes: float) -> datetime:
    return START + timedelta(minutes=minutes)


def status_of(state: str) -> SessionStatus:
    rows = {
        "created": (session(), at(1)),
        "active": (session(answers=1, last_answer=at(1)), at(2)),
        "paused": (session("paused"), at(90)),
        "completed": (session("completed", answers=1, last_answer=at(1)), at(90)),
        "expired in grace": (session(), at(32)),
        "expired for good": (session(), at(36)),
    }
    found, now = rows[state]
    return session_status(found, now, TIMEOUTS)


# (state, action) -> True: it changes the session; False: already there; None: refused
TABLE: dict[tuple[str, Action], bool | None] = {
    ("created", Action.PAUSE): True,
    ("created", Action.RESUME): False,
    ("created", Action.COMPLETE): True,
    ("active", Action.PAUSE): True,
    ("active", Action.RESUME): False,
    ("active", Action.COMPLETE): True,
    ("paused", Action.PAUSE): False,
    ("paused", Action.RESUME): True,
    ("paused", Action.COMPLETE): True,
    ("completed", Action.PAUSE): None,
    ("completed", Action.RESUME): None,
    ("completed", Action.COMPLETE): False,
    ("expired in grace", Action.PAUSE): None,
    ("expired in grace", Action.RESUME): True,
    ("expired in grace", Action.COMPLETE): True,
    ("expired for good", Action.PAUSE): None,
    ("expired for good", Action.RESUME): None,
    ("expired for good", Action.COMPLETE): None,
}


@pytest.mark.parametrize(("state", "action"), list(TABLE))
def test_every_transition(state: str, action: Action) -> None:
    status = status_of(state)
    expected = TABLE[(state, action)]
    if expected is None:
        with pytest.raises(BusinessRuleError) as refused:
            check_transition(status, action)
        assert refused.value.details["state"] == status.state.value
        assert refused.value.details["allowed_transitions"] == [a.value for a in status.allowed()]
    else:
        assert check_transition(status, action) is expected


def test_the_states_read_from_the_times() -> None:
    assert status_of("created").state is SessionState.CREATED
    assert status_of("active").state is SessionState.ACTIVE
    assert status_of("paused").state is SessionState.PAUSED
    assert status_of("completed").state is SessionState.COMPLETED
    assert status_of("expired in grace").resumable_until == at(35)
    assert status_of("expired for good").resumable_until is None


def test_the_boundaries_of_expiry_and_grace() -> None:
    fresh = session(answers=1, last_answer=at(10))
    assert session_status(fresh, at(40), TIMEOUTS).state is SessionState.ACTIVE
    just_expired = session_status(fresh, at(40) + timedelta(microseconds=1), TIMEOUTS)
    assert just_expired.state is SessionState.EXPIRED
    assert session_status(fresh, at(45), TIMEOUTS).resumable_until == at(45)
    late = session_status(fresh, at(45) + timedelta(microseconds=1), TIMEOUTS)
    assert late.resumable_until is None
    assert (late.warn_at, late.expires_at) == (at(35), at(40))


def test_the_idle_clock_runs_from_the_latest_activity() -> None:
    resumed_later = session(answers=1, last_answer=at(10), resumed=at(50))
    status = session_status(resumed_later, at(60), TIMEOUTS)
    assert (status.state, status.last_activity, status.expires_at) == (
        SessionState.ACTIVE,
        at(50),
        at(80),
    )
    answered_later = session(answers=1, last_answer=at(70), resumed=at(50))
    assert session_status(answered_later, at(75), TIMEOUTS).last_activity == at(70)


def test_paused_and_completed_sessions_never_expire() -> None:
    for lifecycle in ("paused", "completed"):
        status = session_status(session(lifecycle), at(10_000), TIMEOUTS)
        assert (status.warn_at, status.expires_at, status.resumable_until) == (None, None, None)


def test_answers_are_refused_by_state() -> None:
    def render(moment: datetime | None) -> str | None:
        return None if moment is None else moment.isoformat()

    require_answerable(status_of("created"), render)
    require_answerable(status_of("active"), render)
    with pytest.raises(SessionExpiredError) as expired:
        require_answerable(status_of("expired in grace"), render)
    assert expired.value.details["resumable_until"] == at(35).isoformat()
    for state in ("paused", "completed"):
        with pytest.raises(BusinessRuleError) as refused:
            require_answerable(status_of(state), render)
        assert refused.value.details["state"] == state


def test_the_warning_must_come_before_the_timeout() -> None:
    with pytest.raises(SettingsError, match="SESSION_WARNING_MINUTES"):
        load_settings(session_timeout_minutes=20, session_warning_minutes=20)
    settings = load_settings(session_timeout_minutes=20, session_warning_minutes=15)
    assert Timeouts.of(settings).warning == timedelta(minutes=15)


def test_breaks_after_the_last_answer_are_not_subtracted() -> None:
    breaks = [(to_stored(at(2)), to_stored(at(5))), (to_stored(at(12)), to_stored(at(40)))]
    assert active_minutes(to_stored(START), to_stored(at(10)), breaks) == 7.0
    assert active_minutes(to_stored(START), None, breaks) == 0.0


def answer(word_id: int, correct: bool, minute: float, duration_ms: int | None) -> sqlite3.Row:
    return row(
        word_id=word_id,
        correct=int(correct),
        duration_ms=duration_ms,
        created_at=to_stored(at(minute)),
        japanese="ことば",
        english="word",
        first_review=None,
    )


def test_a_word_answered_more_often_than_the_median_is_difficult() -> None:
    answers = [
        answer(1, True, 1, 1000),
        answer(2, True, 2, None),
        answer(3, True, 3, 500),
        answer(3, True, 4, 500),
        answer(3, True, 5, 500),
    ]
    metrics = word_metrics(answers)
    assert [(w.word_id, w.attempts, w.time_spent) for w in metrics.difficult_words] == [(3, 3, 1.5)]
    assert metrics.avg_time_per_word == 1.25  # (1 + 1.5) s over the two words timed
