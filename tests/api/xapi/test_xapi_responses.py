"""xAPI result.response is the answer's response, and a portal answer's response is its
statement's result.response."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from lang_portal.service.container import Services
from tests.api.xapi.conftest import XapiClient
from tests.helpers import review_path, start_session

BASE = "https://lang-portal.example/xapi/"
ANSWERED = "http://adlnet.gov/expapi/verbs/answered"


def test_xapi_result_response_becomes_the_answers_response_and_back(
    client: TestClient, xapi: XapiClient, services: Services
) -> None:
    session = start_session(client, 1)
    stored = client.post(
        "/api" + review_path(session, 3), json={"correct": False, "response": "sayonara"}
    )
    assert stored.status_code == 201
    statements = xapi.get("/statements", params={"verb": ANSWERED}).json()["statements"]
    assert statements[0]["result"]["response"] == "sayonara"

    with services.context.db.read() as connection:
        registration = connection.execute(
            "SELECT registration FROM study_sessions WHERE id = ?", (session,)
        ).fetchone()[0]

    def answered(response: object) -> dict[str, Any]:
        return {
            "actor": {"objectType": "Agent", "mbox": "mailto:hana@example.com"},
            "verb": {"id": ANSWERED},
            "object": {"objectType": "Activity", "id": f"{BASE}words/3"},
            "result": {"success": False, "response": response},
            "context": {"registration": registration},
        }

    # a response the portal's text rules refuse is left out of the answer; the statement stays
    posted = xapi.post(
        "/statements", json=[answered("  sayoonara "), answered("x" * 300), answered("sayonara")]
    )
    assert posted.status_code == 200, posted.text
    reviews = client.get("/api/words/3/reviews", params={"per_page": 10}).json()["items"]
    assert sorted((r["response"] or "-") for r in reviews) == [
        "-",
        "sayonara",
        "sayonara",
        "sayoonara",
    ]
    mistakes = client.get("/api/words/3").json()["common_mistakes"]
    assert mistakes == [{"response": "sayonara", "count": 2}, {"response": "sayoonara", "count": 1}]
