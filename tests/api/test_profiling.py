"""The opt-in profiler: a request with the profiling header gets its profile written."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from lang_portal.app import create_app
from lang_portal.service.container import Services


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {"profiling_enabled": True, "profiling_max_profiles": 3}


def test_a_request_with_the_header_is_profiled_into_the_folder(
    client: TestClient, services: Services
) -> None:
    folder = services.context.settings.profiling_path
    plain = client.get("/api/v1/words")
    assert plain.status_code == 200 and "x-profile-file" not in plain.headers
    assert not folder.exists()

    read = client.get("/api/v1/words", headers={"X-Profile": "1", "X-Request-ID": "slow-1"})
    assert read.status_code == 200
    name = read.headers["x-profile-file"]
    assert name.startswith("profile-") and name.endswith("-GET-api-v1-words-slow-1.html")
    page = (folder / name).read_text()
    assert "pyinstrument" in page.lower()
    assert read.json()["data"]  # the answer itself is untouched

    # A handler in the thread pool is profiled in its thread: its own frames are in the file.
    session = client.post("/api/v1/study_sessions", json={"group_id": 1, "study_activity_id": 1})
    sid = session.json()["data"]["id"]
    write = client.post(
        f"/api/v1/study_sessions/{sid}/words/1/review",
        json={"correct": True},
        headers={"X-Profile": "yes"},
    )
    assert write.status_code == 201
    assert "record_reviews" in (folder / write.headers["x-profile-file"]).read_text()


def test_only_the_newest_profiles_are_kept(client: TestClient, services: Services) -> None:
    folder = services.context.settings.profiling_path
    names = [
        client.get("/api/v1/groups", headers={"X-Profile": "1"}).headers["x-profile-file"]
        for _ in range(5)
    ]
    assert sorted(p.name for p in folder.glob("profile-*.html")) == sorted(names[-3:])
    assert (
        client.get("/api/v1/groups", headers={"X-Profile": "0"}).headers.get("x-profile-file")
        is None
    )


def test_off_by_default_the_header_does_nothing(services: Services, tmp_path: Path) -> None:
    settings = services.context.settings.model_copy(update={"profiling_enabled": False})
    with TestClient(create_app(settings, services=services)) as client:
        response = client.get("/api/v1/words", headers={"X-Profile": "1"})
    assert response.status_code == 200
    assert "x-profile-file" not in response.headers
    assert not settings.profiling_path.exists()
