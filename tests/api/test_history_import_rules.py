"""A history import over HTTP: refused when the live API could not have produced it (by path
and reason, writing nothing), nothing stored twice, and the file routes' own body limit."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from fastapi.testclient import TestClient

from lang_portal.clock import FixedClock

SESSION_START = "2026-01-14T10:00:00Z"


def _session(words: list[dict[str, Any]], date: str = SESSION_START) -> dict[str, Any]:
    return {
        "date": date,
        "group": "Basic Greetings",
        "study_activity": "Typing Tutor",
        "words": words,
    }


def _answer(at: str, result: str = "correct", japanese: str = "おはよう") -> dict[str, Any]:
    return {"japanese": japanese, "result": result, "time_spent": 1.5, "reviewed_at": at}


def _document(*sessions: dict[str, Any]) -> dict[str, Any]:
    return {"format_version": "1.0", "study_sessions": list(sessions)}


def _refused(client: TestClient, document: dict[str, Any]) -> list[dict[str, Any]]:
    response = client.post("/api/v1/import/history", json=document)
    assert response.status_code == 422, response.text
    body = response.json()["error"]
    assert body["code"] == "VALIDATION_FAILED"
    assert "nothing was imported" in body["message"]
    assert client.get("/api/study_sessions").json()["pagination"]["total_items"] == 0
    errors: list[dict[str, Any]] = body["details"]["errors"]
    return errors


@pytest.mark.parametrize(
    ("words", "path", "reason"),
    [
        ([_answer("2026-01-14T09:59:00Z")], "words[0].reviewed_at", "before its session started"),
        ([_answer("2026-01-15T09:06:00Z")], "words[0].reviewed_at", "in the future"),
        (
            [_answer("2026-01-14T10:05:00Z"), _answer("2026-01-14T10:02:00Z")],
            "words[1].reviewed_at",
            "out of time order",
        ),
        (
            [_answer("2026-01-14T10:05:00Z"), _answer("2026-01-14T10:36:00Z")],
            "words[1].reviewed_at",
            "expired (30 minutes idle)",
        ),
        ([_answer("2026-01-14T10:31:00Z")], "words[0].reviewed_at", "expired"),
    ],
)
def test_a_history_the_live_api_could_not_have_produced_is_refused(
    client: TestClient, words: list[dict[str, Any]], path: str, reason: str
) -> None:
    errors = _refused(
        client,
        _document(
            _session([_answer("2026-01-14T10:00:30Z")]), _session(words, "2026-01-14T10:00:00Z")
        ),
    )
    assert [(e["path"], reason in e["reason"]) for e in errors] == [
        (f"study_sessions[1].{path}", True)
    ]


def test_a_session_in_the_future_is_refused(client: TestClient) -> None:
    errors = _refused(client, _document(_session([], "2026-01-16T00:00:00Z")))
    assert errors == [{"path": "study_sessions[0].date", "reason": "starts in the future"}]


def test_a_small_clock_skew_is_allowed(client: TestClient, clock: FixedClock) -> None:
    # the test clock is 2026-01-15T09:00Z: two minutes ahead is another machine's clock
    clock.set(clock.now())
    ahead = _document(_session([_answer("2026-01-15T09:02:00Z")], "2026-01-15T09:01:00Z"))
    assert client.post("/api/import/history", json=ahead).status_code == 201


@pytest.mark.parametrize("settings_overrides", [{"max_words_per_session": 2}])
def test_a_session_over_the_distinct_word_limit_is_refused(client: TestClient) -> None:
    words = [
        _answer(f"2026-01-14T10:0{i}:00Z", japanese=japanese)
        for i, japanese in enumerate(["おはよう", "こんにちは", "さようなら"])
    ]
    errors = _refused(client, _document(_session(words)))
    assert len(errors) == 1
    assert errors[0]["path"] == "study_sessions[0].words"
    assert "3 distinct words" in errors[0]["reason"] and "at most 2" in errors[0]["reason"]


def _history(client: TestClient, clock: FixedClock) -> None:
    for _day in range(2):
        session = client.post(
            "/api/study_sessions", json={"group_id": 1, "study_activity_id": 1}
        ).json()["id"]
        for word_id in (1, 2, 3):
            clock.advance(seconds=20)
            body = {"correct": word_id != 2, "duration_ms": 1200}
            assert (
                client.post(
                    f"/api/study_sessions/{session}/words/{word_id}/review", json=body
                ).status_code
                == 201
            )
        clock.advance(days=1)


def _derived(client: TestClient) -> list[Any]:
    return [
        client.get("/api/words?per_page=100&sort_by=id").json()["items"],
        client.get("/api/study_sessions?per_page=100").json()["items"],
        [client.get(f"/api/words/{w}").json()["srs"] for w in (1, 2, 3)],
        client.get("/api/analytics/progress").json(),
        client.get("/api/analytics/srs_evaluation").json(),
    ]


def test_importing_what_is_already_there_stores_nothing(
    client: TestClient, clock: FixedClock
) -> None:
    _history(client, clock)
    before = _derived(client)
    document = client.get("/api/export/history").json()
    again = client.post("/api/import/history", json=document)
    assert again.status_code == 201, again.text
    report = again.json()
    assert report["sessions"] == 0 and report["reviews"] == 0
    assert report["sessions_already_stored"] == 2 and report["reviews_already_stored"] == 6
    assert _derived(client) == before


def test_an_overlapping_file_adds_only_what_is_new(client: TestClient, clock: FixedClock) -> None:
    _history(client, clock)
    document = client.get("/api/export/history").json()
    grown = copy.deepcopy(document)
    last = grown["study_sessions"][-1]["words"][-1]["reviewed_at"]
    # one more answer in the last session, ten seconds after its last
    extra = {**grown["study_sessions"][-1]["words"][-1]}
    extra["reviewed_at"] = last.replace(last[17:19], f"{int(last[17:19]) + 10:02d}")
    grown["study_sessions"][-1]["words"].append(extra)
    # and a session the database does not have
    new_session = copy.deepcopy(grown["study_sessions"][0])
    new_session["date"] = new_session["date"].replace("2026-01-15", "2026-01-14")
    for word in new_session["words"]:
        word["reviewed_at"] = word["reviewed_at"].replace("2026-01-15", "2026-01-14")
    grown["study_sessions"].insert(0, new_session)
    report = client.post("/api/import/history", json=grown).json()
    assert (report["sessions"], report["reviews"]) == (1, 4)
    assert (report["sessions_already_stored"], report["reviews_already_stored"]) == (2, 6)
    sessions = client.get("/api/study_sessions?per_page=100").json()["items"]
    assert sorted(s["review_items_count"] for s in sessions) == [3, 3, 4]


@pytest.mark.parametrize(
    "settings_overrides", [{"max_request_size": 2_000, "max_upload_size": 200_000}]
)
def test_file_routes_have_their_own_body_limit(client: TestClient) -> None:
    big = _document(*[_session([_answer("2026-01-14T10:00:30Z")]) for _ in range(60)])
    import json

    body = json.dumps(big).encode()
    assert 2_000 < len(body) < 200_000
    imported = client.post(
        "/api/import/history", content=body, headers={"content-type": "application/json"}
    )
    assert imported.status_code == 201, imported.text
    # every other route keeps MAX_REQUEST_SIZE
    refused = client.post("/api/words", content=body, headers={"content-type": "application/json"})
    assert refused.status_code == 413
    assert refused.json()["error"]["details"] == {"max_bytes": 2_000}
    too_big = client.post(
        "/api/import/history", content=b" " * 200_001, headers={"content-type": "application/json"}
    )
    assert too_big.status_code == 413
    assert too_big.json()["error"]["details"] == {"max_bytes": 200_000}


@pytest.mark.parametrize("body", [b"[]", b"{", b'"text"', b""])
def test_a_body_that_is_no_json_object_is_invalid_input(client: TestClient, body: bytes) -> None:
    response = client.post("/api/v1/import/history", content=body)
    assert response.status_code == 400, response.text
    assert response.json()["error"]["code"] == "INVALID_INPUT"


def test_a_history_without_sessions_is_refused(client: TestClient) -> None:
    errors = _refused(client, {"format_version": "1.0", "study_sessions": {"a": 1}})
    assert errors == [{"path": "study_sessions", "reason": "must be a list"}]
    errors = _refused(client, {"format_version": "1.0"})
    assert errors == [{"path": "study_sessions", "reason": "must be a list"}]


def test_sessions_may_come_before_the_words_they_use(client: TestClient) -> None:
    # the file is read twice: the words first, whatever the order of its members
    document = {
        "format_version": "1.0",
        "study_sessions": [_session([_answer("2026-01-14T10:00:30Z", japanese="猫")])],
        "words": [{"japanese": "猫", "romaji": "neko", "english": "cat", "tags": []}],
    }
    response = client.post("/api/import/history", json=document)
    assert response.status_code == 201, response.text
    assert response.json()["words_added"] == 1 and response.json()["reviews"] == 1


def test_only_the_first_problems_are_listed_but_all_are_counted(client: TestClient) -> None:
    words = [_answer("2026-01-14T10:00:30Z", result="maybe") for _ in range(300)]
    response = client.post("/api/v1/import/history", json=_document(_session(words)))
    assert response.status_code == 422
    details = response.json()["error"]["details"]
    assert details["error_count"] == 300 and len(details["errors"]) == 200
