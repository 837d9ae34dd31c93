"""What many tests do: build the services and an app, start a session, answer a word.

Each helper speaks HTTP as a client would. The session and answer helpers take either a plain
TestClient (with the mount's `prefix`, `/api` by default) or a `MountClient`, which adds its own
prefix and checks the mount's envelope on every answer.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from lang_portal.app import build_services, create_app
from lang_portal.clock import Clock
from lang_portal.database import Database
from lang_portal.repository import migrations
from lang_portal.service.container import Services
from lang_portal.settings import MIGRATIONS_DIR, Settings

META_KEYS = {"timestamp", "version", "request_id"}
PAGINATION_KEYS = {"current_page", "total_pages", "total_items", "items_per_page"}


# -- an app ---------------------------------------------------------------------------------------


def migrated_services(settings: Settings, clock: Clock, seeds_dir: Path | None = None) -> Services:
    """Services on a migrated database, seeded from `seeds_dir` when one is given."""
    services = (
        build_services(settings, clock)
        if seeds_dir is None
        else build_services(settings, clock, seeds_dir=seeds_dir)
    )
    migrations.apply(services.context.db, MIGRATIONS_DIR, clock)
    if seeds_dir is not None:
        services.seeding.seed(seeds_dir)
    return services


@contextmanager
def app_client(services: Services, settings: Settings | None = None) -> Iterator[TestClient]:
    """A TestClient on an app over `services` (with `settings`, else the services' own)."""
    app = create_app(settings or services.context.settings, services=services)
    with TestClient(app) as client:
        yield client


# -- a client of one mount ------------------------------------------------------------------------


@dataclass
class Answer:
    status: int
    data: Any
    pagination: dict[str, int] | None
    error: dict[str, Any] | None
    headers: Any


class MountClient:
    """Calls `/api/v1` or `/api`, asserts the mount's envelope, and returns the unwrapped body."""

    def __init__(self, client: TestClient, mount: str) -> None:
        self.client = client
        self.mount = mount
        self.prefix = "/api/v1" if mount == "v1" else "/api"

    def call(self, method: str, path: str, **kwargs: Any) -> Answer:
        response = self.client.request(method, self.prefix + path, **kwargs)
        if response.status_code == 204:
            assert response.content == b""
            return Answer(204, None, None, None, response.headers)
        body = response.json()
        if response.status_code >= 400:
            return Answer(response.status_code, None, None, self._error(body), response.headers)
        if self.mount == "v1":
            assert body["status"] == "success"
            assert set(body["meta"]) == META_KEYS
            assert body["meta"]["request_id"] == response.headers["x-request-id"]
            pagination = body.get("pagination")
            assert set(body) <= {"status", "data", "meta", "pagination"}
            data = body["data"]
        else:
            pagination = body.get("pagination") if isinstance(body, dict) else None
            data = body["items"] if pagination is not None else body
            if pagination is not None:
                assert set(body) == {"items", "pagination"}
        if pagination is not None:
            assert set(pagination) == PAGINATION_KEYS
            assert isinstance(data, list)
        return Answer(response.status_code, data, pagination, None, response.headers)

    def _error(self, body: dict[str, Any]) -> dict[str, Any]:
        if self.mount == "v1":
            assert body["status"] == "error"
            assert set(body) == {"status", "error", "meta"}
            assert set(body["meta"]) == META_KEYS
        else:
            assert set(body) == {"error"}
        error: dict[str, Any] = body["error"]
        assert set(error) == {"code", "message", "details"}
        assert isinstance(error["message"], str) and error["message"]
        return error

    def get(self, path: str, **kwargs: Any) -> Answer:
        return self.call("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> Answer:
        return self.call("POST", path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> Answer:
        return self.call("PUT", path, **kwargs)

    def patch(self, path: str, **kwargs: Any) -> Answer:
        return self.call("PATCH", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> Answer:
        return self.call("DELETE", path, **kwargs)


# -- sessions and answers -------------------------------------------------------------------------

Client = TestClient | MountClient


def session_body(group_id: int = 1, activity_id: int = 1) -> dict[str, int]:
    return {"group_id": group_id, "study_activity_id": activity_id}


def review_path(session_id: int, word_id: int) -> str:
    return f"/study_sessions/{session_id}/words/{word_id}/review"


def _post(client: Client, path: str, prefix: str, **kwargs: Any) -> tuple[int, Any, str]:
    """(status, the unwrapped body, what to show when it is not the one expected)."""
    if isinstance(client, MountClient):
        answer = client.post(path, **kwargs)
        return answer.status, answer.data, str(answer.error)
    response = client.post(prefix + path, **kwargs)
    body = response.json()
    data = body["data"] if prefix == "/api/v1" and response.status_code < 400 else body
    return response.status_code, data, response.text


def start_session(
    client: Client, group_id: int = 1, activity_id: int = 1, *, prefix: str = "/api"
) -> int:
    """POST /study_sessions; the new session's id."""
    status, data, shown = _post(
        client, "/study_sessions", prefix, json=session_body(group_id, activity_id)
    )
    assert status == 201, shown
    return int(data["id"])


def record_answer(
    client: Client,
    session_id: int,
    word_id: int,
    correct: bool = True,
    *,
    duration_ms: int | None = None,
    prefix: str = "/api",
    **kwargs: Any,
) -> dict[str, Any]:
    """POST .../words/:word_id/review, which must be stored (201); the stored answer."""
    body: dict[str, Any] = {"correct": correct}
    if duration_ms is not None:
        body["duration_ms"] = duration_ms
    status, data, shown = _post(
        client, review_path(session_id, word_id), prefix, json=body, **kwargs
    )
    assert status == 201, shown
    stored: dict[str, Any] = data
    return stored


def database_before(migration: str, path: Path, clock: Clock) -> Database:
    """A database at `path` built by every migration before `migration`: where an upgrade
    through it starts. `migrations.apply(db, MIGRATIONS_DIR, clock)` then runs the rest."""
    earlier = path.parent / f"migrations-before-{migration.removesuffix('.sql')}"
    earlier.mkdir(exist_ok=True)
    for sql in sorted(MIGRATIONS_DIR.glob("*.sql")):
        if sql.name < migration:
            shutil.copy(sql, earlier)
    db = Database(path)
    migrations.apply(db, earlier, clock)
    return db
