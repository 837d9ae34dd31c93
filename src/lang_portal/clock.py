"""Time in one place: an injectable clock, and the stored and served forms of a moment."""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from typing import Protocol

_STORED_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"
_UTC_KEYS = frozenset({"UTC", "Etc/UTC", "Etc/Universal", "Universal", "Zulu", "Etc/Zulu"})


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
    # fromisoformat reads the stored form (with its "Z") about 40 times faster than strptime,
    # which was most of the cost of a list of sessions (two times per item).
    return datetime.fromisoformat(text).astimezone(UTC)


def to_api(text: str | None, zone: tzinfo) -> str | None:
    """RFC 3339 with the offset of the configured zone, to the second."""
    if text is None:
        return None
    if zone is UTC or getattr(zone, "key", None) in _UTC_KEYS:
        # The stored form already is UTC: cut it to the second (as isoformat does) and give the
        # offset; a third of the cost of a session item otherwise.
        return text[:19] + "+00:00"
    return from_stored(text).astimezone(zone).isoformat(timespec="seconds")
