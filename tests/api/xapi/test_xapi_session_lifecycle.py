"""The xAPI door refuses an `answered` statement for a closed session as the portal does, the
way it refuses one for an expired session: 400 with the portal's code, nothing stored."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from lang_portal.service.container import Services
from tests.api.xapi.conftest import XapiClient
from tests.api.xapi.test_xapi_two_doors import (
    LEARNER,
    answered,
    answered_statements,
    registration_of,
    start_session,
    word,
)

BASE = "https://lang-portal.example/xapi/"
VERBS = "http://adlnet.gov/expapi/verbs/"


@pytest.mark.parametrize(("action", "said"), [("pause", "paused"), ("complete", "completed")])
def test_an_answered_statement_for_a_closed_session_is_refused(
    client: TestClient, xapi: XapiClient, services: Services, action: str, said: str
) -> None:
    session_id = start_session(client)
    assert client.post(f"/api/v1/study_sessions/{session_id}/{action}").status_code == 200
    response = xapi.post(
        "/statements", json=answered(1, registration_of(services, session_id), True)
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "BUSINESS_RULE_VIOLATION"
    assert body["details"]["state"] == said
    assert answered_statements(xapi) == []
    assert word(client, 1)["stats"] == {"correct_count": 0, "wrong_count": 0}


def test_a_resumed_session_takes_statements_again(
    client: TestClient, xapi: XapiClient, services: Services
) -> None:
    session_id = start_session(client)
    assert client.post(f"/api/v1/study_sessions/{session_id}/pause").status_code == 200
    assert client.post(f"/api/v1/study_sessions/{session_id}/resume").status_code == 200
    response = xapi.post(
        "/statements", json=answered(1, registration_of(services, session_id), True)
    )
    assert response.status_code == 200, response.text
    assert word(client, 1)["stats"] == {"correct_count": 1, "wrong_count": 0}


def state(client: TestClient, session_id: int) -> str:
    return str(client.get(f"/api/v1/study_sessions/{session_id}").json()["data"]["state"])


def test_the_portals_transitions_are_statements(
    client: TestClient, xapi: XapiClient, services: Services
) -> None:
    session_id = start_session(client)
    registration = registration_of(services, session_id)
    for action in ("pause", "resume", "complete"):
        assert client.post(f"/api/v1/study_sessions/{session_id}/{action}").status_code == 200
    assert client.post(f"/api/v1/study_sessions/{session_id}/complete").status_code == 200
    listed = xapi.get("/statements", params={"registration": registration}).json()["statements"]
    # newest first; the repeated complete changed nothing and says nothing
    assert [(s["verb"]["id"], s["object"]["id"]) for s in listed] == [
        (f"{VERBS}completed", f"{BASE}study-activities/1"),
        (f"{VERBS}resumed", f"{BASE}study-activities/1"),
        (f"{VERBS}suspended", f"{BASE}study-activities/1"),
    ]
    assert state(client, session_id) == "completed"


def about_session(verb: str, registration: str, activity: str) -> dict[str, object]:
    return {
        "actor": LEARNER,
        "verb": {"id": f"{VERBS}{verb}", "display": {"en-US": verb}},
        "object": {"objectType": "Activity", "id": activity},
        "context": {"registration": registration},
    }


def test_posted_statements_move_the_session(
    client: TestClient, xapi: XapiClient, services: Services
) -> None:
    session_id = start_session(client)
    registration = registration_of(services, session_id)
    session_activity = f"{BASE}study-activities/1"
    for verb, expected in (("suspended", "paused"), ("resumed", "created")):
        response = xapi.post(
            "/statements", json=about_session(verb, registration, session_activity)
        )
        assert response.status_code == 200, response.text
        assert state(client, session_id) == expected
    # a question of the session completed is not the session completed
    question = about_session("completed", registration, f"{BASE}words/1")
    assert xapi.post("/statements", json=question).status_code == 200
    assert state(client, session_id) == "created"
    ended = about_session("terminated", registration, session_activity)
    assert xapi.post("/statements", json=ended).status_code == 200
    assert state(client, session_id) == "completed"
    # a transition the lifecycle lacks: the statement is stored, the session stays
    late = about_session("resumed", registration, session_activity)
    assert xapi.post("/statements", json=late).status_code == 200
    assert state(client, session_id) == "completed"
    # the five posted, and none of the portal's: a posted transition is its own record
    stored = xapi.get("/statements").json()["statements"]
    assert [s["actor"] for s in stored] == [LEARNER] * 5
