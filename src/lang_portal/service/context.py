"""What every service needs: the database, the settings and the clock."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from lang_portal.clock import Clock, to_api, to_stored
from lang_portal.database import Database
from lang_portal.models.common import PageRequest, Pagination
from lang_portal.settings import Settings

T = TypeVar("T")


@dataclass
class ServiceContext:
    db: Database
    settings: Settings
    clock: Clock

    def now(self) -> datetime:
        return self.clock.now()

    def now_stored(self) -> str:
        return to_stored(self.clock.now())

    def api_time(self, stored: str | None) -> str | None:
        return to_api(stored, self.settings.zone)

    def local_day(self, moment: datetime) -> str:
        return moment.astimezone(self.settings.zone).date().isoformat()


class VersionMemo:
    """Results that hold until the database changes: any commit, by any process, clears them.

    For reads whose cost grows with the data (analytics over the whole history), so that a
    dashboard viewed again and again between answers is computed once. The version is read
    before computing: a commit made meanwhile leaves a stale-looking entry that the next call
    recomputes, never a stale answer.
    """

    MAX_ENTRIES = 64  # keys may carry client parameters: keep the memo bounded

    def __init__(self, db: Database) -> None:
        self.db = db
        self._entries: dict[Hashable, tuple[tuple[int, int], Any]] = {}

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        version = self.db.data_version()
        entry = self._entries.get(key)
        if entry is not None and entry[0] == version:
            value: T = entry[1]
            return value
        value = compute()
        if len(self._entries) >= self.MAX_ENTRIES:
            self._entries.clear()
        self._entries[key] = (version, value)
        return value


def pagination_for(page: PageRequest, total: int) -> Pagination:
    return Pagination(current_page=page.page, total_items=total, items_per_page=page.per_page)
