"""Response cache with ETags for the read-mostly GETs (the spec's *Caching* section).

What is cached is a route's rendered `data` and `pagination` (JSON bytes), not the whole body:
the `/api/v1` envelope's `meta` (time, request id) is made afresh for every response.

Invalidation is exact, not by time: the cache is a `VersionMemo` (lang_portal.memo), so an
entry is served only while the database's data version is unchanged, and every write, in this
process or another worker, empties the cache in effect. Which routes are cached each route
declares (`RoutePolicy.cached`): only those whose answer depends on the stored data alone.

ETags are weak (`W/"..."`): the body of an `/api/v1` answer differs in `meta` from one response
to the next while its data is the same. A request whose `If-None-Match` matches gets 304.

The key holds the request's negotiated language (lang_portal.i18n): a body in one language is
never served to a request for another, and the ETag of each differs with its bytes. What the
handler said about its language (`Content-Language`, `Vary`) is kept with the body.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from fastapi import Request, Response

from lang_portal.api.rendering import ApiResult
from lang_portal.i18n import headers_language
from lang_portal.memo import VersionMemo
from lang_portal.mounts import Mount, dump_json

# Bounded by size, not count: a list is ~10 kB of JSON, a session ~300 bytes, so 16 MB holds
# every page a learner's frontend asks for many times over, and stays small beside a worker.
MAX_BYTES = 16 * 1024 * 1024

CacheKey = tuple[str, str, str, str]  # mount, path, query string, language
Handler = Callable[[Request], Coroutine[Any, Any, Response]]


@dataclass(frozen=True)
class CachedBody:
    data: bytes
    pagination: bytes | None
    etag: str
    headers: tuple[tuple[str, str], ...] = ()  # the handler's Content-Language and Vary


def _size(key: CacheKey, entry: CachedBody) -> int:
    # the bodies plus a rough allowance for the key, the entry and the dict slot
    return len(entry.data) + len(entry.pagination or b"") + len(key[1]) + len(key[2]) + 300


def response_cache(max_bytes: int = MAX_BYTES) -> VersionMemo[CacheKey, CachedBody]:
    return VersionMemo(max_bytes, _size)


# The handler's headers a cached body keeps: those saying which language it is in.
KEPT_HEADERS = ("content-language", "vary")


def cached_body(
    key: CacheKey,
    data: bytes,
    pagination: bytes | None,
    headers: tuple[tuple[str, str], ...] = (),
) -> CachedBody:
    digest = hashlib.blake2b(key[0].encode(), digest_size=12)
    digest.update(data)
    digest.update(pagination or b"")
    return CachedBody(data, pagination, f'W/"{digest.hexdigest()}"', headers)


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


def _cache_headers(entry: CachedBody) -> dict[str, str]:
    # no-cache: a client may keep the body but must revalidate (cheap: 304) before reusing it,
    # because any write can change it.
    return {"etag": entry.etag, "cache-control": "no-cache", **dict(entry.headers)}


def cached_handler(mount: Mount, handler: Handler) -> Handler:
    """Answer from the app's response cache while the database has not changed."""

    async def answer(request: Request) -> Response:
        state = request.app.state
        cache: VersionMemo[CacheKey, CachedBody] | None = getattr(state, "response_cache", None)
        if cache is None:
            cache = state.response_cache = response_cache()
        # read before the handler's queries: an entry is never older than its version
        version = state.services.context.db.data_version()
        key = (mount.value, request.url.path, request.url.query, headers_language(request.headers))
        entry = cache.get(key, version)
        if entry is None:
            response = await handler(request)
            if not isinstance(response, ApiResult):
                return response
            if response.status_code != 200:
                response.shape(mount)
                return response
            kept = tuple(
                (name, response.headers[name]) for name in KEPT_HEADERS if name in response.headers
            )
            entry = cache.put(
                key,
                version,
                cached_body(key, dump_json(response.data), response.pagination_json(), kept),
            )
        if etag_matches(request.headers.get("if-none-match"), entry.etag):
            return Response(status_code=304, headers=_cache_headers(entry))
        result = ApiResult(None, headers=_cache_headers(entry))
        result.set_body(mount, entry.data, entry.pagination)
        return result

    return answer
