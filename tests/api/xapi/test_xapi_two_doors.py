"""One learning record, two doors: a portal answer is a statement, an `answered` statement is a
portal answer, and voiding it takes the answer out again."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi.testclient import TestClient

from lang_portal.clock import FixedClock
from lang_portal.service.container import Services
from tests.api.xapi.conftest import XapiClient

BASE = "https://lang-portal.example/xapi/"
ANSWERED = "http://adlnet.gov/expapi/verbs/answered"
LEARNER = {"objectType": "Agent", "mbox": "mailto:hana@example.com"}


def start_session(client: TestClient, group_id: int = 1, activity_id: int = 1) -> int:
    created = client.post(
        "/api/v1/study_sessions", json={"group_id": group_id, "study_activity_id": activity_id}
    )
    assert created.status_code == 201, created.text
    session_id: int = created.json()["data"]["id"]
    return session_id


def registration_of(services: Services, session_id: int) -> str:
    with services.context.db.read() as connection:
        row = connection.execute(
            "SELECT registration FROM study_sessions WHERE id = ?", (session_id,)
        ).fetchone()
    return str(row[0])


def word(client: TestClient, word_id: int) -> dict[str, Any]:
    response = client.get(f"/api/v1/words/{word_id}")
    assert response.status_code == 200
    data: dict[str, Any] = response.json()["data"]
    return data


def answered(word_id: int, registration: str, success: bool, **extra: Any) -> dict[str, Any]:
    statement: dict[str, Any] = {
        "actor": LEARNER,
        "verb": {"id": ANSWERED, "display": {"en-US": "answered"}},
        "object": {"objectType": "Activity", "id": f"{BASE}words/{word_id}"},
        "result": {"success": success, "duration": "PT2.5S"},
        "context": {"registration": registration},
    }
    statement.update(extra)
    return statement


def answered_statements(xapi: XapiClient) -> list[dict[str, Any]]:
    response = xapi.get("/statements", params={"verb": ANSWERED})
    assert response.status_code == 200
    statements: list[dict[str, Any]] = response.json()["statements"]
    return statements


def test_xapi_portal_answer_is_readable_as_a_statement(
    client: TestClient, xapi: XapiClient, services: Services
) -> None:
    session_id = start_session(client, group_id=1, activity_id=2)
    review = client.post(
        f"/api/v1/study_sessions/{session_id}/words/3/review",
        json={"correct": True, "duration_ms": 1500},
    )
    assert review.status_code == 201
    (statement,) = answered_statements(xapi)
    assert statement["verb"]["id"] == ANSWERED
    assert statement["object"]["id"] == f"{BASE}words/3"
    assert statement["result"] == {"success": True, "duration": "PT1.5S"}
    assert statement["context"]["registration"] == registration_of(services, session_id)
    activities = statement["context"]["contextActivities"]
    assert activities["grouping"][0]["id"] == f"{BASE}groups/1"
    assert activities["other"][0]["id"] == f"{BASE}study-activities/2"
    assert statement["authority"]["account"]["name"] == "lang-portal"
    # filtered as any statement is: by the session's registration and by the word
    by_registration = xapi.get(
        "/statements", params={"registration": registration_of(services, session_id)}
    )
    assert [s["id"] for s in by_registration.json()["statements"]] == [statement["id"]]
    by_word = xapi.get("/statements", params={"activity": f"{BASE}words/3"})
    assert len(by_word.json()["statements"]) == 1


def test_xapi_portal_answer_refused_writes_no_statement(
    client: TestClient, xapi: XapiClient
) -> None:
    session_id = start_session(client)
    refused = client.post(
        f"/api/v1/study_sessions/{session_id}/words/99999/review", json={"correct": True}
    )
    assert refused.status_code == 404
    assert answered_statements(xapi) == []


def test_xapi_answered_statement_moves_counts_and_fsrs_exactly_as_a_portal_answer(
    client: TestClient, xapi: XapiClient, services: Services
) -> None:
    portal_session = start_session(client)
    xapi_session = start_session(client)
    assert (
        client.post(
            f"/api/v1/study_sessions/{portal_session}/words/1/review",
            json={"correct": False, "duration_ms": 2500},
        ).status_code
        == 201
    )
    posted = xapi.post(
        "/statements", json=answered(2, registration_of(services, xapi_session), False)
    )
    assert posted.status_code == 200, posted.text
    by_portal, by_xapi = word(client, 1), word(client, 2)
    assert by_portal["stats"] == by_xapi["stats"] == {"correct_count": 0, "wrong_count": 1}
    assert by_portal["srs"] == by_xapi["srs"]
    assert by_xapi["srs"]["state"] != "new"
    session = client.get(f"/api/v1/study_sessions/{xapi_session}").json()["data"]
    assert session["review_items_count"] == 1
    # the posted statement is the answer's one statement: the pipeline wrote no second one
    assert len(answered_statements(xapi)) == 2


def test_xapi_answered_statement_with_unknown_registration_starts_a_session(
    client: TestClient, xapi: XapiClient, services: Services
) -> None:
    registration = str(uuid.uuid4())
    statement = answered(
        4,
        registration,
        True,
        context={
            "registration": registration,
            "contextActivities": {
                "grouping": [{"id": f"{BASE}groups/2"}],
                "other": [{"id": f"{BASE}study-activities/2"}],
            },
        },
    )
    assert xapi.post("/statements", json=statement).status_code == 200
    with services.context.db.read() as connection:
        row = connection.execute(
            "SELECT id, group_id, study_activity_id, review_items_count FROM study_sessions "
            "WHERE registration = ?",
            (registration,),
        ).fetchone()
    assert (row["group_id"], row["study_activity_id"], row["review_items_count"]) == (2, 2, 1)
    assert word(client, 4)["stats"]["correct_count"] == 1
    # a second answer in that registration goes to the same session
    assert xapi.post("/statements", json=answered(5, registration, True)).status_code == 200
    session = client.get(f"/api/v1/study_sessions/{row['id']}").json()["data"]
    assert session["review_items_count"] == 2


def test_xapi_voiding_an_answered_statement_takes_the_answer_out(
    client: TestClient, xapi: XapiClient, services: Services, clock: FixedClock
) -> None:
    session_id = start_session(client)
    registration = registration_of(services, session_id)
    before = word(client, 1)
    (first,) = xapi.post("/statements", json=answered(1, registration, True)).json()
    clock.advance(seconds=30)
    xapi.post("/statements", json=answered(1, registration, False))
    only_second = word(client, 1)
    assert only_second["stats"] == {"correct_count": 1, "wrong_count": 1}
    voiding = {
        "actor": LEARNER,
        "verb": {"id": "http://adlnet.gov/expapi/verbs/voided"},
        "object": {"objectType": "StatementRef", "id": first},
    }
    assert xapi.post("/statements", json=voiding).status_code == 200
    after = word(client, 1)
    assert after["stats"] == {"correct_count": 0, "wrong_count": 1}
    assert after["srs"] != only_second["srs"]
    session = client.get(f"/api/v1/study_sessions/{session_id}").json()["data"]
    assert session["review_items_count"] == 1
    assert before["srs"]["state"] == "new"


def test_xapi_voiding_a_portal_answers_statement_takes_the_portal_answer_out(
    client: TestClient, xapi: XapiClient
) -> None:
    session_id = start_session(client)
    client.post(f"/api/v1/study_sessions/{session_id}/words/1/review", json={"correct": True})
    (statement,) = answered_statements(xapi)
    voiding = {
        "actor": LEARNER,
        "verb": {"id": "http://adlnet.gov/expapi/verbs/voided"},
        "object": {"objectType": "StatementRef", "id": statement["id"]},
    }
    assert xapi.post("/statements", json=voiding).status_code == 200
    assert word(client, 1)["stats"] == {"correct_count": 0, "wrong_count": 0}
    assert word(client, 1)["srs"]["state"] == "new"


def test_xapi_answered_statement_for_an_unknown_word_is_refused_and_stores_nothing(
    client: TestClient, xapi: XapiClient, services: Services
) -> None:
    session_id = start_session(client)
    body = [
        answered(1, registration_of(services, session_id), True),
        answered(99999, registration_of(services, session_id), True),
    ]
    response = xapi.post("/statements", json=body)
    assert response.status_code == 400
    assert "99999" in response.json()["message"]
    assert xapi.get("/statements").json()["statements"] == []
    assert word(client, 1)["stats"] == {"correct_count": 0, "wrong_count": 0}


def test_xapi_answered_statement_in_an_expired_session_is_refused(
    client: TestClient, xapi: XapiClient, services: Services, clock: FixedClock
) -> None:
    session_id = start_session(client)
    clock.advance(minutes=31)
    response = xapi.post(
        "/statements", json=answered(1, registration_of(services, session_id), True)
    )
    assert response.status_code == 400
    assert response.json()["code"] == "SESSION_EXPIRED"


def test_xapi_other_statements_about_words_are_not_answers(
    client: TestClient, xapi: XapiClient, services: Services
) -> None:
    session_id = start_session(client)
    registration = registration_of(services, session_id)
    no_success = answered(1, registration, True)
    no_success["result"] = {"response": "konnichiwa"}
    experienced = answered(
        1, registration, True, verb={"id": "http://adlnet.gov/expapi/verbs/experienced"}
    )
    assert xapi.post("/statements", json=[no_success, experienced]).status_code == 200
    assert word(client, 1)["stats"] == {"correct_count": 0, "wrong_count": 0}
    assert word(client, 1)["srs"]["state"] == "new"


def test_xapi_statements_outlive_a_history_reset_and_can_still_be_voided(
    client: TestClient, xapi: XapiClient
) -> None:
    session_id = start_session(client)
    client.post(f"/api/v1/study_sessions/{session_id}/words/1/review", json={"correct": True})
    assert client.post("/api/v1/reset_history").status_code == 200
    (statement,) = answered_statements(xapi)
    voiding = {
        "actor": LEARNER,
        "verb": {"id": "http://adlnet.gov/expapi/verbs/voided"},
        "object": {"objectType": "StatementRef", "id": statement["id"]},
    }
    assert xapi.post("/statements", json=voiding).status_code == 200
    assert xapi.get("/statements", params={"statementId": statement["id"]}).status_code == 404
    voided = xapi.get("/statements", params={"voidedStatementId": statement["id"]})
    assert voided.status_code == 200
    assert word(client, 1)["stats"] == {"correct_count": 0, "wrong_count": 0}


def test_xapi_answered_statement_voided_before_it_arrives_is_no_answer(
    client: TestClient, xapi: XapiClient, services: Services
) -> None:
    session_id = start_session(client)
    statement = answered(1, registration_of(services, session_id), True, id=str(uuid.uuid4()))
    voiding = {
        "actor": LEARNER,
        "verb": {"id": "http://adlnet.gov/expapi/verbs/voided"},
        "object": {"objectType": "StatementRef", "id": statement["id"]},
    }
    assert xapi.post("/statements", json=[voiding, statement]).status_code == 200
    assert word(client, 1)["stats"] == {"correct_count": 0, "wrong_count": 0}
    assert xapi.get("/statements", params={"voidedStatementId": statement["id"]}).status_code == 200
