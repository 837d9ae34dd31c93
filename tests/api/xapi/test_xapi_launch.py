"""A study activity launched the xAPI way: endpoint, auth, actor, registration, activity_id,
and a short-lived key good for that registration only."""

from __future__ import annotations

import json
import uuid
from typing import Any
from urllib.parse import parse_qs, urlsplit

from fastapi.testclient import TestClient

from lang_portal.clock import FixedClock
from lang_portal.service.container import Services
from tests.api.xapi.conftest import XapiClient

BASE = "https://lang-portal.example/xapi/"
ANSWERED = "http://adlnet.gov/expapi/verbs/answered"


def launch(client: TestClient, **body: Any) -> dict[str, Any]:
    response = client.post("/api/v1/study_activities/1/launch", json={"group_id": 1, **body})
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()["data"]
    return data


def launched_headers(launched: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": launched["xapi"]["auth"], "X-Experience-API-Version": "1.0.3"}


def answer(launched: dict[str, Any], registration: str | None = None) -> dict[str, Any]:
    return {
        "actor": launched["xapi"]["actor"],
        "verb": {"id": ANSWERED},
        "object": {"id": f"{BASE}words/1"},
        "result": {"success": True},
        "context": {"registration": registration or launched["xapi"]["registration"]},
    }


def test_xapi_launch_url_carries_the_launch_parameters(client: TestClient) -> None:
    launched = launch(client, xapi=True)
    query = {
        key: values[0] for key, values in parse_qs(urlsplit(launched["launch_url"]).query).items()
    }
    assert query["endpoint"] == "http://testserver/xapi/"
    assert query["auth"].startswith("Basic ")
    assert json.loads(query["actor"])["account"] == {"homePage": BASE, "name": "learner"}
    uuid.UUID(query["registration"])
    assert query["activity_id"] == f"{BASE}study-activities/1"
    assert query["session_id"] == str(launched["study_session_id"])
    assert query["mode"] == "typing"  # the activity's own query is kept
    assert launched["xapi"]["registration"] == query["registration"]
    assert launched["xapi"]["expires_at"]


def test_xapi_plain_launch_has_no_xapi_parameters(client: TestClient) -> None:
    launched = launch(client)
    assert "xapi" not in launched
    assert "auth=" not in launched["launch_url"]


def test_xapi_launch_key_records_answers_in_its_registration(
    client: TestClient, xapi: XapiClient
) -> None:
    launched = launch(client, xapi=True)
    headers = launched_headers(launched)
    response = client.post("/xapi/statements", json=answer(launched), headers=headers)
    assert response.status_code == 200, response.text
    session = client.get(f"/api/v1/study_sessions/{launched['study_session_id']}").json()["data"]
    assert session["review_items_count"] == 1
    listed = client.get("/xapi/statements", headers=headers).json()["statements"]
    assert [s["id"] for s in listed] == response.json()


def test_xapi_launch_key_is_refused_for_another_registration(
    client: TestClient, xapi: XapiClient
) -> None:
    launched = launch(client, xapi=True)
    headers = launched_headers(launched)
    other = str(uuid.uuid4())
    response = client.post("/xapi/statements", json=answer(launched, other), headers=headers)
    assert response.status_code == 403
    read = client.get("/xapi/statements", params={"registration": other}, headers=headers)
    assert read.status_code == 403
    # statements of other registrations stay out of its reads
    (elsewhere,) = xapi.post("/statements", json=answer(launch(client, xapi=True))).json()
    assert client.get("/xapi/statements", headers=headers).json()["statements"] == []
    single = client.get("/xapi/statements", params={"statementId": elsewhere}, headers=headers)
    assert single.status_code == 403


def test_xapi_launch_key_expires(client: TestClient, clock: FixedClock) -> None:
    launched = launch(client, xapi=True)
    clock.advance(minutes=241)
    response = client.get("/xapi/statements", headers=launched_headers(launched))
    assert response.status_code == 401
    assert "expired" in response.json()["message"]


def test_xapi_expired_launch_keys_are_deleted_as_new_ones_are_made(
    client: TestClient, clock: FixedClock, services: Services
) -> None:
    launch(client, xapi=True)
    clock.advance(minutes=241)
    launch(client, xapi=True)
    with services.context.db.read() as connection:
        count = connection.execute(
            "SELECT count(*) FROM xapi_keys WHERE registration IS NOT NULL"
        ).fetchone()[0]
    assert count == 1
