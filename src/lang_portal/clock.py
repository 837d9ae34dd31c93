"""Time in one place: an injectable clock, and the stored and served forms of a moment."""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from typing import Protocol

_STORED_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


class Clock(Protocol):
    def now(self) -> datetime:
        """The current moment, timezone-aware, in UTC."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """A clock that moves only when told to; tests use it instead of sleeping."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("FixedClock needs an aware datetime")
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        return self._now

    def set(self, moment: datetime) -> None:
        self._now = moment.astimezone(UTC)

    def advance(self, **delta: float) -> datetime:
        from datetime import timedelta

        self._now += timedelta(**delta)
        return self._now


def to_stored(moment: datetime) -> str:
    """UTC, fixed width, so that text order in the database is time order."""
    return moment.astimezone(UTC).strftime(_STORED_FORMAT)


def from_stored(text: str) -> datetime:
    return datetime.strptime(text, _STORED_FORMAT).replace(tzinfo=UTC)


def to_api(text: str | None, zone: tzinfo) -> str | None:
    """RFC 3339 with the offset of the configured zone, to the second."""
    if text is None:
        return None
    return from_stored(text).astimezone(zone).isoformat(timespec="seconds")
