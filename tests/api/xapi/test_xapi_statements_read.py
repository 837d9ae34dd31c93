"""GET and HEAD /xapi/statements (Communication 2.1.3), /xapi/activities, /xapi/agents."""

from __future__ import annotations

import json
from datetime import timedelta

from lang_portal.clock import FixedClock
from tests.api.xapi.conftest import XapiClient
from tests.api.xapi.statements_data import (
    ACTIVITY,
    EXPERIENCED,
    LEARNER,
    TEACHER,
    statement,
    voiding,
    with_id,
)

OTHER_ACTIVITY = "http://example.com/activities/kanji-drill"
ATTEMPTED = "http://adlnet.gov/expapi/verbs/attempted"
REGISTRATION = "ec531277-b57b-4c15-8d91-d292c5b2b8f7"


def ids(response_body: dict[str, object]) -> list[str]:
    statements = response_body["statements"]
    assert isinstance(statements, list)
    return [item["id"] for item in statements]


def post(xapi: XapiClient, body: object) -> list[str]:
    response = xapi.post("/statements", json=body)
    assert response.status_code == 200, response.text
    result: list[str] = response.json()
    return result


def test_xapi_statements_list_is_newest_first_and_ascending_on_request(
    xapi: XapiClient, clock: FixedClock
) -> None:
    first = post(xapi, statement())
    clock.advance(seconds=1)
    second = post(xapi, statement())
    listed = xapi.get("/statements")
    assert listed.status_code == 200
    assert ids(listed.json()) == second + first
    assert "X-Experience-API-Consistent-Through" in listed.headers
    assert ids(xapi.get("/statements", params={"ascending": "true"}).json()) == first + second


def test_xapi_statements_filter_by_verb_activity_registration(xapi: XapiClient) -> None:
    (plain,) = post(xapi, statement())
    (attempted,) = post(xapi, statement(verb={"id": ATTEMPTED}))
    (other,) = post(xapi, statement(object={"id": OTHER_ACTIVITY}))
    (registered,) = post(xapi, statement(context={"registration": REGISTRATION}))
    assert ids(xapi.get("/statements", params={"verb": ATTEMPTED}).json()) == [attempted]
    assert set(ids(xapi.get("/statements", params={"activity": ACTIVITY}).json())) == {
        plain,
        attempted,
        registered,
    }
    by_registration = xapi.get("/statements", params={"registration": REGISTRATION.upper()})
    assert ids(by_registration.json()) == [registered]
    both = xapi.get("/statements", params={"verb": EXPERIENCED, "activity": OTHER_ACTIVITY})
    assert ids(both.json()) == [other]
    unknown = xapi.get("/statements", params={"verb": "http://example.com/never"})
    assert unknown.json() == {"statements": [], "more": ""}


def test_xapi_statements_filter_by_agent_actor_or_object(xapi: XapiClient) -> None:
    (as_actor,) = post(xapi, statement())
    (as_object,) = post(xapi, statement(actor=TEACHER, object=dict(LEARNER)))
    (unrelated,) = post(xapi, statement(actor=TEACHER))
    found = xapi.get("/statements", params={"agent": json.dumps(LEARNER)}).json()
    assert set(ids(found)) == {as_actor, as_object}
    assert unrelated not in ids(found)


def test_xapi_statements_agent_filter_matches_group_members(xapi: XapiClient) -> None:
    group = {"objectType": "Group", "member": [LEARNER, TEACHER]}
    (by_group,) = post(xapi, statement(actor=group))
    found = xapi.get("/statements", params={"agent": json.dumps({"mbox": LEARNER["mbox"]})})
    assert ids(found.json()) == [by_group]


def test_xapi_statements_related_agents_looks_at_instructor_and_authority(
    xapi: XapiClient,
) -> None:
    (taught,) = post(xapi, statement(actor=TEACHER, context={"instructor": LEARNER}))
    agent = json.dumps(LEARNER)
    assert ids(xapi.get("/statements", params={"agent": agent}).json()) == []
    related = xapi.get("/statements", params={"agent": agent, "related_agents": "true"})
    assert ids(related.json()) == [taught]
    authority = {
        "account": {"homePage": "https://lang-portal.example/xapi/", "name": xapi.key.username}
    }
    by_authority = xapi.get(
        "/statements", params={"agent": json.dumps(authority), "related_agents": "true"}
    )
    assert ids(by_authority.json()) == [taught]


def test_xapi_statements_related_activities_looks_at_context_activities(
    xapi: XapiClient,
) -> None:
    course = "http://example.com/course/n5"
    (in_course,) = post(
        xapi, statement(context={"contextActivities": {"grouping": [{"id": course}]}})
    )
    assert ids(xapi.get("/statements", params={"activity": course}).json()) == []
    related = xapi.get("/statements", params={"activity": course, "related_activities": "true"})
    assert ids(related.json()) == [in_course]


def test_xapi_statements_statement_ref_matches_filters_of_its_target(xapi: XapiClient) -> None:
    (target,) = post(xapi, statement(object={"id": OTHER_ACTIVITY}))
    confirm = statement(
        actor=TEACHER,
        verb={"id": "http://example.com/verbs/confirmed"},
        object={"objectType": "StatementRef", "id": target},
    )
    (confirming,) = post(xapi, confirm)
    (confirming_twice,) = post(
        xapi, dict(confirm, object={"objectType": "StatementRef", "id": confirming})
    )
    found = xapi.get("/statements", params={"activity": OTHER_ACTIVITY}).json()
    assert set(ids(found)) == {target, confirming, confirming_twice}


def test_xapi_statements_since_and_until(xapi: XapiClient, clock: FixedClock) -> None:
    (early,) = post(xapi, statement())
    middle_time = clock.advance(seconds=10)
    (middle,) = post(xapi, statement())
    clock.advance(seconds=10)
    (late,) = post(xapi, statement())
    stored = xapi.get("/statements", params={"statementId": middle}).json()["stored"]
    since = xapi.get("/statements", params={"since": stored}).json()
    assert ids(since) == [late]
    until = xapi.get("/statements", params={"until": stored}).json()
    assert ids(until) == [middle, early]
    before_middle = (middle_time - timedelta(seconds=1)).isoformat()
    window = xapi.get("/statements", params={"since": before_middle, "until": stored})
    assert ids(window.json()) == [middle]
    assert xapi.get("/statements", params={"since": "yesterday"}).status_code == 400


def test_xapi_00111_00114_limit_and_more_link_pages_through_all(xapi: XapiClient) -> None:
    posted = post(xapi, [statement() for _ in range(7)])
    seen: list[str] = []
    response = xapi.get("/statements", params={"limit": 3, "verb": EXPERIENCED})
    while True:
        body = response.json()
        assert len(body["statements"]) <= 3
        seen.extend(ids(body))
        if not body["more"]:
            break
        assert body["more"].startswith("/xapi/statements?more=")
        # statements stored after the first page do not slip into the later ones
        post(xapi, statement())
        response = xapi.client.get(body["more"], headers=xapi.headers())
        assert response.status_code == 200
    assert sorted(seen) == sorted(posted) and len(seen) == 7


def test_xapi_statements_result_says_more_is_empty_at_the_end(xapi: XapiClient) -> None:
    post(xapi, statement())
    body = xapi.get("/statements", params={"limit": 1}).json()
    assert body["more"] == "" and len(body["statements"]) == 1


def test_xapi_00153_consistent_through_on_every_answer_errors_included(
    xapi: XapiClient,
) -> None:
    (statement_id,) = post(xapi, statement())
    refused = xapi.get("/statements", params={"statementId": statement_id, "verb": EXPERIENCED})
    assert refused.status_code == 400
    missing = xapi.get("/statements", params={"statementId": with_id()["id"]})
    assert missing.status_code == 404
    for response in (refused, missing, xapi.get("/statements")):
        assert response.headers["X-Experience-API-Consistent-Through"].endswith("Z")


def test_xapi_statements_more_link_with_other_parameters_is_400(xapi: XapiClient) -> None:
    post(xapi, [statement(), statement()])
    more = xapi.get("/statements", params={"limit": 1}).json()["more"]
    response = xapi.client.get(more + "&limit=5", headers=xapi.headers())
    assert response.status_code == 400


def test_xapi_00150_00151_statement_id_with_other_filters_is_400(xapi: XapiClient) -> None:
    (statement_id,) = post(xapi, statement())
    params = {"statementId": statement_id, "verb": EXPERIENCED}
    assert xapi.get("/statements", params=params).status_code == 400
    both = {"statementId": statement_id, "voidedStatementId": statement_id}
    assert xapi.get("/statements", params=both).status_code == 400
    allowed = {"statementId": statement_id, "format": "ids", "attachments": "false"}
    assert xapi.get("/statements", params=allowed).status_code == 200


def test_xapi_00171_format_ids_keeps_only_identifiers(xapi: XapiClient) -> None:
    (statement_id,) = post(xapi, statement())
    got = xapi.get("/statements", params={"statementId": statement_id, "format": "ids"}).json()
    assert got["actor"] == {"objectType": "Agent", "mbox": LEARNER["mbox"]}
    assert got["verb"] == {"id": EXPERIENCED}
    assert got["object"] == {"id": ACTIVITY}


def test_xapi_statements_format_canonical_uses_merged_definition_in_one_language(
    xapi: XapiClient,
) -> None:
    (first,) = post(
        xapi,
        statement(object={"id": ACTIVITY, "definition": {"name": {"en-US": "Kana quiz"}}}),
    )
    post(
        xapi,
        statement(
            object={
                "id": ACTIVITY,
                "definition": {"name": {"ja-JP": "かなクイズ"}, "description": {"en-US": "x"}},
            }
        ),
    )
    got = xapi.get(
        "/statements",
        params={"statementId": first, "format": "canonical"},
        headers={"Accept-Language": "ja-JP, en;q=0.5"},
    ).json()
    assert got["object"]["definition"]["name"] == {"ja-JP": "かなクイズ"}
    assert got["object"]["definition"]["description"] == {"en-US": "x"}
    exact = xapi.get("/statements", params={"statementId": first}).json()
    assert exact["object"]["definition"] == {"name": {"en-US": "Kana quiz"}}


def test_xapi_statements_bad_format_or_boolean_is_400(xapi: XapiClient) -> None:
    assert xapi.get("/statements", params={"format": "full"}).status_code == 400
    assert xapi.get("/statements", params={"ascending": "yes"}).status_code == 400
    assert xapi.get("/statements", params={"limit": "-1"}).status_code == 400
    assert xapi.get("/statements", params={"agent": "{not json"}).status_code == 400


def test_xapi_statements_head_has_headers_and_no_body(xapi: XapiClient) -> None:
    (statement_id,) = post(xapi, statement())
    head = xapi.head("/statements", params={"statementId": statement_id})
    assert head.status_code == 200
    assert head.content == b""
    assert "Last-Modified" in head.headers
    assert "X-Experience-API-Consistent-Through" in head.headers
    assert xapi.head("/statements").status_code == 200


def test_xapi_statements_unknown_statement_is_404(xapi: XapiClient) -> None:
    response = xapi.get("/statements", params={"statementId": with_id()["id"]})
    assert response.status_code == 404


def test_xapi_voided_statements_are_not_listed_but_their_voiders_are(xapi: XapiClient) -> None:
    (target,) = post(xapi, statement())
    (voider,) = post(xapi, voiding(target))
    assert ids(xapi.get("/statements", params={"verb": EXPERIENCED}).json()) == [voider]


def test_xapi_activities_resource_returns_merged_definition(xapi: XapiClient) -> None:
    post(xapi, statement(object={"id": ACTIVITY, "definition": {"name": {"en-US": "Kana"}}}))
    post(xapi, statement(object={"id": ACTIVITY, "definition": {"name": {"ja": "かな"}}}))
    response = xapi.get("/activities", params={"activityId": ACTIVITY})
    assert response.status_code == 200
    assert response.json() == {
        "objectType": "Activity",
        "id": ACTIVITY,
        "definition": {"name": {"en-US": "Kana", "ja": "かな"}},
    }
    assert xapi.get("/activities").status_code == 400


def test_xapi_activities_resource_knows_no_definition_still_returns_an_activity(
    xapi2: XapiClient,
) -> None:
    response = xapi2.get("/activities", params={"activityId": OTHER_ACTIVITY})
    assert response.status_code == 200
    assert response.json() == {"objectType": "Activity", "id": OTHER_ACTIVITY}


def test_xapi_agents_resource_returns_a_person(xapi: XapiClient) -> None:
    response = xapi.get("/agents", params={"agent": json.dumps(LEARNER)})
    assert response.status_code == 200
    assert response.json() == {
        "objectType": "Person",
        "name": ["Hana"],
        "mbox": ["mailto:hana@example.com"],
    }
    assert xapi.get("/agents", params={"agent": '{"name": "x"}'}).status_code == 400
    assert xapi.get("/agents").status_code == 400


def test_xapi_statements_statement_ref_stored_before_its_target_matches_once_it_arrives(
    xapi: XapiClient,
) -> None:
    target = with_id(object={"id": OTHER_ACTIVITY})
    confirm = statement(
        actor=TEACHER,
        verb={"id": "http://example.com/verbs/confirmed"},
        object={"objectType": "StatementRef", "id": target["id"]},
    )
    (confirming,) = post(xapi, confirm)
    assert ids(xapi.get("/statements", params={"activity": OTHER_ACTIVITY}).json()) == []
    post(xapi, target)
    found = xapi.get("/statements", params={"activity": OTHER_ACTIVITY}).json()
    assert set(ids(found)) == {target["id"], confirming}


def test_xapi_statements_more_link_still_works_a_day_later(
    xapi: XapiClient, clock: FixedClock
) -> None:
    posted = post(xapi, [statement(), statement()])
    first = xapi.get("/statements", params={"limit": 1}).json()
    clock.advance(hours=25)
    post(xapi, statement())
    later = xapi.client.get(first["more"], headers=xapi.headers())
    assert later.status_code == 200
    assert ids(first) + ids(later.json()) == list(reversed(posted))


def test_xapi_head_on_activities_and_agents(xapi: XapiClient) -> None:
    post(xapi, statement())
    for path, params in (
        ("/activities", {"activityId": ACTIVITY}),
        ("/agents", {"agent": json.dumps(LEARNER)}),
    ):
        got = xapi.get(path, params=params)
        head = xapi.head(path, params=params)
        assert head.status_code == 200 and head.content == b""
        assert head.headers["content-length"] == got.headers["content-length"]


def test_xapi_2_0_related_agents_finds_context_agents_and_groups(xapi2: XapiClient) -> None:
    context = {
        "contextAgents": [{"objectType": "contextAgent", "agent": TEACHER}],
        "contextGroups": [
            {
                "objectType": "contextGroup",
                "group": {"objectType": "Group", "member": [{"mbox": "mailto:kai@example.com"}]},
            }
        ],
    }
    (statement_id,) = post(xapi2, statement(context=context))
    for agent in (TEACHER, {"mbox": "mailto:kai@example.com"}):
        params = {"agent": json.dumps(agent), "related_agents": "true"}
        assert ids(xapi2.get("/statements", params=params).json()) == [statement_id]
        assert ids(xapi2.get("/statements", params={"agent": json.dumps(agent)}).json()) == []
