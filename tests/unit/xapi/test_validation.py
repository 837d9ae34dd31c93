"""The xAPI Data part's rules: each accepted when kept, refused with its path when broken."""

from __future__ import annotations

import copy
import math
import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from lang_portal.xapi.errors import XapiError, XapiValidationError
from lang_portal.xapi.validation import (
    is_absent_timestamp,
    reject_repeated_properties,
    validate_activity,
    validate_activity_id,
    validate_agent,
    validate_identified_agent,
    validate_iri,
    validate_iso8601_duration,
    validate_language_map,
    validate_language_tag,
    validate_statement,
    validate_statements,
    validate_timestamp,
    validate_uuid,
)

V1 = "1.0.3"
V2 = "2.0.0"
BOTH = pytest.mark.parametrize("version", [V1, V2])

ACTIVITY_ID = "http://example.com/xapi/activities/quiz-1"
MBOX = "mailto:learner@example.com"
SHA1 = "ebd31e95054c018b10727ccffd2ef2ec3a016ee9"
SHA256 = "495395e777cd98da653df9615d09c0fd6bb2f8d4788394cd53c56a3bfdcd848a"
UUID = "fd41c918-b88b-4b20-a0a5-a4c32391aaa0"


def minimal() -> dict[str, Any]:
    return {
        "actor": {"mbox": MBOX},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/answered", "display": {"en-US": "answered"}},
        "object": {"id": ACTIVITY_ID},
    }


def full() -> dict[str, Any]:
    """A statement using every property a client may send (as Data Appendix A's long example)."""
    return {
        "id": "6690e6c9-3ef0-4ed3-8b37-7f3964730bee",
        "actor": {
            "objectType": "Group",
            "name": "Team PB",
            "mbox": "mailto:teampb@example.com",
            "member": [
                {"name": "Andrew", "account": {"homePage": "http://www.example.com", "name": "1"}},
                {"name": "Toby", "openid": "http://toby.openid.example.org/"},
                {"name": "Ena", "mbox_sha1sum": SHA1, "objectType": "Agent"},
            ],
        },
        "verb": {"id": "http://adlnet.gov/expapi/verbs/attended", "display": {"en-GB": "attended"}},
        "result": {
            "score": {"scaled": 0.95, "raw": 95, "min": 0, "max": 100},
            "success": True,
            "completion": True,
            "response": "We agreed on some example actions.",
            "duration": "PT1H0M0S",
            "extensions": {"http://example.com/ext/minutes": "X:\\meetings\\minutes.one"},
        },
        "context": {
            "registration": "ec531277-b57b-4c15-8d91-d292c5b2b8f7",
            "contextActivities": {
                "parent": [{"id": "http://www.example.com/meetings/series/267"}],
                "grouping": {"id": "http://www.example.com/meetings/all", "objectType": "Activity"},
                "category": [
                    {
                        "id": "http://www.example.com/meetings/categories/teammeeting",
                        "definition": {
                            "name": {"en": "team meeting"},
                            "type": "http://example.com/expapi/activities/meetingcategory",
                        },
                    }
                ],
                "other": [],
            },
            "instructor": {"name": "Andrew", "mbox": "mailto:andrew@example.com"},
            "team": {"objectType": "Group", "mbox": "mailto:teampb@example.com"},
            "revision": "rev_10_3_2",
            "platform": "Example virtual meeting software",
            "language": "tlh",
            "statement": {"objectType": "StatementRef", "id": UUID},
            "extensions": {"http://example.com/ext/null": None},
        },
        "timestamp": "2013-05-18T05:32:34.804+00:00",
        "stored": "2013-05-18T05:32:34.804Z",
        "authority": {"account": {"homePage": "http://cloud.scorm.com/", "name": "anonymous"}},
        "version": "1.0.0",
        "object": {
            "id": "http://www.example.com/meetings/occurances/34534",
            "objectType": "Activity",
            "definition": {
                "name": {"en-GB": "example meeting", "zh-Hant": "會議"},
                "description": {"en-US": "An example meeting."},
                "type": "http://adlnet.gov/expapi/activities/meeting",
                "moreInfo": "http://virtualmeeting.example.com/345256",
                "extensions": {"http://example.com/ext/room": {"name": "Kilby"}},
            },
        },
        "attachments": [
            {
                "usageType": "http://example.com/attachment-usage/test",
                "display": {"en-US": "A test attachment"},
                "description": {"es-MX": "Un accesorio de prueba"},
                "contentType": "text/plain; charset=ascii",
                "length": 27,
                "sha2": SHA256,
                "fileUrl": "http://over.there.com/file.txt",
            }
        ],
    }


def with_revision() -> dict[str, Any]:
    return changed(minimal(), "context", {"revision": "2", "platform": "web"})


def substatement() -> dict[str, Any]:
    statement = minimal()
    statement["object"] = {
        "objectType": "SubStatement",
        "actor": {"objectType": "Agent", "mbox": MBOX},
        "verb": {"id": "http://example.com/planned"},
        "object": {"id": "http://example.com/website"},
        "context": {"revision": "2", "registration": UUID},
        "timestamp": "2999-01-01T00:00:00Z",
    }
    return statement


DELETE = object()


def changed(statement: dict[str, Any], path: str, value: object) -> dict[str, Any]:
    """A copy of `statement` with the value at the dotted/bracket `path` set (or DELETEd)."""
    result = copy.deepcopy(statement)
    steps: list[str | int] = []
    for part in path.split("."):
        name, *indices = re.split(r"\[(\d+)\]", part)
        if name:
            steps.append(name)
        steps.extend(int(index) for index in indices if index)
    target: Any = result
    for step in steps[:-1]:
        target = target[step]
    if value is DELETE:
        del target[steps[-1]]
    else:
        target[steps[-1]] = value
    return result


def refusal(statement: object, version: str = V1, **kwargs: Any) -> XapiValidationError:
    with pytest.raises(XapiValidationError) as raised:
        validate_statement(statement, version, **kwargs)
    return raised.value


# --- accepted ---------------------------------------------------------------------------

INTERACTIONS: list[dict[str, Any]] = [
    {"interactionType": "true-false", "correctResponsesPattern": ["true"]},
    {
        "interactionType": "choice",
        "correctResponsesPattern": ["golf[,]tetris"],
        "choices": [
            {"id": "golf", "description": {"en-US": "Golf Example"}},
            {"id": "tetris", "description": {"en-US": "Tetris Example"}},
        ],
    },
    {"interactionType": "fill-in", "correctResponsesPattern": ["Bob's your uncle"]},
    {
        "interactionType": "long-fill-in",
        "correctResponsesPattern": ["{case_matters=false}{lang=en}To store experiences."],
    },
    {
        "interactionType": "likert",
        "correctResponsesPattern": ["likert_1"],
        "scale": [{"id": "likert_0"}, {"id": "likert_1", "description": {"sr-Latn-RS": "x"}}],
    },
    {
        "interactionType": "matching",
        "correctResponsesPattern": ["ben[.]3"],
        "source": [{"id": "ben"}],
        "target": [{"id": "3"}],
    },
    {
        "interactionType": "performance",
        "correctResponsesPattern": ["pong[.]1:[,]dg[.]:10"],
        "steps": [{"id": "pong"}, {"id": "dg"}],
    },
    {
        "interactionType": "sequencing",
        "correctResponsesPattern": ["tim[,]mike"],
        "choices": [{"id": "tim"}, {"id": "mike"}],
    },
    {"interactionType": "numeric", "correctResponsesPattern": ["4[:]"]},
    {"interactionType": "other", "correctResponsesPattern": []},
    {"interactionType": "other"},
]


def accepted_statements() -> list[tuple[str, dict[str, Any]]]:
    voiding = minimal()
    voiding["verb"] = {"id": "http://adlnet.gov/expapi/verbs/voided"}
    voiding["object"] = {"objectType": "StatementRef", "id": UUID}
    oauth_authority = changed(
        minimal(),
        "authority",
        {
            "objectType": "Group",
            "member": [
                {"account": {"homePage": "http://example.com/OAuth/Token", "name": "consumer"}},
                {"mbox": "mailto:bob@example.com"},
            ],
        },
    )
    signed = changed(
        minimal(),
        "attachments",
        [
            {
                "usageType": "http://adlnet.gov/expapi/attachments/signature",
                "display": {"en-US": "Signature"},
                "contentType": "application/octet-stream",
                "length": 4235,
                "sha2": SHA256,
            }
        ],
    )
    cases = [
        ("minimal", minimal()),
        ("every property", full()),
        ("substatement", substatement()),
        ("voiding", voiding),
        (
            "anonymous group actor",
            changed(minimal(), "actor", {"objectType": "Group", "member": [{"mbox": MBOX}]}),
        ),
        (
            "identified group without members",
            changed(
                minimal(), "actor", {"objectType": "Group", "openid": "http://id.example.org/g"}
            ),
        ),
        (
            "agent object",
            changed(minimal(), "object", {"objectType": "Agent", "mbox_sha1sum": SHA1}),
        ),
        ("group object", changed(minimal(), "object", {"objectType": "Group", "mbox": MBOX})),
        (
            "statement ref object",
            changed(minimal(), "object", {"objectType": "StatementRef", "id": UUID.upper()}),
        ),
        ("oauth authority", oauth_authority),
        ("signature attachment", signed),
        ("empty result and context", changed(changed(minimal(), "result", {}), "context", {})),
        ("empty definition", changed(minimal(), "object.definition", {})),
        ("empty attachments", changed(minimal(), "attachments", [])),
        (
            "extension values of any kind",
            changed(
                minimal(),
                "result",
                {"extensions": {"urn:x:a": None, "urn:x:b": "", "urn:x:c": {}, "urn:x:d": [1]}},
            ),
        ),
        ("version 1.0", changed(minimal(), "version", "1.0")),
        ("version 1.0.9", changed(minimal(), "version", "1.0.9")),
        ("future timestamp", changed(minimal(), "timestamp", "2099-12-31T23:59:59.999Z")),
        (
            "score bounds",
            changed(
                minimal(), "result", {"score": {"scaled": -1, "raw": -5.5, "min": -5.5, "max": 0}}
            ),
        ),
        ("non-ASCII IRI", changed(minimal(), "verb.id", "http://example.com/فعل/خواندن")),
        ("urn IRI", changed(minimal(), "object.id", "urn:uuid:" + UUID)),
    ]
    cases += [
        (
            f"interaction {definition['interactionType']}",
            changed(minimal(), "object.definition", definition),
        )
        for definition in INTERACTIONS
    ]
    return cases


@BOTH
@pytest.mark.parametrize(("case", "statement"), accepted_statements())
def test_valid_statement_accepted(version: str, case: str, statement: dict[str, Any]) -> None:
    validate_statement(statement, version)


# --- refused, both versions -------------------------------------------------------------

REFUSED: list[tuple[str, Callable[[], dict[str, Any]], str, object, str, str]] = [
    # (case, base, path to change, new value, expected error path, words of the rule); a case
    # names the ADL conformance requirement (XAPI-000nn) it checks where there is one.
    ("XAPI-00003 no actor", minimal, "actor", DELETE, "actor", "required"),
    ("XAPI-00004 no verb", minimal, "verb", DELETE, "verb", "required"),
    ("XAPI-00005 no object", minimal, "object", DELETE, "object", "required"),
    (
        "XAPI-00010 unknown statement property",
        minimal,
        "extra",
        1,
        "extra",
        "not a property of a Statement",
    ),
    ("XAPI-00008 mis-cased key", minimal, "Actor", {"mbox": MBOX}, "Actor", "not a property"),
    ("XAPI-00001 null value", minimal, "verb.display.en-US", None, "verb.display.en-US", "string"),
    ("XAPI-00001 null property", minimal, "result", None, "result", "null"),
    (
        "XAPI-00027 statement id not UUID",
        minimal,
        "id",
        "AA97B177-9383-4934-8543-0F91A7A028368",
        "id",
        "UUID",
    ),
    (
        "XAPI-00027 statement id bad hex",
        minimal,
        "id",
        "MA97B177-9383-4934-8543-0F91A7A02836",
        "id",
        "UUID",
    ),
    ("XAPI-00028 statement id number", minimal, "id", 12345, "id", "string"),
    ("XAPI-00014 statement is not an object", minimal, "actor", "someone", "actor", "JSON object"),
    # actors
    (
        "XAPI-00034 agent without identifier",
        minimal,
        "actor",
        {"name": "x"},
        "actor",
        "inverse functional",
    ),
    (
        "XAPI-00034 agent with two identifiers",
        minimal,
        "actor.openid",
        "http://o.example.org/x",
        "actor.openid",
        "exactly one",
    ),
    (
        "XAPI-00010 agent unknown property",
        minimal,
        "actor.member",
        [],
        "actor.member",
        "not a property of an Agent",
    ),
    (
        "XAPI-00031 agent objectType wrong case",
        minimal,
        "actor.objectType",
        "agent",
        "actor.objectType",
        "'Agent' or 'Group'",
    ),
    (
        "XAPI-00032 agent objectType number",
        minimal,
        "actor.objectType",
        123,
        "actor.objectType",
        "'Agent' or 'Group'",
    ),
    ("XAPI-00033 agent name number", minimal, "actor.name", 123, "actor.name", "string"),
    (
        "XAPI-00038 mbox without mailto",
        minimal,
        "actor.mbox",
        "learner@example.com",
        "actor.mbox",
        "mailto",
    ),
    (
        "XAPI-00038 mbox http IRI",
        minimal,
        "actor.mbox",
        "http://should.fail.com",
        "actor.mbox",
        "mailto",
    ),
    (
        "XAPI-00038 mbox without @",
        minimal,
        "actor.mbox",
        "mailto:should.fail.com",
        "actor.mbox",
        "mailto",
    ),
    (
        "XAPI-00007 mbox_sha1sum short",
        minimal,
        "actor",
        {"mbox_sha1sum": SHA1[:39]},
        "actor.mbox_sha1sum",
        "40 hex",
    ),
    (
        "XAPI-00007 mbox_sha1sum not hex",
        minimal,
        "actor",
        {"mbox_sha1sum": "z" * 40},
        "actor.mbox_sha1sum",
        "40 hex",
    ),
    (
        "XAPI-00039 mbox_sha1sum object",
        minimal,
        "actor",
        {"mbox_sha1sum": {}},
        "actor.mbox_sha1sum",
        "string",
    ),
    (
        "XAPI-00040 openid without scheme",
        minimal,
        "actor",
        {"openid": "open.id.com/testUser"},
        "actor.openid",
        "scheme",
    ),
    (
        "XAPI-00042 account without homePage",
        minimal,
        "actor",
        {"account": {"name": "x"}},
        "actor.account.homePage",
        "required",
    ),
    (
        "XAPI-00043 account without name",
        minimal,
        "actor",
        {"account": {"homePage": "http://e.com"}},
        "actor.account.name",
        "required",
    ),
    (
        "XAPI-00042 account homePage not IRI",
        minimal,
        "actor",
        {"account": {"homePage": "homePage.com/u", "name": "1"}},
        "actor.account.homePage",
        "scheme",
    ),
    (
        "XAPI-00007 account name object",
        minimal,
        "actor",
        {"account": {"homePage": "http://e.com", "name": {}}},
        "actor.account.name",
        "string",
    ),
    (
        "XAPI-00010 account unknown property",
        minimal,
        "actor",
        {"account": {"homePage": "http://e.com", "name": "1", "id": 1}},
        "actor.account.id",
        "not a property",
    ),
    (
        "XAPI-00035 anonymous group without member",
        minimal,
        "actor",
        {"objectType": "Group", "name": "g"},
        "actor.member",
        "anonymous Group",
    ),
    (
        "XAPI-00035 anonymous group empty member",
        minimal,
        "actor",
        {"objectType": "Group", "member": []},
        "actor.member",
        "anonymous Group",
    ),
    (
        "XAPI-00036 group member not array",
        minimal,
        "actor",
        {"objectType": "Group", "member": {"mbox": MBOX}},
        "actor.member",
        "array",
    ),
    (
        "XAPI-00036 group member is a group",
        minimal,
        "actor",
        {"objectType": "Group", "member": [{"objectType": "Group", "mbox": MBOX}]},
        "actor.member[0].objectType",
        "Agents, not Groups",
    ),
    (
        "XAPI-00036 group member without identifier",
        minimal,
        "actor",
        {"objectType": "Group", "mbox": MBOX, "member": [{"name": "x"}]},
        "actor.member[0]",
        "inverse functional",
    ),
    (
        "XAPI-00037 group with two identifiers",
        minimal,
        "actor",
        {"objectType": "Group", "mbox": MBOX, "mbox_sha1sum": SHA1},
        "actor.mbox_sha1sum",
        "exactly one",
    ),
    # verb
    ("XAPI-00044 verb without id", minimal, "verb.id", DELETE, "verb.id", "required"),
    (
        "XAPI-00044 verb id not IRI",
        minimal,
        "verb.id",
        "ab=c://should.fail.com",
        "verb.id",
        "scheme",
    ),
    (
        "XAPI-00011 verb id without scheme",
        minimal,
        "verb.id",
        "adlnet.gov/expapi/verbs/attended",
        "verb.id",
        "scheme",
    ),
    ("XAPI-00007 verb id empty", minimal, "verb.id", "", "verb.id", "empty"),
    (
        "XAPI-00007 verb id with space",
        minimal,
        "verb.id",
        "http://example.com/a verb",
        "verb.id",
        "no spaces",
    ),
    (
        "XAPI-00007 verb id bad escape",
        minimal,
        "verb.id",
        "http://example.com/%zz",
        "verb.id",
        "%-escapes",
    ),
    ("XAPI-00007 http IRI without host", minimal, "verb.id", "http:///path", "verb.id", "host"),
    (
        "XAPI-00045 verb display string",
        minimal,
        "verb.display",
        "answered",
        "verb.display",
        "JSON object",
    ),
    (
        "XAPI-00013 verb display bad tag",
        minimal,
        "verb.display",
        {"something": "x"},
        "verb.display.something",
        "RFC 5646",
    ),
    (
        "XAPI-00010 verb unknown property",
        minimal,
        "verb.name",
        "x",
        "verb.name",
        "not a property of a Verb",
    ),
    (
        "XAPI-00017 voiding without StatementRef",
        minimal,
        "verb.id",
        "http://adlnet.gov/expapi/verbs/voided",
        "object.objectType",
        "StatementRef",
    ),
    # objects and activities
    (
        "XAPI-00046 objectType unknown",
        minimal,
        "object.objectType",
        "activity",
        "object.objectType",
        "one of",
    ),
    ("XAPI-00047 activity without id", minimal, "object.id", DELETE, "object.id", "required"),
    (
        "XAPI-00047 activity id not IRI",
        minimal,
        "object.id",
        "www.example.com/meetings/34534",
        "object.id",
        "scheme",
    ),
    (
        "XAPI-00010 activity unknown property",
        minimal,
        "object.name",
        "x",
        "object.name",
        "not a property of an Activity",
    ),
    (
        "XAPI-00065 agent as object without objectType",
        minimal,
        "object",
        {"mbox": MBOX},
        "object.objectType",
        "objectType",
    ),
    (
        "XAPI-00034 agent object two identifiers",
        minimal,
        "object",
        {"objectType": "Agent", "mbox": MBOX, "openid": "http://o.org/a"},
        "object.openid",
        "exactly one",
    ),
    (
        "XAPI-00072 statement ref without id",
        minimal,
        "object",
        {"objectType": "StatementRef"},
        "object.id",
        "required",
    ),
    (
        "XAPI-00072 statement ref id not UUID",
        minimal,
        "object",
        {"objectType": "StatementRef", "id": "should fail"},
        "object.id",
        "UUID",
    ),
    (
        "XAPI-00010 statement ref extra property",
        minimal,
        "object",
        {"objectType": "StatementRef", "id": UUID, "x": 1},
        "object.x",
        "not a property",
    ),
    (
        "XAPI-00048 definition string",
        minimal,
        "object.definition",
        "x",
        "object.definition",
        "JSON object",
    ),
    (
        "XAPI-00010 definition unknown property",
        minimal,
        "object.definition",
        {"title": "x"},
        "object.definition.title",
        "not a property",
    ),
    (
        "XAPI-00056 definition name string",
        minimal,
        "object.definition",
        {"name": "quiz"},
        "object.definition.name",
        "language map",
    ),
    (
        "XAPI-00056 definition name number",
        minimal,
        "object.definition",
        {"name": 1234},
        "object.definition.name",
        "language map",
    ),
    (
        "XAPI-00121 definition name bad tag",
        minimal,
        "object.definition",
        {"name": {"zh-something-ccc": "x"}},
        "object.definition.name.zh-something-ccc",
        "RFC 5646",
    ),
    (
        "XAPI-00001 definition name null text",
        minimal,
        "object.definition",
        {"name": {"en": None}},
        "object.definition.name.en",
        "string",
    ),
    (
        "XAPI-00060 definition type not IRI",
        minimal,
        "object.definition",
        {"type": "should error"},
        "object.definition.type",
        "scheme",
    ),
    (
        "XAPI-00061 definition moreInfo not IRI",
        minimal,
        "object.definition",
        {"moreInfo": "virtualmeeting.example.com"},
        "object.definition.moreInfo",
        "scheme",
    ),
    (
        "XAPI-00001 definition moreInfo null",
        minimal,
        "object.definition",
        {"moreInfo": None},
        "object.definition.moreInfo",
        "null",
    ),
    (
        "XAPI-00057 extensions not object",
        minimal,
        "object.definition",
        {"extensions": "x"},
        "object.definition.extensions",
        "JSON object",
    ),
    (
        "XAPI-00118 extension key not IRI",
        minimal,
        "object.definition",
        {"extensions": {"should fail": True}},
        'object.definition.extensions["should fail"]',
        "extension key",
    ),
    (
        "XAPI-00009 interactionType wrong case",
        minimal,
        "object.definition",
        {"interactionType": "true-faLse"},
        "object.definition.interactionType",
        "one of",
    ),
    (
        "XAPI-00049 interactionType unknown",
        minimal,
        "object.definition",
        {"interactionType": "essay"},
        "object.definition.interactionType",
        "one of",
    ),
    (
        "XAPI-00049 interactionType number",
        minimal,
        "object.definition",
        {"interactionType": 12345},
        "object.definition.interactionType",
        "string",
    ),
    (
        "XAPI-00064 pattern without interactionType",
        minimal,
        "object.definition",
        {"correctResponsesPattern": ["true"]},
        "object.definition.correctResponsesPattern",
        "interactionType",
    ),
    (
        "XAPI-00064 choices without interactionType",
        minimal,
        "object.definition",
        {"choices": [{"id": "a"}]},
        "object.definition.choices",
        "interactionType",
    ),
    (
        "pattern not array",
        minimal,
        "object.definition",
        {"interactionType": "other", "correctResponsesPattern": "x"},
        "object.definition.correctResponsesPattern",
        "array",
    ),
    (
        "pattern holds number",
        minimal,
        "object.definition",
        {"interactionType": "numeric", "correctResponsesPattern": [4]},
        "object.definition.correctResponsesPattern[0]",
        "string",
    ),
    (
        "scale on choice",
        minimal,
        "object.definition",
        {"interactionType": "choice", "scale": [{"id": "a"}]},
        "object.definition.scale",
        "only for interactionType likert",
    ),
    (
        "choices on true-false",
        minimal,
        "object.definition",
        {"interactionType": "true-false", "choices": [{"id": "a"}]},
        "object.definition.choices",
        "only for",
    ),
    (
        "steps on matching",
        minimal,
        "object.definition",
        {"interactionType": "matching", "steps": []},
        "object.definition.steps",
        "performance",
    ),
    (
        "component ids repeated",
        minimal,
        "object.definition",
        {"interactionType": "choice", "choices": [{"id": "a"}, {"id": "a"}]},
        "object.definition.choices[1].id",
        "repeats",
    ),
    (
        "component without id",
        minimal,
        "object.definition",
        {"interactionType": "likert", "scale": [{"description": {"en": "x"}}]},
        "object.definition.scale[0].id",
        "required",
    ),
    (
        "component unknown property",
        minimal,
        "object.definition",
        {"interactionType": "likert", "scale": [{"id": "a", "x": 1}]},
        "object.definition.scale[0].x",
        "not a property",
    ),
    (
        "component bad description",
        minimal,
        "object.definition",
        {
            "interactionType": "performance",
            "steps": [{"id": "a", "description": {"something": "x"}}],
        },
        "object.definition.steps[0].description.something",
        "RFC 5646",
    ),
    # substatements
    (
        "XAPI-00070 substatement with id",
        substatement,
        "object.id",
        UUID,
        "object.id",
        "must not have 'id'",
    ),
    (
        "XAPI-00069 substatement with stored",
        substatement,
        "object.stored",
        "2013-05-18T05:32:34.804Z",
        "object.stored",
        "must not have 'stored'",
    ),
    (
        "XAPI-00068 substatement with version",
        substatement,
        "object.version",
        "1.0.0",
        "object.version",
        "must not have 'version'",
    ),
    (
        "XAPI-00067 substatement with authority",
        substatement,
        "object.authority",
        {"mbox": MBOX},
        "object.authority",
        "must not have 'authority'",
    ),
    (
        "XAPI-00071 nested substatement",
        substatement,
        "object.object",
        substatement()["object"],
        "object.object.objectType",
        "must not contain a SubStatement",
    ),
    (
        "XAPI-00046 substatement wrong case",
        substatement,
        "object.objectType",
        "substatement",
        "object.objectType",
        "one of",
    ),
    (
        "XAPI-00066 substatement without actor",
        substatement,
        "object.actor",
        DELETE,
        "object.actor",
        "required in a SubStatement",
    ),
    (
        "XAPI-00066 substatement bad verb",
        substatement,
        "object.verb.id",
        "planned",
        "object.verb.id",
        "scheme",
    ),
    (
        "XAPI-00084 substatement revision with agent object",
        substatement,
        "object.object",
        {"objectType": "Agent", "mbox": MBOX},
        "object.context.revision",
        "Activity",
    ),
    (
        "XAPI-00022 substatement bad timestamp",
        substatement,
        "object.timestamp",
        "01/011/2015",
        "object.timestamp",
        "timestamp",
    ),
    # result
    ("result not object", minimal, "result", "passed", "result", "JSON object"),
    (
        "result unknown property",
        minimal,
        "result",
        {"passed": True},
        "result.passed",
        "not a property of a Result",
    ),
    (
        "XAPI-00074 success string",
        minimal,
        "result",
        {"success": "true"},
        "result.success",
        "boolean",
    ),
    (
        "XAPI-00075 completion string",
        minimal,
        "result",
        {"completion": "false"},
        "result.completion",
        "boolean",
    ),
    (
        "XAPI-00076 response number",
        minimal,
        "result",
        {"response": 12345},
        "result.response",
        "string",
    ),
    (
        "XAPI-00077 duration invalid",
        minimal,
        "result",
        {"duration": "PA1H0M0S"},
        "result.duration",
        "ISO 8601 duration",
    ),
    (
        "XAPI-00124 duration number",
        minimal,
        "result",
        {"duration": 12345},
        "result.duration",
        "string",
    ),
    (
        "XAPI-00079 score not object",
        minimal,
        "result",
        {"score": 12345},
        "result.score",
        "JSON object",
    ),
    (
        "score unknown property",
        minimal,
        "result",
        {"score": {"percent": 5}},
        "result.score.percent",
        "not a property of a Score",
    ),
    (
        "XAPI-00006 score max string",
        minimal,
        "result",
        {"score": {"max": "100"}},
        "result.score.max",
        "number",
    ),
    (
        "XAPI-00006 score raw boolean",
        minimal,
        "result",
        {"score": {"raw": True}},
        "result.score.raw",
        "number",
    ),
    (
        "XAPI-00083 scaled above 1",
        minimal,
        "result",
        {"score": {"scaled": 1.01}},
        "result.score.scaled",
        "between -1 and 1",
    ),
    (
        "XAPI-00083 scaled below -1",
        minimal,
        "result",
        {"score": {"scaled": -1.5}},
        "result.score.scaled",
        "between -1 and 1",
    ),
    (
        "XAPI-00081 min not below max",
        minimal,
        "result",
        {"score": {"min": 5, "max": 5}},
        "result.score.min",
        "less than max",
    ),
    (
        "XAPI-00082 raw above max",
        minimal,
        "result",
        {"score": {"raw": 0.6767676, "max": 0.6567676}},
        "result.score.raw",
        "greater than max",
    ),
    (
        "XAPI-00082 raw below min",
        minimal,
        "result",
        {"score": {"raw": 1, "min": 2}},
        "result.score.raw",
        "less than min",
    ),
    (
        "XAPI-00118 result extension key",
        minimal,
        "result",
        {"extensions": {"abc": 1}},
        "result.extensions.abc",
        "extension key",
    ),
    # context
    ("context not object", minimal, "context", "x", "context", "JSON object"),
    (
        "XAPI-00010 context unknown property",
        minimal,
        "context",
        {"location": "x"},
        "context.location",
        "not a property of a Context",
    ),
    (
        "XAPI-00087 registration not UUID",
        minimal,
        "context",
        {"registration": "should fail"},
        "context.registration",
        "UUID",
    ),
    (
        "XAPI-00087 registration object",
        minimal,
        "context",
        {"registration": {"key": "x"}},
        "context.registration",
        "string",
    ),
    (
        "XAPI-00001 registration null",
        minimal,
        "context",
        {"registration": None},
        "context.registration",
        "null",
    ),
    (
        "XAPI-00087 instructor string",
        minimal,
        "context",
        {"instructor": "Ms Sato"},
        "context.instructor",
        "JSON object",
    ),
    (
        "XAPI-00034 instructor without identifier",
        minimal,
        "context",
        {"instructor": {"objectType": "Agent"}},
        "context.instructor",
        "inverse functional",
    ),
    (
        "XAPI-00088 team is an agent",
        minimal,
        "context",
        {"team": {"mbox": MBOX}},
        "context.team.objectType",
        "Group",
    ),
    (
        "XAPI-00035 team anonymous without member",
        minimal,
        "context",
        {"team": {"objectType": "Group"}},
        "context.team.member",
        "anonymous Group",
    ),
    (
        "XAPI-00086 contextActivities string",
        minimal,
        "context",
        {"contextActivities": "x"},
        "context.contextActivities",
        "JSON object",
    ),
    (
        "XAPI-00093 contextActivities unknown kind",
        minimal,
        "context",
        {"contextActivities": {"consequences": []}},
        "context.contextActivities.consequences",
        "not a property",
    ),
    (
        "XAPI-00094 contextActivities bad activity",
        minimal,
        "context",
        {"contextActivities": {"parent": [{"id": ACTIVITY_ID}, {"key": "x"}]}},
        "context.contextActivities.parent[1].key",
        "not a property of an Activity",
    ),
    (
        "XAPI-00094 contextActivities single bad activity",
        minimal,
        "context",
        {"contextActivities": {"other": {"id": "x"}}},
        "context.contextActivities.other.id",
        "scheme",
    ),
    (
        "XAPI-00094 contextActivities string value",
        minimal,
        "context",
        {"contextActivities": {"other": "x"}},
        "context.contextActivities.other",
        "array",
    ),
    (
        "XAPI-00089 revision number",
        minimal,
        "context",
        {"revision": 12345},
        "context.revision",
        "string",
    ),
    (
        "XAPI-00090 platform object",
        minimal,
        "context",
        {"platform": {}},
        "context.platform",
        "string",
    ),
    (
        "XAPI-00084 revision with agent object",
        with_revision,
        "object",
        {"objectType": "Agent", "mbox": MBOX},
        "context.revision",
        "Activity",
    ),
    (
        "XAPI-00085 platform with statement ref object",
        lambda: changed(minimal(), "context", {"platform": "web"}),
        "object",
        {"objectType": "StatementRef", "id": UUID},
        "context.platform",
        "not StatementRef",
    ),
    (
        "XAPI-00013 language not a tag",
        minimal,
        "context",
        {"language": "something"},
        "context.language",
        "RFC 5646",
    ),
    (
        "XAPI-00091 language number",
        minimal,
        "context",
        {"language": 12345},
        "context.language",
        "string",
    ),
    (
        "XAPI-00092 context statement wrong case",
        minimal,
        "context",
        {"statement": {"objectType": "statementref", "id": UUID}},
        "context.statement.objectType",
        "StatementRef",
    ),
    (
        "XAPI-00092 context statement bad id",
        minimal,
        "context",
        {"statement": {"objectType": "StatementRef", "id": "x"}},
        "context.statement.id",
        "UUID",
    ),
    (
        "XAPI-00118 context extension key",
        minimal,
        "context",
        {"extensions": {"not an iri": 1}},
        'context.extensions["not an iri"]',
        "extension key",
    ),
    # timestamps, stored, authority, version
    ("XAPI-00123 timestamp string", minimal, "timestamp", "should fail", "timestamp", "timestamp"),
    ("XAPI-00123 timestamp slashes", minimal, "timestamp", "01/011/2015", "timestamp", "timestamp"),
    (
        "XAPI-00123 timestamp -00",
        minimal,
        "timestamp",
        "2008-09-15T15:53:00.601-00",
        "timestamp",
        "timestamp|-00:00",
    ),
    (
        "XAPI-00123 timestamp -0000",
        minimal,
        "timestamp",
        "2008-09-15T15:53:00.601-0000",
        "timestamp",
        "timestamp|-00:00",
    ),
    (
        "XAPI-00123 timestamp -00:00",
        minimal,
        "timestamp",
        "2008-09-15T15:53:00.601-00:00",
        "timestamp",
        "-00:00",
    ),
    (
        "XAPI-00123 timestamp impossible date",
        minimal,
        "timestamp",
        "2015-02-30T12:00:00Z",
        "timestamp",
        "real date",
    ),
    (
        "XAPI-00123 timestamp impossible offset",
        minimal,
        "timestamp",
        "2015-02-03T12:00:00+25:00",
        "timestamp",
        "offset",
    ),
    ("XAPI-00022 timestamp number", minimal, "timestamp", 1700000000, "timestamp", "string"),
    ("XAPI-00023 stored invalid", minimal, "stored", "yesterday", "stored", "timestamp"),
    (
        "XAPI-00024 authority without identifier",
        minimal,
        "authority",
        {"objectType": "Agent"},
        "authority",
        "inverse functional",
    ),
    (
        "XAPI-00098 authority identified group",
        minimal,
        "authority",
        {
            "objectType": "Group",
            "openid": "http://o.org/g",
            "member": [{"mbox": MBOX}, {"mbox": "mailto:b@example.com"}],
        },
        "authority",
        "anonymous",
    ),
    (
        "XAPI-00098 authority group of one",
        minimal,
        "authority",
        {"objectType": "Group", "member": [{"mbox": MBOX}]},
        "authority.member",
        "exactly two",
    ),
    (
        "XAPI-00098 authority group of three",
        minimal,
        "authority",
        {
            "objectType": "Group",
            "member": [{"mbox": MBOX}, {"mbox": "mailto:b@e.com"}, {"mbox": "mailto:c@e.com"}],
        },
        "authority.member",
        "exactly two",
    ),
    ("XAPI-00101 version string", minimal, "version", "should fail", "version", "1.0.x"),
    ("XAPI-00101 version 0.9.9", minimal, "version", "0.9.9", "version", "1.0.x"),
    ("XAPI-00101 version 1.1.0", minimal, "version", "1.1.0", "version", "1.0.x"),
    ("XAPI-00101 version number", minimal, "version", 1.0, "version", "string"),
    # attachments
    ("XAPI-00025 attachments object", minimal, "attachments", {}, "attachments", "array"),
    (
        "XAPI-00025 attachment number",
        minimal,
        "attachments",
        [12345],
        "attachments[0]",
        "JSON object",
    ),
    (
        "attachment without usageType",
        full,
        "attachments[0].usageType",
        DELETE,
        "attachments[0].usageType",
        "required",
    ),
    (
        "XAPI-00107 attachment usageType not IRI",
        full,
        "attachments[0].usageType",
        "example.com/usage",
        "attachments[0].usageType",
        "scheme",
    ),
    (
        "attachment without display",
        full,
        "attachments[0].display",
        DELETE,
        "attachments[0].display",
        "required",
    ),
    (
        "XAPI-00106 attachment display string",
        full,
        "attachments[0].display",
        "x",
        "attachments[0].display",
        "language map",
    ),
    (
        "XAPI-00121 attachment description bad tag",
        full,
        "attachments[0].description",
        {"something": "x"},
        "attachments[0].description.something",
        "RFC 5646",
    ),
    (
        "XAPI-00105 attachment contentType number",
        full,
        "attachments[0].contentType",
        999,
        "attachments[0].contentType",
        "string",
    ),
    (
        "XAPI-00105 attachment contentType not a media type",
        full,
        "attachments[0].contentType",
        "text",
        "attachments[0].contentType",
        "Media Type",
    ),
    (
        "attachment without length",
        full,
        "attachments[0].length",
        DELETE,
        "attachments[0].length",
        "required",
    ),
    (
        "XAPI-00102 attachment length string",
        full,
        "attachments[0].length",
        "27",
        "attachments[0].length",
        "integer",
    ),
    (
        "XAPI-00102 attachment length fraction",
        full,
        "attachments[0].length",
        2.5,
        "attachments[0].length",
        "integer",
    ),
    (
        "attachment length negative",
        full,
        "attachments[0].length",
        -1,
        "attachments[0].length",
        "negative",
    ),
    (
        "XAPI-00103 attachment sha2 number",
        full,
        "attachments[0].sha2",
        12345,
        "attachments[0].sha2",
        "string",
    ),
    (
        "attachment sha2 not hex",
        full,
        "attachments[0].sha2",
        "not-a-hash",
        "attachments[0].sha2",
        "SHA-2",
    ),
    (
        "XAPI-00104 attachment fileUrl not IRI",
        full,
        "attachments[0].fileUrl",
        "over.there.com/file.txt",
        "attachments[0].fileUrl",
        "scheme",
    ),
    (
        "attachment unknown property",
        full,
        "attachments[0].name",
        "x",
        "attachments[0].name",
        "not a property of an Attachment",
    ),
    (
        "signature not octet-stream",
        full,
        "attachments[0].usageType",
        "http://adlnet.gov/expapi/attachments/signature",
        "attachments[0].contentType",
        "octet-stream",
    ),
]


@BOTH
@pytest.mark.parametrize(
    ("case", "base", "path", "value", "error_path", "rule"),
    REFUSED,
    ids=[case[0] for case in REFUSED],
)
def test_broken_rule_refused_at_its_path(
    version: str,
    case: str,
    base: Callable[[], dict[str, Any]],
    path: str,
    value: object,
    error_path: str,
    rule: str,
) -> None:
    # Each case breaks one rule of a statement that is valid before the change.
    validate_statement(base(), version)
    error = refusal(changed(base(), path, value), version)
    assert (error.path, error.status) == (error_path, 400), error.message
    assert re.search(rule, error.rule), error.rule
    assert error.message == f"{error_path}: {error.rule}"
    assert isinstance(error, XapiError)


def test_statement_must_be_an_object() -> None:
    error = refusal([minimal()])
    assert error.path == ""
    assert "JSON object" in error.rule


# --- what 2.0.0 changed -----------------------------------------------------------------

CONTEXT_AGENTS = [
    {
        "objectType": "contextAgent",
        "agent": {"objectType": "Agent", "mbox": "mailto:player-1@example.com"},
        "relevantTypes": ["https://example.com/xapi/activity-types/position/quarterback"],
    },
    {"objectType": "contextAgent", "agent": {"mbox": "mailto:coach@example.com"}},
]
CONTEXT_GROUPS = [
    {
        "objectType": "contextGroup",
        "group": {
            "objectType": "Group",
            "mbox": "mailto:team-1@example.com",
            "member": [{"mbox": "mailto:player-1@example.com"}],
        },
        "relevantTypes": ["https://example.com/xapi/activity-types/team/a"],
    },
    {"objectType": "contextGroup", "group": {"objectType": "Group", "member": [{"mbox": MBOX}]}},
]


def test_context_agents_and_groups_valid_in_2_0_unknown_in_1_0_3() -> None:
    statement = changed(
        minimal(), "context", {"contextAgents": CONTEXT_AGENTS, "contextGroups": CONTEXT_GROUPS}
    )
    validate_statement(statement, V2)
    error = refusal(statement, V1)
    assert error.path == "context.contextAgents"
    assert "not a property of a Context" in error.rule


CONTEXT_AGENT_REFUSALS = [
    ("contextAgents", "x", "context.contextAgents", "array"),
    ("contextAgents", ["x"], "context.contextAgents[0]", "JSON object"),
    (
        "contextAgents",
        [{"objectType": "Should fail", "agent": {"mbox": MBOX}}],
        "context.contextAgents[0].objectType",
        "contextAgent",
    ),
    (
        "contextAgents",
        [{"agent": {"mbox": MBOX}}],
        "context.contextAgents[0].objectType",
        "contextAgent",
    ),
    (
        "contextAgents",
        [{"objectType": "contextAgent"}],
        "context.contextAgents[0].agent",
        "required",
    ),
    (
        "contextAgents",
        [{"objectType": "contextAgent", "agent": {"key": "Should fail"}}],
        "context.contextAgents[0].agent.key",
        "not a property of an Agent",
    ),
    (
        "contextAgents",
        [{"objectType": "contextAgent", "agent": {"objectType": "Group", "mbox": MBOX}}],
        "context.contextAgents[0].agent.objectType",
        "an Agent",
    ),
    (
        "contextAgents",
        [{"objectType": "contextAgent", "agent": {"mbox": MBOX}, "relevantTypes": []}],
        "context.contextAgents[0].relevantTypes",
        "at least one",
    ),
    (
        "contextAgents",
        [{"objectType": "contextAgent", "agent": {"mbox": MBOX}, "relevantTypes": ["abc"]}],
        "context.contextAgents[0].relevantTypes[0]",
        "scheme",
    ),
    (
        "contextAgents",
        [{"objectType": "contextAgent", "agent": {"mbox": MBOX}, "member": []}],
        "context.contextAgents[0].member",
        "not a property of a contextAgent",
    ),
    (
        "contextGroups",
        [{"objectType": "Should fail", "group": {"objectType": "Group", "mbox": MBOX}}],
        "context.contextGroups[0].objectType",
        "contextGroup",
    ),
    (
        "contextGroups",
        [{"objectType": "contextGroup", "group": {"key": "Should fail"}}],
        "context.contextGroups[0].group.key",
        "not a property of a Group",
    ),
    (
        "contextGroups",
        [{"objectType": "contextGroup", "group": {"mbox": MBOX}}],
        "context.contextGroups[0].group.objectType",
        "Group",
    ),
    (
        "contextGroups",
        [
            {
                "objectType": "contextGroup",
                "group": {"objectType": "Group", "mbox": MBOX},
                "relevantTypes": [],
            }
        ],
        "context.contextGroups[0].relevantTypes",
        "at least one",
    ),
    (
        "contextGroups",
        [
            {
                "objectType": "contextGroup",
                "group": {"objectType": "Group", "mbox": MBOX},
                "relevantTypes": [1],
            }
        ],
        "context.contextGroups[0].relevantTypes[0]",
        "string",
    ),
]


@pytest.mark.parametrize(("key", "value", "error_path", "rule"), CONTEXT_AGENT_REFUSALS)
def test_context_agents_and_groups_rules_in_2_0(
    key: str, value: object, error_path: str, rule: str
) -> None:
    statement = changed(minimal(), "context", {key: value})
    error = refusal(statement, V2)
    assert error.path == error_path, error.message
    assert rule in error.rule
    sub = substatement()
    sub["object"]["context"] = {key: value}
    assert refusal(sub, V2).path == "object." + error_path


def test_statement_version_2_0_accepted_only_under_2_0() -> None:
    for statement_version in ("2.0.0", "2.0", "2.0.7"):
        statement = changed(minimal(), "version", statement_version)
        validate_statement(statement, V2)
        assert refusal(statement, V1).path == "version"
    assert refusal(changed(minimal(), "version", "2.1.0"), V2).path == "version"
    validate_statement(changed(minimal(), "version", "1.0.3"), V2)


def test_timestamp_without_zone_iso_8601_in_1_0_3_refused_by_rfc_3339_in_2_0() -> None:
    for text in ("2015-11-18T12:17:00", "2015-11-18T12:17", "2015-11-18T12:17:00,5+0100"):
        statement = changed(minimal(), "timestamp", text)
        validate_statement(statement, V1)
        error = refusal(statement, V2)
        assert (error.path, "RFC 3339" in error.rule) == ("timestamp", True)


def test_null_timestamp_left_to_the_lrs_in_2_0_refused_in_1_0_3() -> None:
    statement = changed(minimal(), "timestamp", None)
    validate_statement(statement, V2)
    assert is_absent_timestamp(statement)
    assert is_absent_timestamp(minimal())
    assert not is_absent_timestamp(changed(minimal(), "timestamp", "2015-11-18T12:17:00Z"))
    assert refusal(statement, V1).path == "timestamp"
    nested = substatement()
    nested["object"]["timestamp"] = None
    assert refusal(nested, V2).path == "object.timestamp"


# --- the special data types on their own ------------------------------------------------


@pytest.mark.parametrize(
    ("text", "version", "instant"),
    [
        ("2023-05-04T12:00:00-05:00", V2, datetime(2023, 5, 4, 17, 0, tzinfo=UTC)),
        ("2023-05-04T17:00:00.000Z", V2, datetime(2023, 5, 4, 17, 0, tzinfo=UTC)),
        ("2008-09-15T15:53:00.601+00:00", V2, datetime(2008, 9, 15, 15, 53, 0, 601000, tzinfo=UTC)),
        ("2013-05-18t05:32:34.8041237z", V2, datetime(2013, 5, 18, 5, 32, 34, 804123, tzinfo=UTC)),
        ("2023-05-04T12:00:00+0530", V1, datetime(2023, 5, 4, 6, 30, tzinfo=UTC)),
        ("2023-05-04T12:00:00+09", V1, datetime(2023, 5, 4, 3, 0, tzinfo=UTC)),
        ("2023-05-04T12:00", V1, datetime(2023, 5, 4, 12, 0, tzinfo=UTC)),
        ("2023-05-04T12:00:00.5", V1, datetime(2023, 5, 4, 12, 0, 0, 500000, tzinfo=UTC)),
    ],
)
def test_timestamp_converted_to_utc(text: str, version: str, instant: datetime) -> None:
    result = validate_timestamp(text, version)
    assert result == instant
    assert result.tzinfo == UTC


@BOTH
@pytest.mark.parametrize(
    "text",
    [
        "",
        "2023-05-04",
        "2023-05-04 12:00:00Z",
        "20230504T120000Z",
        "2023-13-04T12:00:00Z",
        "2023-05-04T24:00:00Z",
        "2023-05-04T12:60:00Z",
        "2023-05-04T12:00:60Z",
        "2023-05-04T12:00:00-00:00",
        "2023-05-04T12:00:00+24:00",
        "٢٠٢٣-05-04T12:00:00Z",
    ],
)
def test_timestamp_refused(text: str, version: str) -> None:
    with pytest.raises(XapiValidationError) as raised:
        validate_timestamp(text, version, "since")
    assert raised.value.path == "since"


@pytest.mark.parametrize(
    "text",
    [
        "PT4H35M59.14S",
        "PT16559.14S",
        "P3Y1M29DT4H35M59.14S",
        "P3Y",
        "P4W",
        "PT1H0M0.1S",
        "P1DT12H36M0.12567S",
        "PT0S",
        "P0D",
        "PT1,5S",
        "P1.5Y",
    ],
)
def test_duration_accepted(text: str) -> None:
    assert validate_iso8601_duration(text) == text


@pytest.mark.parametrize(
    "text",
    [
        "",
        "P",
        "PT",
        "P1YT",
        "PA1H0M0S",
        "P4W1D",
        "1H",
        "PT1H30",
        "P1.5YT1H",
        "PT-1S",
        "P0001-02-03T04:05:06",
        "pt1h",
    ],
)
def test_duration_refused(text: str) -> None:
    with pytest.raises(XapiValidationError) as raised:
        validate_iso8601_duration(text, "result.duration")
    assert raised.value.path == "result.duration"


@pytest.mark.parametrize(
    "tag",
    [
        "en",
        "de",
        "tlh",
        "cmn",
        "ase",
        "en-US",
        "de-DE",
        "zh-Hant",
        "sr-Latn-RS",
        "zh-Hans-CN",
        "es-419",
        "fr-CA",
        "de-DE-1996",
        "sl-rozaj-biske",
        "en-a-bbb-x-a-ccc",
        "x-private",
        "i-klingon",
        "zh-min-nan",
        "EN-us",
        "zh-yue-HK",
        "ja",
    ],
)
def test_language_tag_accepted(tag: str) -> None:
    assert validate_language_tag(tag, "context.language") == tag


@pytest.mark.parametrize(
    "tag",
    [
        "",
        "something",
        "a12345",
        "a12345678",
        "s-something",
        "en-something-AU",
        "zh-something-ccc",
        "zh-z-aaa-z-bbb-c-ccc",
        "de-1996-1996",
        "en_US",
        "en-",
        "-en",
        "e",
        "en-US-",
        "x",
        "en-x",
    ],
)
def test_language_tag_refused(tag: str) -> None:
    with pytest.raises(XapiValidationError) as raised:
        validate_language_tag(tag, "context.language")
    assert raised.value.path == "context.language"
    assert "RFC 5646" in raised.value.rule


def test_language_map_paths_name_the_key() -> None:
    validate_language_map({"en-US": "a", "ja": "あ"}, "verb.display")
    with pytest.raises(XapiValidationError) as raised:
        validate_language_map({"en-US": "a", "something": "b"}, "verb.display")
    assert raised.value.path == "verb.display.something"
    with pytest.raises(XapiValidationError) as raised:
        validate_language_map(["en"], "verb.display")
    assert raised.value.path == "verb.display"


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("fd41c918-b88b-4b20-a0a5-a4c32391aaa0", True),
        ("FD41C918-B88B-4B20-A0A5-A4C32391AAA0", True),
        ("12345678-1234-5678-1234-567812345678", True),
        ("fd41c918b88b4b20a0a5a4c32391aaa0", False),
        ("{fd41c918-b88b-4b20-a0a5-a4c32391aaa0}", False),
        ("fd41c918-b88b-4b20-a0a5-a4c32391aaa", False),
        ("wrong", False),
        ("", False),
        (12345, False),
    ],
)
def test_uuid(value: object, valid: bool) -> None:
    if valid:
        assert validate_uuid(value, "registration") == value
    else:
        with pytest.raises(XapiValidationError) as raised:
            validate_uuid(value, "registration")
        assert raised.value.path == "registration"


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("http://example.com/activities/1", True),
        ("https://例え.jp/単語/食べる", True),
        ("urn:isbn:0451450523", True),
        ("tag:example.com,2024:word/1", True),
        ("http://user@example.com:8080/a?b=c#d", True),
        ("http://example.com/path/%E9%A3%9F", True),
        ("not.a.valid.iri.com/activity", False),
        ("ab=c://should.fail.com", False),
        ("1http://example.com", False),
        ("http:", False),
        ("http://", False),
        ("http://exa mple.com", False),
        ("http://example.com/<script>", False),
        ("http://example.com/\u0000", False),
        (None, False),
        ({"id": "http://example.com"}, False),
    ],
)
def test_iri(value: object, valid: bool) -> None:
    if valid:
        assert validate_iri(value, "activity") == value
        assert validate_activity_id(value) == value
    else:
        with pytest.raises(XapiValidationError) as raised:
            validate_activity_id(value)
        assert raised.value.path == "activityId"


# --- agents as parameters ---------------------------------------------------------------


@BOTH
def test_agent_parameter(version: str) -> None:
    validate_agent({"mbox": MBOX}, version)
    validate_agent({"objectType": "Group", "member": [{"mbox": MBOX}]}, version, "agent")
    validate_identified_agent({"objectType": "Group", "mbox": MBOX}, version)
    validate_identified_agent({"account": {"homePage": "http://e.com", "name": "7"}}, version)
    for bad, error_path in [
        ("wrong", "agent"),
        ({"mbox": "bob@example.com"}, "agent.mbox"),
        ({"objectType": "Group", "member": [{"mbox": MBOX}]}, "agent"),
        ({"mbox": MBOX, "extra": 1}, "agent.extra"),
    ]:
        with pytest.raises(XapiValidationError) as raised:
            validate_identified_agent(bad, version)
        assert raised.value.path == error_path


# --- batches ------------------------------------------------------------------------------


@BOTH
def test_batch_all_or_nothing_with_indexed_paths(version: str) -> None:
    first = changed(minimal(), "id", UUID)
    second = changed(minimal(), "id", "8f87ccde-bb56-4c2e-ab83-44982ef22df0")
    assert validate_statements([first, second], version) == [first, second]
    assert validate_statements(first, version) == [first]
    assert validate_statements([], version) == []

    broken = changed(second, "actor.mbox", "nobody")
    with pytest.raises(XapiValidationError) as raised:
        validate_statements([first, broken], version)
    assert raised.value.path == "[1].actor.mbox"

    with pytest.raises(XapiValidationError) as raised:
        validate_statements([first, changed(second, "id", UUID.upper())], version)
    assert raised.value.path == "[1].id"
    assert "[0]" in raised.value.rule

    for body in ("statement", 12, None, [1]):
        with pytest.raises(XapiValidationError):
            validate_statements(body, version)


@pytest.mark.parametrize("number", [math.nan, math.inf, -math.inf, 10**400])
def test_score_numbers_must_be_finite(number: float) -> None:
    error = refusal(changed(minimal(), "result", {"score": {"raw": number}}))
    assert (error.path, error.rule) == ("result.score.raw", "raw must be a finite number")


def test_keys_that_dots_would_blur_are_bracketed_in_paths() -> None:
    error = refusal(changed(minimal(), "result", {"extensions": {"http://e.com/a": 1, "x.y": 2}}))
    assert error.path == 'result.extensions["x.y"]'
    error = refusal(changed(minimal(), "verb.display", {"en US": "x"}))
    assert error.path == 'verb.display["en US"]'


def test_object_types_checked_wherever_the_kind_is_fixed() -> None:
    group = {"objectType": "Group", "member": [{"objectType": "agent", "mbox": MBOX}]}
    assert refusal(changed(minimal(), "actor", group)).path == "actor.member[0].objectType"
    parent = {"parent": [{"objectType": "activity", "id": ACTIVITY_ID}]}
    error = refusal(changed(minimal(), "context", {"contextActivities": parent}))
    assert (error.path, error.rule) == (
        "context.contextActivities.parent[0].objectType",
        "must be 'Activity' for an Activity",
    )
    sub = substatement()["object"]
    validate_statement(sub, V2, substatement=True)
    del sub["objectType"]
    assert refusal(sub, V2, substatement=True).path == "objectType"


def test_activity_on_its_own() -> None:
    validate_activity({"id": ACTIVITY_ID, "definition": INTERACTIONS[1]})
    with pytest.raises(XapiValidationError) as raised:
        validate_activity(
            {"id": ACTIVITY_ID, "definition": {"interactionType": "likert", "choices": []}}
        )
    assert raised.value.path == "activity.definition.choices"
    with pytest.raises(XapiValidationError) as raised:
        validate_activity("http://example.com", "object")
    assert raised.value.path == "object"


def test_overlong_formatted_values_refused_up_front() -> None:
    long_fraction = "2020-01-01T00:00:00." + "1" * 200 + "Z"
    assert "too long" in refusal(changed(minimal(), "timestamp", long_fraction)).rule
    long_duration = "PT" + "1" * 200 + "S"
    error = refusal(changed(minimal(), "result", {"duration": long_duration}))
    assert (error.path, "too long" in error.rule) == ("result.duration", True)
    long_tag = "-".join(["abcdefgh"] * 20)
    error = refusal(changed(minimal(), "verb.display", {long_tag: "x"}))
    assert "too long" in error.rule
    validate_iso8601_duration("PT" + "1" * 100 + "S")


def test_long_iris_checked_uncached_and_bounded() -> None:
    long_iri = "http://example.com/" + "a" * 4000
    validate_statement(changed(minimal(), "object.id", long_iri), V1)
    error = refusal(changed(minimal(), "object.id", long_iri + " "))
    assert (error.path, "no spaces" in error.rule) == ("object.id", True)
    error = refusal(changed(minimal(), "object.id", "http://example.com/" + "a" * 9000))
    assert (error.path, "too long" in error.rule) == ("object.id", True)


def test_a_property_used_twice_is_refused() -> None:
    reject_repeated_properties(b'{"actor": {"mbox": "mailto:a@b.c"}, "verb": {"id": "urn:x:v"}}')
    reject_repeated_properties('[{"a": 1}, {"a": 2}, {"b": {"a": 1, "c": {"a": 2}}}]')
    for raw in (
        b'{"actor": {"mbox": "mailto:a@b.c"}, "actor": {"mbox": "mailto:d@e.f"}}',
        '[{"ok": 1}, {"context": {"extensions": {"urn:x:e": 1, "urn:x:e": 2}}}]',
    ):
        with pytest.raises(XapiValidationError) as raised:
            reject_repeated_properties(raw)
        assert "twice" in raised.value.rule
    assert "'actor'" in refusal_of_raw(b'{"actor": 1, "actor": 2}').rule


def refusal_of_raw(raw: bytes) -> XapiValidationError:
    with pytest.raises(XapiValidationError) as raised:
        reject_repeated_properties(raw)
    return raised.value
