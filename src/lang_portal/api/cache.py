"""Response cache with ETags for the read-mostly GETs (the spec's *Caching* section).

What is cached is a route's rendered `data` and `pagination` (JSON bytes), not the whole body:
the `/api/v1` envelope's `meta` (time, request id) is made afresh for every response.

Invalidation is exact, not by time: an entry is valid only while SQLite's `PRAGMA data_version`
of the reading connection is unchanged, and that number moves whenever any connection, in this
process or another worker, commits a write. So every write empties the cache in effect, and no
response is ever staler than the database. Only routes whose answer depends on the stored data
alone are cached: anything computed against the clock (due cards, streaks to "today", a word's
recall probability) is left out.

ETags are weak (`W/"..."`): the body of an `/api/v1` answer differs in `meta` from one response
to the next while its data is the same. A request whose `If-None-Match` matches gets 304.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from dataclasses import dataclass

# Route paths (without the mount prefix) answered from the cache.
CACHED_ROUTES = frozenset(
    {
        "/words",
        "/groups",
        "/groups/{group_id}",
        "/groups/{group_id}/words",
        "/groups/{group_id}/study_sessions",
        "/study_sessions",
        "/study_sessions/{session_id}",
        "/study_sessions/{session_id}/words",
        "/study_activities",
        "/study_activities/{activity_id}",
        "/study_activities/{activity_id}/study_sessions",
        "/dashboard/last_study_session",
        "/dashboard/study_progress",
    }
)

# Bounded by size, not count: a list is ~10 kB of JSON, a session ~300 bytes, so 16 MB holds
# every page a learner's frontend asks for many times over, and stays small beside a worker.
MAX_BYTES = 16 * 1024 * 1024

CacheKey = tuple[str, str, str]  # mount, path, query string
Token = tuple[int, int]  # reading connection, its data_version


@dataclass(frozen=True)
class CachedBody:
    token: Token
    data: bytes
    pagination: bytes | None
    etag: str


class ResponseCache:
    """Least recently used entries, each tied to the database version it was read at.

    Used from the event loop's thread only (the GET routes run there), so it needs no lock.
    """

    def __init__(self, max_bytes: int = MAX_BYTES) -> None:
        self.max_bytes = max_bytes
        self.size = 0
        self._entries: OrderedDict[CacheKey, CachedBody] = OrderedDict()

    def get(self, key: CacheKey, token: Token) -> CachedBody | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        if entry.token != token:
            self._drop(key)
            return None
        self._entries.move_to_end(key)
        return entry

    def put(self, key: CacheKey, token: Token, data: bytes, pagination: bytes | None) -> CachedBody:
        digest = hashlib.blake2b(key[0].encode(), digest_size=12)
        digest.update(data)
        digest.update(pagination or b"")
        entry = CachedBody(token, data, pagination, f'W/"{digest.hexdigest()}"')
        if key in self._entries:
            self._drop(key)
        self._entries[key] = entry
        self.size += _size(key, entry)
        while self.size > self.max_bytes and self._entries:
            self._drop(next(iter(self._entries)))
        return entry

    def _drop(self, key: CacheKey) -> None:
        self.size -= _size(key, self._entries.pop(key))

    def __len__(self) -> int:
        return len(self._entries)


def _size(key: CacheKey, entry: CachedBody) -> int:
    # the bodies plus a rough allowance for the key, the entry and the dict slot
    return len(entry.data) + len(entry.pagination or b"") + len(key[1]) + len(key[2]) + 300


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    """Weak comparison, as RFC 9110 asks for If-None-Match."""
    if not if_none_match:
        return False
    wanted = etag.removeprefix("W/")
    for candidate in if_none_match.split(","):
        candidate = candidate.strip()
        if candidate == "*" or candidate.removeprefix("W/") == wanted:
            return True
    return False
