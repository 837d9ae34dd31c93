"""What the learner answered (`response`): sent with the review POST or as xAPI
result.response, stored with the answer, kept by export and import, counted in the
Idempotency-Key digest only when given, and summed up as the word's common mistakes (the xAPI
door: tests/api/xapi/test_xapi_responses.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from lang_portal.clock import FixedClock
from lang_portal.service.answers import Answer, request_digest
from lang_portal.settings import load_settings
from tests.helpers import app_client, migrated_services, review_path, start_session


def post_answer(
    client: TestClient, session: int, word: int, prefix: str = "/api", **body: Any
) -> Any:
    response = client.post(prefix + review_path(session, word), json=body)
    assert response.status_code == 201, response.text
    data = response.json()
    return data["data"] if prefix == "/api/v1" else data


@pytest.mark.parametrize("prefix", ["/api", "/api/v1"])
def test_the_response_is_stored_trimmed_and_normalised(client: TestClient, prefix: str) -> None:
    session = start_session(client, 1)
    # e + combining acute (NFD) is stored as é (NFC); runs of spaces are one space
    stored = post_answer(
        client, session, 1, prefix, correct=False, response="  konnichiwe\u0301   san "
    )
    assert stored["response"] == "konnichiw\u00e9 san"
    without = post_answer(client, session, 1, prefix, correct=True)
    assert without["response"] is None
    reviews = client.get(f"{prefix}/words/1/reviews", params={"sort_by": "created_at"}).json()
    items = reviews["data"] if prefix == "/api/v1" else reviews["items"]
    assert sorted(item["response"] or "" for item in items) == ["", "konnichiw\u00e9 san"]


@pytest.mark.parametrize(
    ("response", "reason"),
    [("x" * 201, "at most 200"), ("a\u0007b", "control"), ("   ", "empty"), (12, "string")],
)
def test_a_bad_response_is_refused_and_nothing_stored(
    client: TestClient, response: Any, reason: str
) -> None:
    session = start_session(client, 1)
    refused = client.post(
        "/api/v1" + review_path(session, 1), json={"correct": False, "response": response}
    )
    assert refused.status_code == 422
    error = refused.json()["error"]
    assert error["code"] == "VALIDATION_FAILED"
    assert any("response" in key for key in error["details"]), error
    assert client.get("/api/words/1").json()["stats"] == {"correct_count": 0, "wrong_count": 0}


def test_200_characters_are_accepted(client: TestClient) -> None:
    session = start_session(client, 1)
    assert post_answer(client, session, 1, correct=False, response="あ" * 200)["response"] == (
        "あ" * 200
    )


def test_the_idempotency_digest_counts_the_response_only_when_given(client: TestClient) -> None:
    plain = Answer(1, 2, False, 1500)
    # a key stored before responses existed (and grades) still matches
    assert request_digest([plain]) == request_digest([Answer(1, 2, False, 1500, response=None)])
    assert request_digest([plain]) != request_digest([Answer(1, 2, False, 1500, response="x")])
    session = start_session(client, 1)
    path = "/api/v1" + review_path(session, 1)
    headers = {"Idempotency-Key": "answer-with-response"}
    body = {"correct": False, "response": "konbanwa"}
    first = client.post(path, json=body, headers=headers)
    again = client.post(path, json=body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json()["data"]["id"] == first.json()["data"]["id"]
    assert again.json()["data"]["response"] == "konbanwa"
    other = client.post(path, json={**body, "response": "konnichiha"}, headers=headers)
    assert other.status_code == 422


def test_common_mistakes_are_the_most_frequent_wrong_responses(client: TestClient) -> None:
    session = start_session(client, 1)
    answers = [
        (False, "Konbanwa"),
        (False, "konbanwa"),
        (False, "konbanwa "),
        (False, "ohayou"),
        (False, "ohayou"),
        (False, "sayounara"),
        (True, "konnichiwa"),  # right: not a mistake
        (False, None),  # no response said
    ]
    for correct, response in answers:
        body: dict[str, Any] = {"correct": correct}
        if response is not None:
            body["response"] = response
        post_answer(client, session, 1, **body)
    for prefix in ("/api", "/api/v1"):
        body = client.get(f"{prefix}/words/1").json()
        word = body["data"] if prefix == "/api/v1" else body
        assert word["common_mistakes"] == [
            {"response": "konbanwa", "count": 3},
            {"response": "ohayou", "count": 2},
            {"response": "sayounara", "count": 1},
        ]


@pytest.fixture
def empty_client(tmp_path: Path, clock: FixedClock) -> Iterator[TestClient]:
    services = migrated_services(
        load_settings(database_path=tmp_path / "empty.db", timezone="UTC"), clock
    )
    with app_client(services) as client:
        yield client
    services.context.db.close()


def test_export_and_import_keep_the_response(
    client: TestClient, empty_client: TestClient, clock: FixedClock
) -> None:
    session = start_session(client, 1)
    post_answer(client, session, 1, correct=False, response="konbanwa")
    post_answer(client, session, 1, correct=True)
    clock.advance(minutes=5)
    document = client.get("/api/export/history").json()
    entries = document["study_sessions"][0]["words"]
    assert entries[0]["response"] == "konbanwa" and "response" not in entries[1]

    imported = empty_client.post("/api/import/history", json=document)
    assert imported.status_code == 201, imported.text
    word = next(
        w["id"]
        for w in empty_client.get("/api/words").json()["items"]
        if w["japanese"] == "こんにちは"
    )
    assert empty_client.get(f"/api/words/{word}").json()["common_mistakes"] == [
        {"response": "konbanwa", "count": 1}
    ]
    assert empty_client.get("/api/export/history").json()["study_sessions"][0]["words"] == entries

    entries[0]["response"] = "a\u0000b"
    refused = empty_client.post("/api/v1/import/history", json=document)
    assert refused.status_code == 422
    assert "study_sessions[0].words[0].response" in str(refused.json()["error"]["details"])
