"""Tags through the exports and imports: the words CSV's `tags` column and the history's words.

Only the tags given by hand are written; the auto tags are given again from the text by the
rules of the database that imports.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from lang_portal.clock import FixedClock
from lang_portal.settings import Settings, load_settings
from tests.helpers import app_client, migrated_services, record_answer, start_session


@pytest.fixture
def empty_client(tmp_path: Path, clock: FixedClock) -> Iterator[TestClient]:
    settings: Settings = load_settings(
        database_path=tmp_path / "empty.db", timezone="UTC", rate_limit_enabled=False
    )
    services = migrated_services(settings, clock)
    with app_client(services) as client:
        yield client
    services.context.db.close()


def tag(client: TestClient, word_id: int, *names: str) -> None:
    response = client.post(f"/api/words/{word_id}/tags", json={"tags": list(names)})
    assert response.status_code == 200, response.text


def tags_by_word(client: TestClient) -> dict[str, list[dict[str, str]]]:
    words = client.get("/api/words?per_page=100").json()["items"]
    return {
        word["japanese"]: client.get(f"/api/words/{word['id']}/tags").json()["tags"]
        for word in words
    }


def post_csv(client: TestClient, text: str) -> Any:
    return client.post(
        "/api/v1/import/words", content=text.encode(), headers={"content-type": "text/csv"}
    )


def test_the_words_csv_round_trips_the_tags(client: TestClient, empty_client: TestClient) -> None:
    tag(client, 1, "greeting", "jlpt n5")
    tag(client, 6, "food")
    exported = client.get("/api/export/words.csv")
    assert exported.status_code == 200
    rows = list(csv.reader(io.StringIO(exported.text)))
    assert rows[0] == ["japanese", "romaji", "english", "tags", "groups"]
    by_word = {row[0]: row for row in rows[1:]}
    # the tags given by hand, `;` between them; the rules' tags are not written
    assert by_word["こんにちは"][3:] == ["greeting;jlpt n5", "Basic Greetings,Core Verbs"]
    assert by_word["食べる"][3:] == ["food", "Core Verbs"]
    assert by_word["おはよう"][3:] == ["", "Basic Greetings"]

    imported = post_csv(empty_client, exported.text)
    assert imported.status_code == 201, imported.text
    assert imported.json()["data"] == {
        "rows": 10,
        "words_added": 10,
        "groups_added": 2,
        "memberships_added": 11,
        "tags_added": 3,
    }
    assert tags_by_word(empty_client) == tags_by_word(client)
    assert empty_client.get("/api/export/words.csv").text == exported.text
    # importing the same list again adds nothing
    again = post_csv(empty_client, exported.text).json()["data"]
    assert again["words_added"] == again["tags_added"] == again["memberships_added"] == 0


def test_csv_tags_are_cleaned_and_the_rules_tags_left_to_the_rules(client: TestClient) -> None:
    text = (
        "japanese,romaji,english,tags,groups\n"
        "猫,neko,cat,Animals; Pets ;kanji,\n"
        "コーヒー,koohii,coffee,,Drinks\n"
    )
    response = post_csv(client, text)
    assert response.status_code == 201, response.text
    assert response.json()["data"]["tags_added"] == 2
    words = {w["japanese"]: w for w in client.get("/api/words?per_page=100").json()["items"]}
    assert words["猫"]["tags"] == ["animals", "kanji", "pets"]
    assert words["コーヒー"]["tags"] == ["loanword"]
    sources = client.get(f"/api/words/{words['猫']['id']}/tags").json()["tags"]
    assert {t["name"]: t["source"] for t in sources} == {
        "animals": "manual",
        "kanji": "auto",
        "pets": "manual",
    }


def test_a_refused_tag_refuses_the_whole_list(client: TestClient) -> None:
    text = (
        "japanese,romaji,english,tags,groups\n"
        "猫,neko,cat,animals,\n"
        "犬,inu,dog,untagged,\n"
        "鳥,tori,bird,wings!,\n"
    )
    response = post_csv(client, text)
    assert response.status_code == 422
    errors = response.json()["error"]["details"]["errors"]
    assert [(e["line"], e["field"]) for e in errors] == [(3, "tags"), (4, "tags")]
    assert "reserved" in errors[0]["reason"]
    words = {w["japanese"] for w in client.get("/api/words?per_page=100").json()["items"]}
    assert "猫" not in words
    assert "animals" not in {t["tag_name"] for t in client.get("/api/tags").json()["items"]}


@pytest.mark.parametrize("settings_overrides", [{"max_tags_per_word": 2}])
def test_the_csv_respects_the_limit(client: TestClient) -> None:
    text = "japanese,romaji,english,tags,groups\n猫,neko,cat,a;b;c,\n"
    response = post_csv(client, text)
    assert response.status_code == 422
    (error,) = response.json()["error"]["details"]["errors"]
    assert error["line"] == 2 and "2 tags" in error["reason"]


def test_the_history_export_keeps_the_tags(
    client: TestClient, empty_client: TestClient, clock: FixedClock
) -> None:
    tag(client, 1, "greeting")
    tag(client, 4, "courtesy", "basic")
    session = start_session(client)
    record_answer(client, session, 1, True)
    clock.advance(minutes=1)
    document = client.get("/api/export/history").json()
    assert document["format_version"] == "1.1"
    words = {w["japanese"]: w for w in document["words"]}
    assert words["有難う"]["tags"] == ["basic", "courtesy"]
    assert words["有難う"]["groups"] == ["Basic Greetings"]
    assert words["食べる"]["tags"] == []

    imported = empty_client.post("/api/import/history", json=document)
    assert imported.status_code == 201, imported.text
    assert imported.json()["tags_added"] == 3
    assert imported.json()["memberships_added"] == 11
    assert tags_by_word(empty_client) == tags_by_word(client)
    copy = {t["tag_name"]: t for t in empty_client.get("/api/tags").json()["items"]}
    original = {t["tag_name"]: t for t in client.get("/api/tags").json()["items"]}
    assert copy == original


def test_an_export_from_before_tags_imports_as_before(empty_client: TestClient) -> None:
    # format 1.0: a word's `tags` were its groups
    document = {
        "format_version": "1.0",
        "groups": ["Animals"],
        "words": [
            {"japanese": "猫", "romaji": "neko", "english": "cat", "tags": ["Animals", "Pets"]},
            {"japanese": "いぬ", "romaji": "inu", "english": "dog"},
        ],
        "study_sessions": [],
    }
    imported = empty_client.post("/api/import/history", json=document)
    assert imported.status_code == 201, imported.text
    report = imported.json()
    assert (report["groups_added"], report["memberships_added"], report["tags_added"]) == (2, 2, 0)
    groups = {g["name"]: g["word_count"] for g in empty_client.get("/api/groups").json()["items"]}
    assert groups == {"Animals": 1, "Pets": 1}
    tags = {t["tag_name"]: t["word_count"] for t in empty_client.get("/api/tags").json()["items"]}
    assert tags == {"kanji": 1, "kana-only": 1}


def test_a_bad_tag_in_a_history_is_refused_by_its_path(empty_client: TestClient) -> None:
    document = {
        "format_version": "1.1",
        "words": [
            {"japanese": "猫", "romaji": "neko", "english": "cat", "groups": [], "tags": ["a,b"]},
            {"japanese": "犬", "romaji": "inu", "english": "dog", "tags": "pets"},
        ],
        "study_sessions": [],
    }
    refused = empty_client.post("/api/import/history", json=document)
    assert refused.status_code == 422
    paths = [e["path"] for e in refused.json()["error"]["details"]["errors"]]
    assert paths == ["words[0].tags", "words[1].tags"]
    assert empty_client.get("/api/words").json()["items"] == []
