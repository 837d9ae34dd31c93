"""Profiles the requests that ask for it (see lang_portal.profiling)."""

from __future__ import annotations

import logging
import re
import time
from datetime import UTC, datetime
from pathlib import Path

from pyinstrument import Profiler
from pyinstrument.renderers import HTMLRenderer
from pyinstrument.session import Session
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from lang_portal.mounts import current_request_id
from lang_portal.profiling import thread_sessions

logger = logging.getLogger("lang_portal.profiling")

PROFILE_GLOB = "profile-*.html"
_UNSAFE = re.compile(r"[^A-Za-z0-9]+")


class ProfilerMiddleware:
    """Inside the request id (the file is named after it), outside everything else."""

    def __init__(self, app: ASGIApp, header: str, directory: Path, max_profiles: int) -> None:
        self.app = app
        self.header = header.lower().encode("latin-1")
        self.directory = directory
        self.max_profiles = max_profiles

    def _asked(self, scope: Scope) -> bool:
        for name, value in scope["headers"]:
            if name == self.header:
                return value.strip().lower() not in (b"", b"0", b"false", b"no")
        return False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self._asked(scope):
            await self.app(scope, receive, send)
            return
        moment = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        slug = _UNSAFE.sub("-", f"{scope['method']}{scope['path']}").strip("-")[:80]
        name = f"profile-{moment}-{slug}-{current_request_id() or 'request'}.html"

        async def send_named(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [
                    *message.get("headers", []),
                    (b"x-profile-file", name.encode("latin-1")),
                ]
            await send(message)

        sessions: list[Session] = []
        token = thread_sessions.set(sessions)
        profiler = Profiler(async_mode="enabled")
        started = time.perf_counter()
        profiler.start()
        try:
            await self.app(scope, receive, send_named)
        finally:
            session = profiler.stop()
            thread_sessions.reset(token)
            for thread_session in sessions:
                session = Session.combine(session, thread_session)
            self._write(name, session, time.perf_counter() - started)

    def _write(self, name: str, session: Session, seconds: float) -> None:
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            (self.directory / name).write_text(HTMLRenderer().render(session), encoding="utf-8")
            kept = sorted(self.directory.glob(PROFILE_GLOB))
            for old in kept[: max(0, len(kept) - self.max_profiles)]:
                old.unlink(missing_ok=True)
        except OSError as exc:
            logger.warning("cannot write the profile %s: %s", name, exc)
            return
        logger.info(
            "request profiled",
            extra={"details": {"file": name, "duration_ms": round(seconds * 1000, 3)}},
        )
