"""The Alternate Request Syntax (Communication 1.3) over HTTP: 1.0.3 only, every resource."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from tests.api.xapi.conftest import XapiClient

ACTIVITY = "http://www.example.com/activityId/hashset"
AGENT = json.dumps({"mbox": "mailto:learner@example.com"})
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def state_fields(state_id: str = "bookmark") -> dict[str, str]:
    return {"activityId": ACTIVITY, "agent": AGENT, "stateId": state_id}


def alternate(
    client: TestClient,
    path: str,
    method: str,
    fields: dict[str, str],
    *,
    query: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """POST `path?method=...` with the fields as a form and no header but the form's type."""
    return client.post(
        "/xapi" + path,
        params={"method": method, **(query or {})},
        content=urlencode(fields).encode(),
        headers={**FORM, **(headers or {})},
    )


def header_fields(xapi: XapiClient, version: str = "1.0.3") -> dict[str, str]:
    return {"Authorization": xapi.key.basic_header(), "X-Experience-API-Version": version}


def test_xapi_00336_put_carried_by_a_form_stores_the_document(xapi: XapiClient) -> None:
    fields = {
        **state_fields(),
        **header_fields(xapi),
        "Content-Type": "application/json",
        "content": '{"page": 3}',
    }
    response = alternate(xapi.client, "/activities/state", "PUT", fields)
    assert response.status_code == 204, response.text
    assert response.headers["x-experience-api-version"] == "1.0.3"

    got = xapi.get("/activities/state", params=state_fields())
    assert got.json() == {"page": 3}
    assert got.headers["content-type"] == "application/json"


def test_xapi_00336_content_without_a_content_type_field_is_taken_as_json(
    xapi: XapiClient,
) -> None:
    fields = {**state_fields(), **header_fields(xapi), "content": '{"a": 1}'}
    assert alternate(xapi.client, "/activities/state", "POST", fields).status_code == 204
    got = xapi.get("/activities/state", params=state_fields())
    assert got.headers["content-type"] == "application/json"


def test_xapi_00336_get_and_head_carried_by_a_form(xapi: XapiClient) -> None:
    xapi.put(
        "/activities/state",
        params=state_fields(),
        content=b'{"a": 1}',
        headers={"Content-Type": "application/json"},
    )
    fields = {**state_fields(), **header_fields(xapi)}
    got = alternate(xapi.client, "/activities/state", "GET", fields)
    assert got.status_code == 200
    assert got.json() == {"a": 1}
    assert got.headers["etag"]

    head = alternate(xapi.client, "/activities/state", "HEAD", fields)
    assert head.status_code == 200
    assert head.content == b""
    assert head.headers["content-length"] == "0"
    assert head.headers["etag"] == got.headers["etag"]


def test_xapi_00336_delete_carried_by_a_form(xapi: XapiClient) -> None:
    xapi.put(
        "/activities/state",
        params=state_fields(),
        content=b"{}",
        headers={"Content-Type": "application/json"},
    )
    fields = {**state_fields(), **header_fields(xapi)}
    assert alternate(xapi.client, "/activities/state", "DELETE", fields).status_code == 204
    assert xapi.get("/activities/state", params=state_fields()).status_code == 404


def test_form_if_match_is_a_header(xapi: XapiClient) -> None:
    profile = {"activityId": ACTIVITY, "profileId": "p"}
    fields = {
        **profile,
        **header_fields(xapi),
        "If-None-Match": "*",
        "content": '{"v": 1}',
    }
    assert alternate(xapi.client, "/activities/profile", "PUT", fields).status_code == 204
    stale = {**fields, "content": '{"v": 2}', "If-Match": '"' + "0" * 40 + '"'}
    del stale["If-None-Match"]
    assert alternate(xapi.client, "/activities/profile", "PUT", stale).status_code == 412
    bare = {**profile, **header_fields(xapi), "content": '{"v": 2}'}
    assert alternate(xapi.client, "/activities/profile", "PUT", bare).status_code == 409
    assert xapi.get("/activities/profile", params=profile).json() == {"v": 1}


def test_form_headers_are_what_the_gate_checks(xapi: XapiClient) -> None:
    fields = {**state_fields(), "content": "{}"}
    unauthenticated = alternate(
        xapi.client,
        "/activities/state",
        "PUT",
        {**fields, "X-Experience-API-Version": "1.0.3"},
    )
    assert unauthenticated.status_code == 401
    old_version = alternate(
        xapi.client, "/activities/state", "PUT", {**fields, **header_fields(xapi, "0.8")}
    )
    assert old_version.status_code == 400
    # headers sent the usual way still count when the form does not carry them
    in_headers = alternate(
        xapi.client, "/activities/state", "PUT", fields, headers=header_fields(xapi)
    )
    assert in_headers.status_code == 204


def test_alternate_syntax_on_a_method_other_than_post_is_400(xapi: XapiClient) -> None:
    response = xapi.put(
        "/activities/state",
        params={"method": "POST"},
        content=urlencode({**state_fields(), "content": "{}"}).encode(),
        headers=FORM,
    )
    assert response.status_code == 400
    assert "POST" in response.json()["message"]


def test_alternate_syntax_with_other_query_parameters_is_400(xapi: XapiClient) -> None:
    fields = {**header_fields(xapi), "content": "{}"}
    response = alternate(xapi.client, "/activities/state", "PUT", fields, query=state_fields())
    assert response.status_code == 400
    assert "form parameters" in response.json()["message"]


def test_alternate_syntax_put_without_content_is_400(xapi: XapiClient) -> None:
    fields = {**state_fields(), **header_fields(xapi)}
    response = alternate(xapi.client, "/activities/state", "PUT", fields)
    assert response.status_code == 400
    assert "content" in response.json()["message"]


def test_alternate_syntax_body_that_is_not_a_form_is_400(xapi: XapiClient) -> None:
    body = json.dumps({**state_fields(), "content": "{}"}).encode()
    response = xapi.client.post(
        "/xapi/activities/state",
        params={"method": "PUT"},
        content=body,
        headers={**FORM, **header_fields(xapi)},
    )
    assert response.status_code == 400


def test_alternate_syntax_needs_a_form_content_type(xapi: XapiClient) -> None:
    response = xapi.client.post(
        "/xapi/activities/state",
        params={"method": "PUT"},
        content=urlencode({**state_fields(), "content": "{}"}).encode(),
        headers={"Content-Type": "application/json", **header_fields(xapi)},
    )
    assert response.status_code == 400


@pytest.mark.parametrize("method", ["PATCH", "OPTIONS", "put-it"])
def test_alternate_syntax_with_an_unknown_method_is_400(xapi: XapiClient, method: str) -> None:
    fields = {**state_fields(), **header_fields(xapi), "content": "{}"}
    assert alternate(xapi.client, "/activities/state", method, fields).status_code == 400


@pytest.mark.parametrize("where", ["form", "header"])
def test_alternate_syntax_is_refused_under_2_0(xapi: XapiClient, where: str) -> None:
    fields = {**state_fields(), "content": "{}", "Authorization": xapi.key.basic_header()}
    if where == "form":
        fields["X-Experience-API-Version"] = "2.0.0"
        headers = {}
    else:
        headers = {"X-Experience-API-Version": "2.0.0"}
    response = alternate(xapi.client, "/activities/state", "PUT", fields, headers=headers)
    assert response.status_code == 400
    assert "2.0" in response.json()["message"]
    assert response.headers["x-experience-api-version"] == (
        "2.0.0" if where == "header" else "1.0.3"
    )
    assert xapi.get("/activities/state", params=state_fields()).status_code == 404


def test_a_form_post_without_method_is_an_ordinary_request(xapi: XapiClient) -> None:
    """A document may be of any type, a form among them: without ?method= it is stored."""
    content = urlencode({"a": "1"}).encode()
    response = xapi.post("/activities/state", params=state_fields(), content=content, headers=FORM)
    assert response.status_code == 204
    got = xapi.get("/activities/state", params=state_fields())
    assert got.content == content
    assert got.headers["content-type"] == "application/x-www-form-urlencoded"


STATEMENT = {
    "actor": {"objectType": "Agent", "mbox": "mailto:learner@example.com"},
    "verb": {"id": "http://adlnet.gov/expapi/verbs/attended", "display": {"en-US": "attended"}},
    "object": {"objectType": "Activity", "id": "http://www.example.com/meetings/1"},
}
STATEMENT_ID = "c70c2b85-c294-464f-baca-cebd4fb9b348"


def test_xapi_00336_statement_put_and_get_carried_by_forms(xapi: XapiClient) -> None:
    """Appendix C's example: a statement PUT as a form, then read back as a form GET."""
    put_fields = {
        "statementId": STATEMENT_ID,
        **header_fields(xapi),
        "Content-Type": "application/json",
        "content": json.dumps(STATEMENT),
    }
    assert alternate(xapi.client, "/statements", "PUT", put_fields).status_code == 204

    get_fields = {"statementId": STATEMENT_ID, **header_fields(xapi)}
    got = alternate(xapi.client, "/statements", "GET", get_fields)
    assert got.status_code == 200
    assert got.json()["id"] == STATEMENT_ID
    assert got.json()["verb"]["id"] == STATEMENT["verb"]["id"]

    listing = alternate(xapi.client, "/statements", "GET", {"limit": "1", **header_fields(xapi)})
    assert listing.status_code == 200
    assert [item["id"] for item in listing.json()["statements"]] == [STATEMENT_ID]
