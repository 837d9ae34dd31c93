"""Values that hold until the database changes: the one memo keyed on the data version.

A value is stored with the version it was computed at (`Database.data_version`, which moves on
every commit by any connection, this process's or another worker's) and is served only while
the version is unchanged, so nothing served from a memo is staler than the database. The
version is read before computing: a commit made meanwhile leaves an entry that the next call
finds out of date and recomputes, never a stale answer.

Used for the response cache (api.cache), the history-wide analytics (service.analytics) and
the dashboard's streak (service.dashboard).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from lang_portal.database import DataVersion

Key = TypeVar("Key", bound=Hashable)
Value = TypeVar("Value")


def _one(key: object, value: object) -> int:
    return 1


class VersionMemo(Generic[Key, Value]):
    """Least recently used entries up to `budget`, each tied to the version it was read at.

    `cost` says what an entry takes of the budget (1 by default: the budget is a count).
    """

    def __init__(self, budget: int, cost: Callable[[Key, Value], int] = _one) -> None:
        self.budget = budget
        self.cost = cost
        self.size = 0
        self._entries: OrderedDict[Key, tuple[DataVersion, Value]] = OrderedDict()
        # Most callers run on the event loop's one thread; analytics may run in the pool too.
        self._lock = threading.Lock()

    def get(self, key: Key, version: DataVersion) -> Value | None:
        entry = self._lookup(key, version)
        return None if entry is None else entry[1]

    def _lookup(self, key: Key, version: DataVersion) -> tuple[DataVersion, Value] | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if entry[0] != version:
                self._drop(key)
                return None
            self._entries.move_to_end(key)
            return entry

    def put(self, key: Key, version: DataVersion, value: Value) -> Value:
        with self._lock:
            if key in self._entries:
                self._drop(key)
            self._entries[key] = (version, value)
            self.size += self.cost(key, value)
            while self.size > self.budget and self._entries:
                self._drop(next(iter(self._entries)))
        return value

    def get_or_compute(self, key: Key, version: DataVersion, compute: Callable[[], Value]) -> Value:
        entry = self._lookup(key, version)
        if entry is not None:
            return entry[1]
        return self.put(key, version, compute())

    def _drop(self, key: Key) -> None:
        _, value = self._entries.pop(key)
        self.size -= self.cost(key, value)

    def __len__(self) -> int:
        return len(self._entries)
