"""CORS whose allowed origins are the configured ones plus those of the launchpad's apps.

A study activity launched from the portal runs on its own origin (the school's typing app on
`http://localhost:8081`, say) and calls this API from there: as the school's earlier backend
did, the origin of every registered activity's absolute launch URL is allowed, from the moment
the activity exists. The lookup is memoised until the database changes, so a request from an
allowed origin costs one `PRAGMA data_version`.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Collection

from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp

from lang_portal.database import DatabaseUnavailableError

logger = logging.getLogger("lang_portal.cors")


class ActivityOriginsCORSMiddleware(CORSMiddleware):
    def __init__(
        self,
        app: ASGIApp,
        /,
        *,
        activity_origins: Callable[[], Collection[str]],
        allow_origins: Collection[str],
        allow_methods: Collection[str],
        allow_headers: Collection[str],
        expose_headers: Collection[str],
        max_age: int,
    ) -> None:
        super().__init__(
            app,
            allow_origins=allow_origins,
            allow_methods=allow_methods,
            allow_headers=allow_headers,
            expose_headers=expose_headers,
            max_age=max_age,
        )
        self.activity_origins = activity_origins

    def is_allowed_origin(self, origin: str) -> bool:
        if super().is_allowed_origin(origin):
            return True
        try:
            return origin in self.activity_origins()
        except (sqlite3.Error, DatabaseUnavailableError) as exc:
            # The request itself then meets the same fault and answers DATABASE_ERROR; only the
            # configured origins can be told that answer.
            logger.warning("activity origins unreadable: %s", exc)
            return False
