"""PUT and POST /xapi/statements (Communication 2.1.1, 2.1.2; Data 2.3 immutability, voiding)."""

from __future__ import annotations

import uuid

from tests.api.xapi.conftest import XapiClient
from tests.api.xapi.statements_data import ACTIVITY, statement, voiding, with_id


def test_xapi_statement_put_stores_and_answers_204(xapi: XapiClient) -> None:
    statement_id = str(uuid.uuid4())
    response = xapi.put("/statements", params={"statementId": statement_id}, json=statement())
    assert response.status_code == 204, response.text
    assert response.content == b""
    assert "X-Experience-API-Consistent-Through" in response.headers
    got = xapi.get("/statements", params={"statementId": statement_id})
    assert got.status_code == 200
    body = got.json()
    assert body["id"] == statement_id
    assert body["actor"]["mbox"] == "mailto:hana@example.com"
    # set by the LRS
    assert body["stored"].endswith("Z")
    assert body["timestamp"] == body["stored"]
    assert body["version"] == "1.0.0"
    assert body["authority"]["account"]["name"] == xapi.key.username
    assert got.headers["Last-Modified"].endswith("GMT")


def test_xapi_statement_put_without_statement_id_is_400(xapi: XapiClient) -> None:
    assert xapi.put("/statements", json=statement()).status_code == 400


def test_xapi_statement_put_id_must_match_parameter(xapi: XapiClient) -> None:
    body = with_id()
    response = xapi.put("/statements", params={"statementId": str(uuid.uuid4())}, json=body)
    assert response.status_code == 400


def test_xapi_statement_put_identical_is_noop(xapi: XapiClient) -> None:
    body = with_id(timestamp="2026-01-15T08:00:00.000Z")
    params = {"statementId": body["id"]}
    assert xapi.put("/statements", params=params, json=body).status_code == 204
    first = xapi.get("/statements", params=params).json()
    # the same statement again, keys in another order and the timestamp in another zone
    again = {key: body[key] for key in reversed(list(body))}
    again["timestamp"] = "2026-01-15T09:00:00.000+01:00"
    assert xapi.put("/statements", params=params, json=again).status_code == 204
    assert xapi.get("/statements", params=params).json() == first
    assert len(xapi.get("/statements").json()["statements"]) == 1


def test_xapi_statement_put_different_content_same_id_is_409(xapi: XapiClient) -> None:
    body = with_id()
    params = {"statementId": body["id"]}
    assert xapi.put("/statements", params=params, json=body).status_code == 204
    changed = dict(body, verb={"id": "http://adlnet.gov/expapi/verbs/attempted"})
    response = xapi.put("/statements", params=params, json=changed)
    assert response.status_code == 409
    assert xapi.get("/statements", params=params).json()["verb"]["id"] == body["verb"]["id"]


def test_xapi_statement_post_single_returns_its_id(xapi: XapiClient) -> None:
    response = xapi.post("/statements", json=statement())
    assert response.status_code == 200, response.text
    ids = response.json()
    assert len(ids) == 1
    uuid.UUID(ids[0])


def test_xapi_statement_post_batch_returns_ids_in_order(xapi: XapiClient) -> None:
    given = with_id()
    response = xapi.post("/statements", json=[statement(), given, statement()])
    assert response.status_code == 200
    ids = response.json()
    assert len(ids) == 3 and ids[1] == given["id"]
    assert len(set(ids)) == 3


def test_xapi_statement_batch_is_all_or_nothing(xapi: XapiClient) -> None:
    bad = statement(actor={"mbox": "hana@example.com"})  # not a mailto IRI
    response = xapi.post("/statements", json=[statement(), bad])
    assert response.status_code == 400
    assert response.json()["path"].startswith("[1].actor")
    assert xapi.get("/statements").json()["statements"] == []


def test_xapi_statement_batch_with_a_conflict_stores_nothing(xapi: XapiClient) -> None:
    stored = with_id()
    xapi.post("/statements", json=stored)
    changed = dict(stored, object={"id": "http://example.com/other"})
    response = xapi.post("/statements", json=[statement(), changed])
    assert response.status_code == 409
    assert len(xapi.get("/statements").json()["statements"]) == 1


def test_xapi_statement_batch_with_duplicate_ids_is_400(xapi: XapiClient) -> None:
    same = with_id()
    assert xapi.post("/statements", json=[same, same]).status_code == 400


def test_xapi_statement_invalid_is_400_naming_path_and_rule(xapi: XapiClient) -> None:
    response = xapi.post("/statements", json=statement(verb={"id": "not an iri"}))
    assert response.status_code == 400
    body = response.json()
    assert body["path"] == "verb.id" and body["rule"]


def test_xapi_statement_body_not_json_is_400(xapi: XapiClient) -> None:
    response = xapi.post(
        "/statements", content=b"{nope", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400


def test_xapi_statement_unknown_parameter_is_400(xapi: XapiClient) -> None:
    assert xapi.post("/statements", params={"foo": "1"}, json=statement()).status_code == 400
    response = xapi.get("/statements", params={"Verb": "http://example.com/v"})
    assert response.status_code == 400
    assert "case-sensitive" in response.json()["message"]


def test_xapi_statement_authority_comes_from_the_key(xapi: XapiClient) -> None:
    forged = {"objectType": "Agent", "mbox": "mailto:boss@example.com"}
    (statement_id,) = xapi.post("/statements", json=statement(authority=forged)).json()
    got = xapi.get("/statements", params={"statementId": statement_id}).json()
    assert got["authority"]["account"]["name"] == xapi.key.username


def test_xapi_statement_2_0_timestamp_offset_is_converted_to_utc(xapi2: XapiClient) -> None:
    body = statement(timestamp="2026-01-15T18:30:00.250+09:00")
    (statement_id,) = xapi2.post("/statements", json=body).json()
    got = xapi2.get("/statements", params={"statementId": statement_id}).json()
    assert got["timestamp"] == "2026-01-15T09:30:00.250Z"
    assert got["version"] == "2.0.0"


def test_xapi_statement_single_context_activity_is_returned_as_array(xapi: XapiClient) -> None:
    body = statement(context={"contextActivities": {"parent": {"id": "http://example.com/course"}}})
    (statement_id,) = xapi.post("/statements", json=body).json()
    got = xapi.get("/statements", params={"statementId": statement_id}).json()
    assert got["context"]["contextActivities"]["parent"] == [{"id": "http://example.com/course"}]


def test_xapi_voiding_hides_the_statement_but_keeps_it_by_voided_id(xapi: XapiClient) -> None:
    (target,) = xapi.post("/statements", json=statement()).json()
    (voider,) = xapi.post("/statements", json=voiding(target)).json()
    assert xapi.get("/statements", params={"statementId": target}).status_code == 404
    got = xapi.get("/statements", params={"voidedStatementId": target})
    assert got.status_code == 200 and got.json()["id"] == target
    listed = [s["id"] for s in xapi.get("/statements").json()["statements"]]
    assert listed == [voider]
    # the voiding statement is found by the voided statement's activity (StatementRef rule)
    by_activity = xapi.get("/statements", params={"activity": ACTIVITY}).json()["statements"]
    assert [s["id"] for s in by_activity] == [voider]


def test_xapi_voided_statement_id_of_unvoided_statement_is_404(xapi: XapiClient) -> None:
    (target,) = xapi.post("/statements", json=statement()).json()
    assert xapi.get("/statements", params={"voidedStatementId": target}).status_code == 404


def test_xapi_voiding_arriving_before_its_target_voids_it(xapi: XapiClient) -> None:
    target = with_id()
    xapi.post("/statements", json=voiding(target["id"]))
    xapi.post("/statements", json=target)
    assert xapi.get("/statements", params={"statementId": target["id"]}).status_code == 404
    assert xapi.get("/statements", params={"voidedStatementId": target["id"]}).status_code == 200


def test_xapi_voiding_a_voiding_statement_is_refused(xapi: XapiClient) -> None:
    (target,) = xapi.post("/statements", json=statement()).json()
    (voider,) = xapi.post("/statements", json=voiding(target)).json()
    assert xapi.post("/statements", json=voiding(voider)).status_code == 400


def test_xapi_voiding_in_the_same_batch(xapi: XapiClient) -> None:
    target = with_id()
    response = xapi.post("/statements", json=[target, voiding(target["id"])])
    assert response.status_code == 200
    assert xapi.get("/statements", params={"voidedStatementId": target["id"]}).status_code == 200


def test_xapi_substatement_is_stored_and_found_by_related_activity(xapi: XapiClient) -> None:
    sub = {
        "objectType": "SubStatement",
        "actor": {"mbox": "mailto:sato@example.com"},
        "verb": {"id": "http://example.com/verbs/will-teach"},
        "object": {"id": "http://example.com/activities/lesson-3"},
    }
    (statement_id,) = xapi.post("/statements", json=statement(object=sub)).json()
    got = xapi.get("/statements", params={"statementId": statement_id}).json()
    assert got["object"]["objectType"] == "SubStatement"
    lesson = "http://example.com/activities/lesson-3"
    plain = xapi.get("/statements", params={"activity": lesson}).json()["statements"]
    related = xapi.get(
        "/statements", params={"activity": lesson, "related_activities": "true"}
    ).json()["statements"]
    assert plain == [] and [s["id"] for s in related] == [statement_id]


def test_xapi_statement_repeating_a_property_is_400(xapi: XapiClient) -> None:
    body = (
        b'{"actor": {"mbox": "mailto:a@example.com"}, "verb": {"id": "http://example.com/v"},'
        b' "verb": {"id": "http://example.com/w"}, "object": {"id": "http://example.com/a"}}'
    )
    response = xapi.post("/statements", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert "verb" in response.json()["rule"]
    assert xapi.get("/statements").json()["statements"] == []


def test_xapi_statement_with_nan_is_400(xapi: XapiClient) -> None:
    body = (
        b'{"actor": {"mbox": "mailto:a@example.com"}, "verb": {"id": "http://example.com/v"},'
        b' "object": {"id": "http://example.com/a"}, "result": {"score": {"raw": NaN}}}'
    )
    response = xapi.post("/statements", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 400
