"""The built-in study apps on the launchpad: pages, thumbnails, and CORS for apps elsewhere."""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit
from xml.etree import ElementTree

import pytest
from fastapi.testclient import TestClient

from lang_portal.app import build_services, create_app
from lang_portal.clock import FixedClock
from lang_portal.repository import activities as activity_repo
from lang_portal.repository import migrations
from lang_portal.service.study import origin_of
from lang_portal.settings import MIGRATIONS_DIR, SEEDS_DIR, Settings, load_settings
from tests.conftest import FIXTURE_SEEDS

SVG = "{http://www.w3.org/2000/svg}svg"


@pytest.fixture
def builtin_client(tmp_path: Path, clock: FixedClock) -> Iterator[TestClient]:
    """A database seeded with the real manifest's activities and one small group."""
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    shutil.copy(FIXTURE_SEEDS / "greetings.json", seeds)
    real = json.loads((SEEDS_DIR / "manifest.json").read_text(encoding="utf-8"))
    manifest = {
        "groups": [{"file": "greetings.json", "group": "Greetings"}],
        "study_activities": real["study_activities"],
    }
    (seeds / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    settings: Settings = load_settings(
        database_path=tmp_path / "apps.db", timezone="UTC", rate_limit_enabled=False
    )
    services = build_services(settings, clock, seeds_dir=seeds)
    migrations.apply(services.context.db, MIGRATIONS_DIR, clock)
    services.seeding.seed(seeds)
    with TestClient(create_app(settings, services=services)) as client:
        yield client
    services.context.db.close()


def _activities(client: TestClient) -> dict[str, dict[str, str]]:
    items = client.get("/api/v1/study_activities").json()["data"]
    return {item["name"]: item for item in items}


# -- the apps and their pictures ------------------------------------------------------------------


@pytest.mark.parametrize("app", ["flashcards", "typing"])
def test_each_app_is_a_page_of_this_server(builtin_client: TestClient, app: str) -> None:
    page = builtin_client.get(f"/apps/{app}/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert page.headers["content-security-policy"] == "default-src 'self'"
    assert '<script type="module" src="' in page.text
    assert "http://" not in page.text and "https://" not in page.text  # nothing from elsewhere
    bare = builtin_client.get(f"/apps/{app}", follow_redirects=False)
    assert bare.status_code in (301, 307) and bare.headers["location"].endswith(f"/apps/{app}/")
    assert builtin_client.get(f"/apps/{app}/no-such-file.js").status_code == 404


def test_the_launchpad_offers_the_built_in_apps_with_thumbnails(
    builtin_client: TestClient,
) -> None:
    activities = _activities(builtin_client)
    assert {name: item["launch_url"] for name, item in activities.items()} == {
        "Typing Tutor": "/apps/typing/",
        "Flashcards": "/apps/flashcards/",
    }
    for item in activities.values():
        thumbnail = builtin_client.get(item["thumbnail_url"])
        assert thumbnail.status_code == 200
        assert thumbnail.headers["content-type"].startswith("image/svg+xml")
        assert ElementTree.fromstring(thumbnail.content).tag == SVG

    launched = builtin_client.post(
        f"/api/v1/study_activities/{activities['Flashcards']['id']}/launch", json={"group_id": 1}
    )
    assert launched.status_code == 201
    data = launched.json()["data"]
    url = urlsplit(data["launch_url"])
    assert (url.scheme, url.netloc, url.path) == ("", "", "/apps/flashcards/")
    assert parse_qs(url.query) == {"group_id": ["1"], "session_id": [str(data["study_session_id"])]}
    assert builtin_client.get(data["launch_url"]).status_code == 200


def test_the_legacy_mount_gives_absolute_launch_and_preview_urls(
    builtin_client: TestClient,
) -> None:
    listed = builtin_client.get("/api/study-activities").json()
    assert {item["title"]: (item["launch_url"], item["preview_url"]) for item in listed} == {
        "Typing Tutor": (
            "http://testserver/apps/typing/",
            "http://testserver/apps/thumbnails/typing.svg",
        ),
        "Flashcards": (
            "http://testserver/apps/flashcards/",
            "http://testserver/apps/thumbnails/flashcards.svg",
        ),
    }
    for item in listed:
        assert builtin_client.get(item["preview_url"]).status_code == 200
        one = builtin_client.get(f"/api/study-activities/{item['id']}").json()
        assert one["preview_url"] == item["preview_url"]


def test_an_activity_without_a_thumbnail_gets_a_picture_in_the_legacy_mount(
    client: TestClient,
) -> None:
    # the fixture seeds' Flashcards has no thumbnail; the school's frontend would show a broken
    # image for null
    assert client.get("/api/v1/study_activities/2").json()["data"]["thumbnail_url"] is None
    preview = client.get("/api/study-activities/2").json()["preview_url"]
    assert preview == "http://testserver/apps/thumbnails/activity.svg"
    picture = client.get(preview)
    assert picture.status_code == 200
    assert ElementTree.fromstring(picture.content).tag == SVG


def test_every_page_asks_for_no_missing_favicon(builtin_client: TestClient) -> None:
    icon = builtin_client.get("/favicon.ico")
    assert icon.status_code == 200
    assert icon.headers["content-type"].startswith("image/svg+xml")
    assert ElementTree.fromstring(icon.content).tag == SVG


# -- CORS for the apps the launchpad launches -----------------------------------------------------


def _preflight(client: TestClient, origin: str, path: str = "/study_sessions/1/review") -> object:
    return client.options(
        path,
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type, idempotency-key",
        },
    )


def test_a_registered_activitys_origin_may_call_the_api(
    client: TestClient, settings: Settings
) -> None:
    # the fixture seeds register apps at http://localhost:8081/?mode=typing and :8082
    app_origin = "http://localhost:8081"
    assert app_origin not in settings.cors_allowed_origins
    preflight = _preflight(client, app_origin)
    assert preflight.status_code == 200, preflight.text
    assert preflight.headers["access-control-allow-origin"] == app_origin
    assert "POST" in preflight.headers["access-control-allow-methods"]
    assert "idempotency-key" in preflight.headers["access-control-allow-headers"].lower()
    for path in ("/groups/1/words/raw", "/api/v1/study_activities"):
        response = client.get(path, headers={"Origin": app_origin})
        assert response.status_code == 200
        assert response.headers["access-control-allow-origin"] == app_origin
        assert "Origin" in response.headers["vary"]
    answer = client.post(
        "/api/v1/study_sessions",
        json={"group_id": 1, "study_activity_id": 1},
        headers={"Origin": "http://localhost:8082"},
    )
    assert answer.status_code == 201
    assert answer.headers["access-control-allow-origin"] == "http://localhost:8082"


@pytest.mark.parametrize(
    "origin",
    [
        "http://localhost:8083",  # same host, a port no activity uses
        "https://localhost:8081",  # same host and port, another scheme
        "http://evil.example",
        "null",
    ],
)
def test_other_origins_stay_refused(client: TestClient, origin: str) -> None:
    preflight = _preflight(client, origin)
    assert preflight.status_code == 400
    assert "access-control-allow-origin" not in preflight.headers
    response = client.get("/groups/1/words/raw", headers={"Origin": origin})
    assert "access-control-allow-origin" not in response.headers


def test_a_new_activitys_origin_is_allowed_the_moment_it_exists(client: TestClient) -> None:
    origin = "http://127.0.0.1:9911"
    assert _preflight(client, origin).status_code == 400  # memoised as refused ...
    document = {
        "format_version": 1,
        "study_activities": [{"name": "Kanji Quiz", "launch_url": f"{origin}/quiz/?level=5"}],
        "groups": [],
        "words": [],
        "study_sessions": [],
    }
    imported = client.post("/api/v1/import/history", json=document)
    assert imported.status_code == 201, imported.text
    preflight = _preflight(client, origin)  # ... until the database changes
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == origin


def test_the_configured_origins_are_still_allowed(client: TestClient, settings: Settings) -> None:
    for origin in settings.cors_allowed_origins:
        assert _preflight(client, origin).headers["access-control-allow-origin"] == origin


@pytest.mark.parametrize(
    ("url", "origin"),
    [
        ("http://localhost:8081", "http://localhost:8081"),
        ("http://localhost:8081/?mode=typing", "http://localhost:8081"),
        ("HTTP://LocalHost:8081/x", "http://localhost:8081"),
        ("http://school.example:80/typing/", "http://school.example"),
        ("https://school.example:443/", "https://school.example"),
        ("https://school.example:8443/", "https://school.example:8443"),
        ("http://[::1]:8081/", "http://[::1]:8081"),
        ("/apps/typing/", None),  # on this server: no other origin to allow
        ("ftp://files.example/", None),
        ("http://host.example:99999/", None),
    ],
)
def test_origin_of_a_launch_url(url: str, origin: str | None) -> None:
    assert origin_of(url) == origin


def test_the_activity_origins_are_read_once_until_the_database_changes(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads: list[int] = []
    real = activity_repo.launch_urls

    def counted(connection: sqlite3.Connection) -> list[str]:
        reads.append(1)
        return real(connection)

    monkeypatch.setattr(activity_repo, "launch_urls", counted)
    for _ in range(5):
        assert _preflight(client, "http://localhost:8081").status_code == 200
    assert len(reads) == 1
    created = client.post("/api/v1/groups", json={"name": "Any write at all"})
    assert created.status_code == 201
    assert _preflight(client, "http://localhost:8081").status_code == 200
    assert len(reads) == 2  # read again after the commit, then memoised again
    assert _preflight(client, "http://localhost:8082").status_code == 200
    assert len(reads) == 2
