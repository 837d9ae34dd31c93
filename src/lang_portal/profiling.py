"""The opt-in request profiler (spec, "Performance Profiling"), with pyinstrument.

With PROFILING_ENABLED, a request carrying the header PROFILING_HEADER (`X-Profile: 1`) is
profiled: the event loop's part by the middleware (middleware.profiling), and a handler run in
the thread pool by the wrapper `profiled_in_thread` (api.routing puts it round every such
handler; it costs one context variable lookup when nothing is profiled). The two sessions are
combined into one HTML profile in PROFILING_PATH, named in the response's `X-Profile-File`
header; the newest PROFILING_MAX_PROFILES are kept. Off, it costs nothing: the middleware is
not installed and the wrapper finds no profile to add to.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any, TypeVar

from pyinstrument import Profiler
from pyinstrument.session import Session

T = TypeVar("T")

# The sessions of the threads that worked for the request being profiled; None when it is not.
thread_sessions: ContextVar[list[Session] | None] = ContextVar("thread_sessions", default=None)


def profiled_in_thread(endpoint: Callable[..., T]) -> Callable[..., T]:
    """`endpoint`, profiled in its own thread when the request is being profiled."""

    @functools.wraps(endpoint)
    def run(*args: Any, **kwargs: Any) -> T:
        sessions = thread_sessions.get()
        if sessions is None:
            return endpoint(*args, **kwargs)
        profiler = Profiler(async_mode="disabled")
        profiler.start()
        try:
            return endpoint(*args, **kwargs)
        finally:
            sessions.append(profiler.stop())

    return run
