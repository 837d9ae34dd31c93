"""Every route's declared policy, pinned in one table: a route missing here fails the test.

Columns: the rate-limit class, where the handler runs, whether the answer is cached. The spec's
routes are listed once and checked on both of their mounts (`/api/v1`, `/api`).
"""

from __future__ import annotations

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from lang_portal.api.route_table import flatten
from lang_portal.route_policy import PolicyRouter, RateClass, RoutePolicy, Runs

R, W, SR, SW, X = (
    RateClass.READ,
    RateClass.WRITE,
    RateClass.SESSION_READ,
    RateClass.SESSION_WRITE,
    RateClass.EXEMPT,
)
LOOP, POOL = Runs.EVENT_LOOP, Runs.THREAD_POOL
CACHED = True

SPEC: dict[tuple[str, str], tuple[RateClass, Runs, bool]] = {
    ("GET", "/dashboard/last_study_session"): (R, LOOP, CACHED),
    ("GET", "/dashboard/study_progress"): (R, LOOP, CACHED),
    ("GET", "/dashboard/quick-stats"): (R, LOOP, False),
    ("GET", "/dashboard/quick_stats"): (R, LOOP, False),
    ("GET", "/study_activities"): (R, LOOP, CACHED),
    ("GET", "/study_activities/{activity_id}"): (R, LOOP, CACHED),
    # session items carry their state, which moves with the clock: not cached
    ("GET", "/study_activities/{activity_id}/study_sessions"): (R, LOOP, False),
    ("POST", "/study_activities"): (SW, POOL, False),
    ("POST", "/study_activities/{activity_id}/launch"): (SW, POOL, False),
    ("GET", "/study_sessions"): (SR, LOOP, False),
    ("POST", "/study_sessions"): (SW, POOL, False),
    ("GET", "/study_sessions/{session_id}"): (SR, LOOP, False),
    ("POST", "/study_sessions/{session_id}/pause"): (SW, POOL, False),
    ("POST", "/study_sessions/{session_id}/resume"): (SW, POOL, False),
    ("POST", "/study_sessions/{session_id}/complete"): (SW, POOL, False),
    ("GET", "/study_sessions/{session_id}/words"): (SR, LOOP, CACHED),
    ("POST", "/study_sessions/{session_id}/words/{word_id}/review"): (SW, POOL, False),
    ("GET", "/study_sessions/{session_id}/next_words"): (SR, LOOP, False),
    ("GET", "/study_sessions/{session_id}/result"): (SR, LOOP, False),
    ("GET", "/words"): (R, LOOP, CACHED),
    ("POST", "/words"): (W, POOL, False),
    ("GET", "/words/{word_id}"): (R, LOOP, False),  # the recall probability moves with the clock
    ("GET", "/words/{word_id}/reviews"): (R, LOOP, False),
    ("PUT", "/words/{word_id}"): (W, POOL, False),
    ("PATCH", "/words/{word_id}"): (W, POOL, False),
    ("DELETE", "/words/{word_id}"): (W, POOL, False),
    ("GET", "/words/{word_id}/tags"): (R, LOOP, False),
    ("POST", "/words/{word_id}/tags"): (W, POOL, False),
    ("DELETE", "/words/{word_id}/tags/{tag}"): (W, POOL, False),
    ("GET", "/tags"): (R, LOOP, CACHED),
    ("GET", "/groups"): (R, LOOP, CACHED),
    ("POST", "/groups"): (W, POOL, False),
    ("GET", "/groups/{group_id}"): (R, LOOP, CACHED),
    ("PUT", "/groups/{group_id}"): (W, POOL, False),
    ("PATCH", "/groups/{group_id}"): (W, POOL, False),
    ("DELETE", "/groups/{group_id}"): (W, POOL, False),
    ("GET", "/groups/{group_id}/words"): (R, LOOP, CACHED),
    ("POST", "/groups/{group_id}/words"): (W, POOL, False),
    ("DELETE", "/groups/{group_id}/words/{word_id}"): (W, POOL, False),
    ("GET", "/groups/{group_id}/study_sessions"): (R, LOOP, False),
    ("POST", "/reset_history"): (W, POOL, False),
    ("POST", "/full_reset"): (W, POOL, False),
    ("GET", "/review_queue"): (R, LOOP, False),
    ("GET", "/srs/forecast"): (R, LOOP, False),
    ("GET", "/srs/parameters"): (R, LOOP, False),
    ("DELETE", "/srs/parameters"): (W, POOL, False),  # replays every card
    ("GET", "/analytics/progress"): (R, LOOP, False),
    ("GET", "/analytics/learning_curve"): (R, LOOP, False),
    ("GET", "/analytics/difficult_words"): (R, LOOP, False),
    ("GET", "/analytics/mastery"): (R, LOOP, False),
    ("GET", "/analytics/activities"): (R, LOOP, False),
    ("GET", "/analytics/streaks"): (R, LOOP, False),
    ("GET", "/analytics/srs_evaluation"): (R, LOOP, False),
    ("GET", "/learning_path"): (R, LOOP, False),  # a level's review interval moves with time
    ("GET", "/progress"): (R, LOOP, False),  # mastery and the streak move with the clock
    ("GET", "/export/history"): (R, POOL, False),  # seconds of work
    ("GET", "/export/words.csv"): (R, POOL, False),
    ("POST", "/import/history"): (W, LOOP, False),  # async: the import itself goes to a thread
    ("POST", "/import/words"): (W, LOOP, False),
    ("GET", "/messages"): (R, LOOP, CACHED),  # one entry per language (api.cache)
}

LEGACY: dict[tuple[str, str], tuple[RateClass, Runs, bool]] = {
    ("GET", "/words"): (R, LOOP, False),
    ("GET", "/words/{word_id}"): (R, LOOP, False),
    ("GET", "/groups"): (R, LOOP, False),
    ("GET", "/groups/{group_id}"): (R, LOOP, False),
    ("GET", "/groups/{group_id}/words"): (R, LOOP, False),
    ("GET", "/groups/{group_id}/words/raw"): (R, LOOP, False),
    ("GET", "/groups/{group_id}/study_sessions"): (R, LOOP, False),
    ("POST", "/study_sessions"): (SW, POOL, False),
    ("POST", "/study_sessions/{session_id}/review"): (SW, POOL, False),
    ("GET", "/api/study-sessions"): (SR, LOOP, False),
    ("POST", "/api/study-sessions/reset"): (SW, POOL, False),
    ("GET", "/api/study-sessions/{session_id}"): (SR, LOOP, False),
    ("GET", "/api/study-activities"): (R, LOOP, False),
    ("GET", "/api/study-activities/{activity_id}"): (R, LOOP, False),
    ("GET", "/api/study-activities/{activity_id}/sessions"): (R, LOOP, False),
    ("GET", "/api/study-activities/{activity_id}/launch"): (R, LOOP, False),
    ("GET", "/dashboard/recent-session"): (R, LOOP, False),
    ("GET", "/dashboard/stats"): (R, LOOP, False),
}

SYSTEM: dict[tuple[str, str], tuple[RateClass, Runs, bool]] = {
    ("GET", "/health"): (X, LOOP, False),
    ("GET", "/metrics"): (X, LOOP, False),
    ("GET", "/swagger/index.html"): (R, LOOP, False),
    ("GET", "/swagger"): (R, LOOP, False),
    ("GET", "/swagger/"): (R, LOOP, False),
    ("GET", "/docs"): (R, LOOP, False),
    ("GET", "/swagger/doc.json"): (R, LOOP, False),
    # the pages' own fixed files (the portal page, the icon every page asks for)
    ("GET", "/"): (X, LOOP, False),
    ("GET", "/favicon.ico"): (X, LOOP, False),
}


def expected() -> dict[tuple[str, str], tuple[RateClass, Runs, bool]]:
    table = {
        (method, prefix + path): row
        for (method, path), row in SPEC.items()
        for prefix in ("/api/v1", "/api")
    }
    return {**table, **LEGACY, **SYSTEM}


def test_every_route_declares_the_policy_in_the_table(client: TestClient) -> None:
    declared: dict[tuple[str, str], tuple[RateClass, Runs, bool]] = {}
    undeclared: list[str] = []
    for route in flatten(client.app.router.routes):  # type: ignore[attr-defined]
        if not isinstance(route, APIRoute):
            continue  # the static files of the Swagger UI
        for method in sorted(route.methods or ()):
            policy = getattr(route, "policy", None)
            if not isinstance(policy, RoutePolicy):
                undeclared.append(f"{method} {route.path}")
                continue
            declared[(method, route.path)] = (policy.rate_class, policy.runs, policy.cached)
    assert undeclared == []
    table = expected()
    assert sorted(set(declared) - set(table)) == [], "routes missing from the table"
    assert sorted(set(table) - set(declared)) == [], "the table lists routes the app lacks"
    wrong = {key: (declared[key], row) for key, row in table.items() if declared[key] != row}
    assert wrong == {}


# The routes whose body is a whole file: MAX_UPLOAD_SIZE instead of MAX_REQUEST_SIZE, no timeout.
TAKES_FILE = {("POST", "/import/history"), ("POST", "/import/words")}


def test_only_the_imports_take_files(client: TestClient) -> None:
    taking = {
        (method, route.path)
        for route in flatten(client.app.router.routes)  # type: ignore[attr-defined]
        if isinstance(route, APIRoute) and getattr(route, "policy", None) is not None
        for method in route.methods or ()
        if route.policy.takes_file
    }
    assert taking == {
        (method, prefix + path) for method, path in TAKES_FILE for prefix in ("/api/v1", "/api")
    }


def test_a_route_without_a_policy_cannot_be_declared() -> None:
    router = PolicyRouter()
    with pytest.raises(TypeError):
        router.get("/x")(lambda: None)  # type: ignore[call-arg]
