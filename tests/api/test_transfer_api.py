"""Export and import over HTTP: the round trip into an empty database, and refused files."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from lang_portal.clock import FixedClock
from lang_portal.settings import Settings, load_settings
from tests.helpers import app_client, migrated_services, record_answer, start_session


@pytest.fixture
def empty_client(tmp_path: Path, clock: FixedClock) -> Iterator[TestClient]:
    settings: Settings = load_settings(database_path=tmp_path / "empty.db", timezone="UTC")
    services = migrated_services(settings, clock)
    with app_client(services) as client:
        yield client
    services.context.db.close()


def test_history_round_trip_into_an_empty_database(
    client: TestClient, empty_client: TestClient, clock: FixedClock
) -> None:
    for day in range(3):
        session = start_session(client, 1, 1 + day % 2)
        for word_id in (1, 2, 3):
            record_answer(client, session, word_id, word_id != 2 or day == 2, duration_ms=2500)
        clock.advance(days=1)
    exported = client.get("/api/export/history")
    assert exported.status_code == 200
    document = exported.json()
    assert document["format_version"] == "1.1"
    assert len(document["study_sessions"]) == 3
    first = document["study_sessions"][0]["words"][0]
    assert first["result"] == "correct" and first["time_spent"] == 2.5

    imported = empty_client.post("/api/import/history", json=document)
    assert imported.status_code == 201, imported.text
    assert imported.json()["reviews"] == 9 and imported.json()["sessions"] == 3

    for path in ("/api/words?per_page=100&sort_by=id", "/api/groups", "/api/study_sessions"):
        original, copy = client.get(path).json()["items"], empty_client.get(path).json()["items"]
        strip = lambda items: [{k: v for k, v in i.items() if k != "id"} for i in items]  # noqa: E731
        assert strip(copy) == strip(original), path
    for word_id in (1, 2, 3):
        japanese = client.get(f"/api/words/{word_id}").json()["japanese"]
        twin = next(
            w["id"]
            for w in empty_client.get("/api/words?per_page=100").json()["items"]
            if w["japanese"] == japanese
        )
        assert (
            empty_client.get(f"/api/words/{twin}").json()["srs"]
            == (client.get(f"/api/words/{word_id}").json()["srs"])
        )
    again = empty_client.get("/api/export/history").json()
    assert again["study_sessions"] == [
        {**s, "id": again["study_sessions"][i]["id"]}
        for i, s in enumerate(document["study_sessions"])
    ]
    assert empty_client.get("/api/analytics/progress").json() == (
        client.get("/api/analytics/progress").json()
    )


def test_bad_history_is_refused_whole(client: TestClient) -> None:
    document = {
        "format_version": "1.0",
        "study_sessions": [
            {
                "date": "2026-01-10T10:00:00Z",
                "group": "Basic Greetings",
                "study_activity": "Typing Tutor",
                "words": [{"japanese": "おはよう", "result": "correct", "time_spent": 1}],
            },
            {"date": "yesterday", "group": "Nope", "study_activity": "Typing Tutor", "words": []},
            {
                "date": "2026-01-10T11:00:00Z",
                "group": "Basic Greetings",
                "study_activity": "Typing Tutor",
                "words": [{"japanese": "おはよう", "result": "maybe"}],
            },
        ],
    }
    response = client.post("/api/v1/import/history", json=document)
    assert response.status_code == 422
    errors = response.json()["error"]["details"]["errors"]
    assert {e["path"] for e in errors} == {
        "study_sessions[1].date",
        "study_sessions[2].words[0].result",
    }
    assert client.get("/api/study_sessions").json()["pagination"]["total_items"] == 0


def test_words_csv_round_trip_and_line_errors(client: TestClient) -> None:
    exported = client.get("/api/export/words.csv")
    assert exported.status_code == 200
    lines = exported.text.splitlines()
    assert lines[0] == "japanese,romaji,english,tags,groups"
    assert any("Basic Greetings" in line for line in lines[1:])

    # four columns: a list from before tags, whose `tags` named groups, imports as it did
    good = 'japanese,romaji,english,tags\n猫,neko,cat,"animals,basic"\n犬,inu,dog,animals\n'
    response = client.post(
        "/api/import/words", content=good.encode(), headers={"content-type": "text/csv"}
    )
    assert response.status_code == 201
    assert response.json() == {
        "rows": 2,
        "words_added": 2,
        "groups_added": 2,
        "memberships_added": 3,
        "tags_added": 0,
    }
    bad = "japanese,romaji,english,tags\n鳥,tori,bird,animals\n,neko,cat,\n魚,,fish,\n"
    refused = client.post("/api/import/words", content=bad.encode())
    assert refused.status_code == 422
    errors = refused.json()["error"]["details"]["errors"]
    assert [(e["line"], e["field"]) for e in errors] == [(3, "japanese"), (4, "romaji")]
    words = client.get("/api/words?per_page=100").json()["items"]
    assert "鳥" not in {w["japanese"] for w in words}  # all or nothing


def test_reset_after_import_clears_state(client: TestClient, clock: FixedClock) -> None:
    record_answer(client, start_session(client), 1, True, duration_ms=2500)
    clock.advance(minutes=1)
    assert client.post("/api/full_reset").status_code == 200
    assert client.get("/api/words/1").json()["srs"]["state"] == "new"
