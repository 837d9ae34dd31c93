"""The xAPI door refuses an `answered` statement for a closed session as the portal does, the
way it refuses one for an expired session: 400 with the portal's code, nothing stored."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from lang_portal.service.container import Services
from tests.api.xapi.conftest import XapiClient
from tests.api.xapi.test_xapi_two_doors import answered, registration_of, start_session, word


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
    assert xapi.get("/statements").json()["statements"] == []
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
