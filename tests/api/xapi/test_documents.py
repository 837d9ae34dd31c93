"""State, Activity Profile and Agent Profile resources over HTTP (Communication 2.2-2.7, 3.1)."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from email.utils import parsedate_to_datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from lang_portal.clock import FixedClock
from lang_portal.service.container import Services
from lang_portal.xapi.auth import create_key
from tests.api.xapi.conftest import XapiClient

STATE = "/activities/state"
ACTIVITY_PROFILE = "/activities/profile"
AGENT_PROFILE = "/agents/profile"
ACTIVITY = "http://www.example.com/activityId/hashset"
AGENT = {
    "objectType": "Agent",
    "account": {"homePage": "http://www.example.com/agentId/1", "name": "Rick"},
}
REGISTRATION = "ec531277-b57b-4c15-8d91-d292c5b2b8f7"
JSON_HEADERS = {"Content-Type": "application/json"}


def state_params(state_id: str = "bookmark", **extra: Any) -> dict[str, str]:
    params = {"activityId": ACTIVITY, "agent": json.dumps(AGENT), "stateId": state_id}
    params.update({name: str(value) for name, value in extra.items()})
    return params


def activity_profile_params(profile_id: str = "settings") -> dict[str, str]:
    return {"activityId": ACTIVITY, "profileId": profile_id}


def agent_profile_params(profile_id: str = "preferences") -> dict[str, str]:
    return {"agent": json.dumps(AGENT), "profileId": profile_id}


def quoted_sha1(content: bytes) -> str:
    return '"' + hashlib.sha1(content).hexdigest() + '"'


def send_json(
    xapi: XapiClient, method: str, path: str, params: dict[str, str], document: Any, **headers: str
) -> Any:
    return xapi.request(
        method,
        path,
        params=params,
        content=json.dumps(document).encode(),
        headers={**JSON_HEADERS, **headers},
    )


# -- State: single documents -----------------------------------------------------------------


def test_xapi_00190_state_put_stores_the_document_as_sent(xapi: XapiClient) -> None:
    content = b'{"page": 7, "note": "\xe3\x81\x82"}'
    put = xapi.put(STATE, params=state_params(), content=content, headers=JSON_HEADERS)
    assert put.status_code == 204
    assert put.content == b""

    got = xapi.get(STATE, params=state_params())
    assert got.status_code == 200
    assert got.content == content
    assert got.headers["content-type"] == "application/json"
    assert got.headers["etag"] == quoted_sha1(content)
    assert got.headers["x-experience-api-version"] == "1.0.3"
    assert parsedate_to_datetime(got.headers["last-modified"]).year == 2026


def test_xapi_00188_state_get_of_a_missing_document_is_404(xapi: XapiClient) -> None:
    response = xapi.get(STATE, params=state_params("never-stored"))
    assert response.status_code == 404
    assert "never-stored" in response.json()["message"]


def test_state_keeps_any_content_type_and_bytes(xapi: XapiClient) -> None:
    content = bytes(range(256))
    params = state_params("blob")
    headers = {"Content-Type": "application/octet-stream"}
    assert xapi.put(STATE, params=params, content=content, headers=headers).status_code == 204
    got = xapi.get(STATE, params=params)
    assert got.content == content
    assert got.headers["content-type"] == "application/octet-stream"
    assert got.headers["etag"] == quoted_sha1(content)


def test_state_put_of_invalid_json_as_application_json_is_400(xapi: XapiClient) -> None:
    response = xapi.put(STATE, params=state_params(), content=b"{not json", headers=JSON_HEADERS)
    assert response.status_code == 400
    assert xapi.get(STATE, params=state_params()).status_code == 404


def test_xapi_00233_state_post_of_a_new_document_stores_it(xapi: XapiClient) -> None:
    document = {"car": "MKX", "colour": "red"}
    assert send_json(xapi, "POST", STATE, state_params(), document).status_code == 204
    assert xapi.get(STATE, params=state_params()).json() == document


def test_xapi_00234_state_post_merges_top_level_properties(xapi: XapiClient) -> None:
    params = state_params()
    first = {"car": {"make": "Ford", "model": "Escape"}, "driver": "Dale", "x": "foo"}
    second = {"car": {"make": "Dodge"}, "driver": "Jeff", "z": "faz"}
    assert send_json(xapi, "POST", STATE, params, first).status_code == 204
    assert send_json(xapi, "POST", STATE, params, second).status_code == 204
    got = xapi.get(STATE, params=params)
    # XAPI-00183: only top-level properties merge; an object property is replaced whole
    assert got.json() == {"car": {"make": "Dodge"}, "driver": "Jeff", "x": "foo", "z": "faz"}
    assert got.headers["content-type"] == "application/json"
    assert got.headers["etag"] == quoted_sha1(got.content)


def test_xapi_00229_state_post_of_non_json_onto_json_is_400_and_changes_nothing(
    xapi: XapiClient,
) -> None:
    params = state_params()
    send_json(xapi, "POST", STATE, params, {"a": 1})
    before = xapi.get(STATE, params=params)
    response = xapi.post(
        STATE, params=params, content=b"abcdefg", headers={"Content-Type": "not/json"}
    )
    assert response.status_code == 400
    after = xapi.get(STATE, params=params)
    assert after.content == before.content
    assert after.headers["etag"] == before.headers["etag"]


def test_xapi_00229_state_post_of_json_onto_non_json_is_400_and_changes_nothing(
    xapi: XapiClient,
) -> None:
    params = state_params()
    headers = {"Content-Type": "application/octet-stream"}
    assert xapi.put(STATE, params=params, content=b"/ asdf /", headers=headers).status_code == 204
    assert send_json(xapi, "POST", STATE, params, {"a": 1}).status_code == 400
    assert xapi.get(STATE, params=params).content == b"/ asdf /"


@pytest.mark.parametrize("posted", [b'{"a": 1}{', b"[1, 2]", b'"text"'])
def test_xapi_00232_state_post_of_json_that_is_not_an_object_is_400(
    xapi: XapiClient, posted: bytes
) -> None:
    params = state_params()
    send_json(xapi, "POST", STATE, params, {"a": 1})
    response = xapi.post(STATE, params=params, content=posted, headers=JSON_HEADERS)
    assert response.status_code == 400
    assert xapi.get(STATE, params=params).json() == {"a": 1}


def test_xapi_00187_state_delete_removes_the_document(xapi: XapiClient) -> None:
    send_json(xapi, "PUT", STATE, state_params(), {"a": 1})
    assert xapi.delete(STATE, params=state_params()).status_code == 204
    assert xapi.get(STATE, params=state_params()).status_code == 404
    # deleting what is not there is no error
    assert xapi.delete(STATE, params=state_params()).status_code == 204


def test_state_agent_is_matched_by_its_identifier_not_its_spelling(xapi: XapiClient) -> None:
    send_json(xapi, "PUT", STATE, state_params(), {"a": 1})
    same_person = {
        "account": {"name": "Rick", "homePage": "http://www.example.com/agentId/1"},
        "name": "Rick James",
    }
    params = {**state_params(), "agent": json.dumps(same_person)}
    assert xapi.get(STATE, params=params).json() == {"a": 1}
    other = {"mbox": "mailto:rick@example.com"}
    assert xapi.get(STATE, params={**params, "agent": json.dumps(other)}).status_code == 404


# -- State: parameters ------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["PUT", "POST", "GET", "DELETE"])
@pytest.mark.parametrize("missing", ["activityId", "agent"])
def test_xapi_00207_to_00215_state_without_a_required_parameter_is_400(
    xapi: XapiClient, method: str, missing: str
) -> None:
    params = state_params()
    del params[missing]
    response = send_json(xapi, method, STATE, params, {"a": 1})
    assert response.status_code == 400
    assert missing in response.json()["message"]


@pytest.mark.parametrize("method", ["PUT", "POST"])
def test_xapi_00206_00211_state_write_without_state_id_is_400(
    xapi: XapiClient, method: str
) -> None:
    params = state_params()
    del params["stateId"]
    response = send_json(xapi, method, STATE, params, {"a": 1})
    assert response.status_code == 400
    assert "stateId" in response.json()["message"]


@pytest.mark.parametrize("method", ["PUT", "POST", "GET", "DELETE"])
@pytest.mark.parametrize(
    "agent",
    [
        "not JSON",
        "true",
        '{"objectType": "Agent"}',
        '{"mbox": "rick@example.com"}',
        '{"mbox": "mailto:a@example.com", "openid": "http://example.com/a"}',
        '{"objectType": "Group", "mbox": "mailto:team@example.com"}',
    ],
)
def test_xapi_00196_to_00199_state_with_an_agent_that_is_not_an_agent_is_400(
    xapi: XapiClient, method: str, agent: str
) -> None:
    response = send_json(xapi, method, STATE, {**state_params(), "agent": agent}, {"a": 1})
    assert response.status_code == 400
    assert "agent" in response.json()["message"]


@pytest.mark.parametrize("method", ["PUT", "POST", "GET", "DELETE"])
@pytest.mark.parametrize("registration", ["true", "12345", REGISTRATION.replace("-", "")])
def test_xapi_00200_to_00203_state_with_a_registration_that_is_not_a_uuid_is_400(
    xapi: XapiClient, method: str, registration: str
) -> None:
    params = state_params(registration=registration)
    response = send_json(xapi, method, STATE, params, {"a": 1})
    assert response.status_code == 400
    assert "registration" in response.json()["message"]


@pytest.mark.parametrize("name", ["foo", "StateId", "activityid"])
def test_xapi_00324_state_with_an_unknown_parameter_is_400(xapi: XapiClient, name: str) -> None:
    params = {**state_params(), name: "x"}
    response = xapi.get(STATE, params=params)
    assert response.status_code == 400
    assert name in response.json()["message"]


def test_state_parameter_given_twice_is_400(xapi: XapiClient) -> None:
    query = [*state_params().items(), ("stateId", "other")]
    response = xapi.get(STATE, params=query)
    assert response.status_code == 400


def test_xapi_00218_to_00220_registration_is_part_of_the_state_context(xapi: XapiClient) -> None:
    with_registration = state_params(registration=REGISTRATION)
    send_json(xapi, "PUT", STATE, with_registration, {"in": "registration"})
    send_json(xapi, "PUT", STATE, state_params(), {"in": "none"})
    assert xapi.get(STATE, params=with_registration).json() == {"in": "registration"}
    upper = state_params(registration=REGISTRATION.upper())
    assert xapi.get(STATE, params=upper).json() == {"in": "registration"}
    assert xapi.get(STATE, params=state_params()).json() == {"in": "none"}
    assert xapi.delete(STATE, params=with_registration).status_code == 204
    assert xapi.get(STATE, params=with_registration).status_code == 404
    assert xapi.get(STATE, params=state_params()).json() == {"in": "none"}


# -- State: several documents -----------------------------------------------------------------


def context_params(**extra: str) -> dict[str, str]:
    params = state_params(**extra)
    del params["stateId"]
    return params


def test_xapi_00193_state_get_without_state_id_lists_the_ids(
    xapi: XapiClient, clock: FixedClock
) -> None:
    send_json(xapi, "PUT", STATE, state_params("a"), {"n": 1})
    clock.advance(seconds=2)
    send_json(xapi, "PUT", STATE, state_params("b"), {"n": 2})
    other_activity = {**state_params("c"), "activityId": "http://example.com/other"}
    send_json(xapi, "PUT", STATE, other_activity, {"n": 3})

    response = xapi.get(STATE, params=context_params())
    assert response.status_code == 200
    assert response.json() == ["a", "b"]
    assert response.headers["content-type"] == "application/json"
    assert response.headers["etag"] == quoted_sha1(response.content)
    latest = parsedate_to_datetime(response.headers["last-modified"])
    assert latest == clock.now().replace(microsecond=0)


def test_xapi_00195_state_ids_since_are_those_updated_after_it(
    xapi: XapiClient, clock: FixedClock
) -> None:
    send_json(xapi, "PUT", STATE, state_params("old"), {"n": 1})
    since = clock.advance(seconds=1)
    send_json(xapi, "PUT", STATE, state_params("at-since"), {"n": 2})
    clock.advance(seconds=1)
    send_json(xapi, "PUT", STATE, state_params("new"), {"n": 3})
    clock.advance(seconds=1)
    send_json(xapi, "POST", STATE, state_params("old"), {"m": 1})  # an update counts

    params = context_params(since=since.isoformat().replace("+00:00", "Z"))
    assert xapi.get(STATE, params=params).json() == ["new", "old"]
    offset = since.astimezone().isoformat()  # the same moment written with another offset
    assert xapi.get(STATE, params=context_params(since=offset)).json() == ["new", "old"]


@pytest.mark.parametrize("since", ["not a timestamp", "true", "2026-13-01T00:00:00Z", "2026-01-15"])
def test_xapi_00204_state_since_that_is_not_a_timestamp_is_400(
    xapi: XapiClient, since: str
) -> None:
    response = xapi.get(STATE, params=context_params(since=since))
    assert response.status_code == 400
    assert "since" in response.json()["message"]


def test_state_list_of_an_empty_context_is_an_empty_array(xapi: XapiClient) -> None:
    response = xapi.get(STATE, params=context_params())
    assert response.status_code == 200
    assert response.json() == []


def test_xapi_00194_state_delete_without_state_id_deletes_the_context(xapi: XapiClient) -> None:
    send_json(xapi, "PUT", STATE, state_params("a"), {"n": 1})
    send_json(xapi, "PUT", STATE, state_params("b", registration=REGISTRATION), {"n": 2})
    other_agent = {**state_params("c"), "agent": json.dumps({"mbox": "mailto:x@example.com"})}
    send_json(xapi, "PUT", STATE, other_agent, {"n": 3})

    assert xapi.delete(STATE, params=context_params()).status_code == 204
    assert xapi.get(STATE, params=context_params()).json() == []
    assert xapi.get(STATE, params=other_agent).json() == {"n": 3}


def test_state_delete_with_a_registration_deletes_only_that_registration(
    xapi: XapiClient,
) -> None:
    send_json(xapi, "PUT", STATE, state_params("a"), {"n": 1})
    send_json(xapi, "PUT", STATE, state_params("b", registration=REGISTRATION), {"n": 2})
    params = context_params(registration=REGISTRATION)
    assert xapi.delete(STATE, params=params).status_code == 204
    assert xapi.get(STATE, params=context_params()).json() == ["a"]


# -- Concurrency (Communication 3.1) ----------------------------------------------------------


def test_state_1_0_3_put_without_precondition_replaces_an_existing_document(
    xapi: XapiClient,
) -> None:
    send_json(xapi, "PUT", STATE, state_params(), {"v": 1})
    assert send_json(xapi, "PUT", STATE, state_params(), {"v": 2}).status_code == 204
    assert xapi.get(STATE, params=state_params()).json() == {"v": 2}


def test_state_2_0_put_without_precondition_over_an_existing_document_is_409(
    xapi2: XapiClient,
) -> None:
    assert send_json(xapi2, "PUT", STATE, state_params(), {"v": 1}).status_code == 204
    response = send_json(xapi2, "PUT", STATE, state_params(), {"v": 2})
    assert response.status_code == 409
    assert "If-Match" in response.json()["message"]
    assert xapi2.get(STATE, params=state_params()).json() == {"v": 1}


PROFILES = [
    pytest.param(ACTIVITY_PROFILE, activity_profile_params(), id="activity-profile"),
    pytest.param(AGENT_PROFILE, agent_profile_params(), id="agent-profile"),
]
EVERY_RESOURCE = [pytest.param(STATE, state_params(), id="state"), *PROFILES]


@pytest.mark.parametrize(("path", "params"), PROFILES)
def test_xapi_00273_profile_put_without_a_precondition_is_refused(
    xapi: XapiClient, path: str, params: dict[str, str]
) -> None:
    response = send_json(xapi, "PUT", path, params, {"v": 1})
    assert response.status_code == 400
    assert "If-None-Match" in response.json()["message"]
    assert xapi.get(path, params=params).status_code == 404


@pytest.mark.parametrize("version", ["1.0.3", "2.0.0"])
@pytest.mark.parametrize(("path", "params"), PROFILES)
def test_xapi_00322_profile_put_without_a_precondition_over_a_document_is_409(
    xapi: XapiClient, path: str, params: dict[str, str], version: str
) -> None:
    xapi.version = version
    assert (
        send_json(xapi, "PUT", path, params, {"v": 1}, **{"If-None-Match": "*"}).status_code == 204
    )
    response = send_json(xapi, "PUT", path, params, {"v": 2})
    assert response.status_code == 409
    assert "ETag" in response.json()["message"]
    assert xapi.get(path, params=params).json() == {"v": 1}


@pytest.mark.parametrize(("path", "params"), EVERY_RESOURCE)
def test_xapi_00322_if_none_match_star_creates_once(
    xapi: XapiClient, path: str, params: dict[str, str]
) -> None:
    assert (
        send_json(xapi, "PUT", path, params, {"v": 1}, **{"If-None-Match": "*"}).status_code == 204
    )
    response = send_json(xapi, "PUT", path, params, {"v": 2}, **{"If-None-Match": "*"})
    assert response.status_code == 412
    assert xapi.get(path, params=params).json() == {"v": 1}
    merge = send_json(xapi, "POST", path, params, {"w": 2}, **{"If-None-Match": "*"})
    assert merge.status_code == 412


@pytest.mark.parametrize(("path", "params"), EVERY_RESOURCE)
@pytest.mark.parametrize("version", ["1.0.3", "2.0.0"])
def test_xapi_00322_if_match_guards_put_post_and_delete(
    xapi: XapiClient, path: str, params: dict[str, str], version: str
) -> None:
    xapi.version = version
    send_json(xapi, "POST", path, params, {"v": 1})
    etag = xapi.get(path, params=params).headers["etag"]
    stale = '"' + "1" * 40 + '"'

    for method in ("PUT", "POST"):
        refused = send_json(xapi, method, path, params, {"v": 9}, **{"If-Match": stale})
        assert refused.status_code == 412, method
    refused_delete = xapi.delete(path, params=params, headers={"If-Match": stale})
    assert refused_delete.status_code == 412
    unchanged = xapi.get(path, params=params)
    assert unchanged.json() == {"v": 1}
    assert unchanged.headers["etag"] == etag

    assert send_json(xapi, "PUT", path, params, {"v": 2}, **{"If-Match": etag}).status_code == 204
    etag = xapi.get(path, params=params).headers["etag"]
    merged = send_json(xapi, "POST", path, params, {"w": 3}, **{"If-Match": f"W/{etag}"})
    assert merged.status_code == 204
    current = xapi.get(path, params=params)
    assert current.json() == {"v": 2, "w": 3}
    both = f'"{"0" * 40}", {current.headers["etag"]}'
    assert xapi.delete(path, params=params, headers={"If-Match": both}).status_code == 204
    assert xapi.get(path, params=params).status_code == 404


@pytest.mark.parametrize(("path", "params"), EVERY_RESOURCE)
def test_if_match_on_a_missing_document_is_412(
    xapi: XapiClient, path: str, params: dict[str, str]
) -> None:
    response = send_json(xapi, "PUT", path, params, {"v": 1}, **{"If-Match": "*"})
    assert response.status_code == 412
    assert xapi.get(path, params=params).status_code == 404


# -- Profiles ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("path", "params"), PROFILES)
def test_xapi_00279_00310_profile_post_creates_then_merges(
    xapi: XapiClient, path: str, params: dict[str, str]
) -> None:
    assert send_json(xapi, "POST", path, params, {"car": "Honda"}).status_code == 204
    assert send_json(xapi, "POST", path, params, {"type": "Civic"}).status_code == 204
    assert xapi.get(path, params=params).json() == {"car": "Honda", "type": "Civic"}


@pytest.mark.parametrize(("path", "params"), PROFILES)
def test_xapi_00281_00313_profile_post_onto_a_non_json_document_is_400(
    xapi: XapiClient, path: str, params: dict[str, str]
) -> None:
    headers = {"Content-Type": "text/plain", "If-None-Match": "*"}
    assert xapi.put(path, params=params, content=b"plain", headers=headers).status_code == 204
    assert send_json(xapi, "POST", path, params, {"a": 1}).status_code == 400
    got = xapi.get(path, params=params)
    assert got.content == b"plain"
    assert got.headers["content-type"].startswith("text/plain")


@pytest.mark.parametrize(
    ("path", "params", "id_name"),
    [
        (ACTIVITY_PROFILE, activity_profile_params(), "profileId"),
        (AGENT_PROFILE, agent_profile_params(), "profileId"),
    ],
)
@pytest.mark.parametrize("method", ["PUT", "POST", "DELETE"])
def test_xapi_00265_00300_profile_write_without_profile_id_is_400(
    xapi: XapiClient, path: str, params: dict[str, str], id_name: str, method: str
) -> None:
    without = {name: value for name, value in params.items() if name != id_name}
    response = send_json(xapi, method, path, without, {"a": 1}, **{"If-None-Match": "*"})
    assert response.status_code == 400
    assert id_name in response.json()["message"]


def test_xapi_00296_activity_profile_without_activity_id_is_400(xapi: XapiClient) -> None:
    response = xapi.get(ACTIVITY_PROFILE, params={"profileId": "settings"})
    assert response.status_code == 400
    assert "activityId" in response.json()["message"]


def test_activity_profile_activity_id_must_be_an_iri(xapi: XapiClient) -> None:
    response = xapi.get(ACTIVITY_PROFILE, params={"activityId": "not an iri"})
    assert response.status_code == 400


@pytest.mark.parametrize("agent", ["true", '{"name": "nobody"}'])
def test_xapi_00255_to_00258_agent_profile_agent_must_be_an_agent(
    xapi: XapiClient, agent: str
) -> None:
    response = xapi.get(AGENT_PROFILE, params={"agent": agent, "profileId": "p"})
    assert response.status_code == 400


@pytest.mark.parametrize(("path", "params"), PROFILES)
def test_xapi_00270_00303_profile_ids_with_since(
    xapi: XapiClient, clock: FixedClock, path: str, params: dict[str, str]
) -> None:
    first = {**params, "profileId": "first"}
    second = {**params, "profileId": "second"}
    send_json(xapi, "POST", path, first, {"n": 1})
    since = clock.advance(seconds=1)
    clock.advance(seconds=1)
    send_json(xapi, "POST", path, second, {"n": 2})
    listing = {name: value for name, value in params.items() if name != "profileId"}
    assert xapi.get(path, params=listing).json() == ["first", "second"]
    with_since = {**listing, "since": since.isoformat()}
    assert xapi.get(path, params=with_since).json() == ["second"]
    bad = xapi.get(path, params={**listing, "since": "yesterday"})
    assert bad.status_code == 400


def test_profile_since_with_a_profile_id_is_400(xapi: XapiClient) -> None:
    params = {**activity_profile_params(), "since": "2026-01-01T00:00:00Z"}
    assert xapi.get(ACTIVITY_PROFILE, params=params).status_code == 400


def test_documents_of_the_three_resources_do_not_mix(xapi: XapiClient) -> None:
    send_json(xapi, "PUT", STATE, state_params("same"), {"from": "state"})
    profile = {**activity_profile_params("same")}
    send_json(
        xapi, "PUT", ACTIVITY_PROFILE, profile, {"from": "activity"}, **{"If-None-Match": "*"}
    )
    agent = {**agent_profile_params("same")}
    send_json(xapi, "PUT", AGENT_PROFILE, agent, {"from": "agent"}, **{"If-None-Match": "*"})
    assert xapi.get(STATE, params=state_params("same")).json() == {"from": "state"}
    assert xapi.get(ACTIVITY_PROFILE, params=profile).json() == {"from": "activity"}
    assert xapi.get(AGENT_PROFILE, params=agent).json() == {"from": "agent"}


# -- HEAD, Last-Modified, authentication -------------------------------------------------------


@pytest.mark.parametrize(("path", "params"), EVERY_RESOURCE)
def test_xapi_00125_head_answers_as_get_without_the_body(
    xapi: XapiClient, path: str, params: dict[str, str]
) -> None:
    send_json(xapi, "POST", path, params, {"v": 1})
    got = xapi.get(path, params=params)
    head = xapi.head(path, params=params)
    assert head.status_code == 200
    assert head.content == b""
    for name in ("etag", "last-modified", "content-type", "x-experience-api-version"):
        assert head.headers[name] == got.headers[name]
    listing = {
        name: value for name, value in params.items() if name not in ("stateId", "profileId")
    }
    assert xapi.head(path, params=listing).status_code == 200
    assert xapi.head(path, params={**params, "profileId": "x", "stateId": "x"}).status_code == 400


def test_last_modified_moves_when_the_document_changes(
    xapi2: XapiClient, clock: FixedClock
) -> None:
    send_json(xapi2, "POST", STATE, state_params(), {"v": 1})
    before = parsedate_to_datetime(xapi2.get(STATE, params=state_params()).headers["last-modified"])
    clock.advance(seconds=2)
    send_json(xapi2, "POST", STATE, state_params(), {"v": 2})
    after = parsedate_to_datetime(xapi2.get(STATE, params=state_params()).headers["last-modified"])
    assert (after - before).total_seconds() == 2


@pytest.mark.parametrize("path", [STATE, ACTIVITY_PROFILE, AGENT_PROFILE])
def test_document_resources_need_a_key(xapi: XapiClient, path: str) -> None:
    response = xapi.client.get(
        "/xapi" + path, params=state_params(), headers={"X-Experience-API-Version": "1.0.3"}
    )
    assert response.status_code == 401


# -- Launch keys ------------------------------------------------------------------------------


@pytest.fixture
def launched(xapi: XapiClient, services: Services) -> XapiClient:
    """A client holding a launch key: one registration, the learner AGENT."""
    key = create_key(
        services.context.db,
        "launch",
        services.context.clock.now(),
        registration=REGISTRATION,
        actor=AGENT,
        expires_at=services.context.clock.now() + timedelta(hours=1),
    )
    return XapiClient(xapi.client, key)


def test_a_launch_key_reaches_the_state_of_its_registration_only(
    launched: XapiClient, xapi: XapiClient
) -> None:
    own = state_params(registration=REGISTRATION)
    assert send_json(launched, "PUT", STATE, own, {"v": 1}).status_code == 204
    assert launched.get(STATE, params=own).json() == {"v": 1}
    assert launched.get(STATE, params=context_params(registration=REGISTRATION)).json() == [
        "bookmark"
    ]

    other_registration = state_params(registration="0b7a1c9e-5a4e-4c8e-9a39-2f6f1d2c3b4a")
    for params in (state_params(), other_registration, context_params()):
        response = launched.get(STATE, params=params)
        assert response.status_code == 403, params
        assert "registration" in response.json()["message"]
    assert launched.delete(STATE, params=context_params()).status_code == 403
    assert xapi.get(STATE, params=own).json() == {"v": 1}

    someone_else = {**own, "agent": json.dumps({"mbox": "mailto:other@example.com"})}
    assert send_json(launched, "PUT", STATE, someone_else, {"v": 2}).status_code == 403


def test_a_launch_key_reads_but_does_not_change_activity_profiles(
    launched: XapiClient, xapi: XapiClient
) -> None:
    params = activity_profile_params()
    send_json(xapi, "PUT", ACTIVITY_PROFILE, params, {"v": 1}, **{"If-None-Match": "*"})
    assert launched.get(ACTIVITY_PROFILE, params=params).json() == {"v": 1}
    refused = send_json(launched, "POST", ACTIVITY_PROFILE, params, {"v": 2})
    assert refused.status_code == 403
    assert launched.delete(ACTIVITY_PROFILE, params=params).status_code == 403
    assert xapi.get(ACTIVITY_PROFILE, params=params).json() == {"v": 1}


def test_a_launch_key_reaches_its_own_learners_agent_profile_only(launched: XapiClient) -> None:
    own = agent_profile_params()
    assert send_json(launched, "POST", AGENT_PROFILE, own, {"lang": "ja"}).status_code == 204
    assert launched.get(AGENT_PROFILE, params=own).json() == {"lang": "ja"}
    other = {**own, "agent": json.dumps({"mbox": "mailto:other@example.com"})}
    assert launched.get(AGENT_PROFILE, params=other).status_code == 403


def test_a_launched_app_keeps_its_state_with_the_launch_parameters(
    client: TestClient, xapi: XapiClient
) -> None:
    """What a launched xAPI app does with endpoint, auth, actor, registration and activity_id:
    its bookmark goes to the State of the launch, and no other registration's."""
    launch = client.post(
        "/api/v1/study_activities/1/launch", json={"group_id": 1, "xapi": True}
    ).json()["data"]["xapi"]
    headers = {"Authorization": launch["auth"], "X-Experience-API-Version": "1.0.3"}
    params = {
        "activityId": launch["activity_id"],
        "agent": json.dumps(launch["actor"]),
        "registration": launch["registration"],
        "stateId": "bookmark",
    }
    put = client.put(
        "/xapi/activities/state",
        params=params,
        content=b'{"word": 12}',
        headers={**headers, "Content-Type": "application/json"},
    )
    assert put.status_code == 204, put.text
    got = client.get("/xapi/activities/state", params=params, headers=headers)
    assert got.json() == {"word": 12}
    assert xapi.get(STATE, params=params).json() == {"word": 12}  # a full key sees it too

    another = {**params, "registration": REGISTRATION}
    refused = client.get("/xapi/activities/state", params=another, headers=headers)
    assert refused.status_code == 403


def test_documents_outlive_the_portals_resets(client: TestClient, xapi: XapiClient) -> None:
    send_json(xapi, "PUT", STATE, state_params(), {"page": 4})
    assert client.post("/api/v1/reset_history").status_code == 200
    assert client.post("/api/v1/full_reset").status_code == 200
    assert xapi.get(STATE, params=state_params()).json() == {"page": 4}
