"""Whatever a client sends to a document resource, the answer is a document, an id list, or a
refusal with its 4xx status; never a crash. And a stored document's ETag is always the SHA-1
of the bytes a GET returns."""

from __future__ import annotations

import hashlib
import json
from typing import TypeVar

import pytest

hypothesis = pytest.importorskip("hypothesis")

from hypothesis import HealthCheck, event, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from lang_portal.service.container import Services  # noqa: E402
from lang_portal.xapi.documents import (  # noqa: E402
    DocumentBody,
    DocumentRequest,
    DocumentResource,
    DocumentService,
    LaunchScope,
)
from lang_portal.xapi.errors import XapiError  # noqa: E402

T = TypeVar("T")

AGENTS = [
    json.dumps({"mbox": "mailto:a@example.com"}),
    json.dumps({"objectType": "Agent", "account": {"homePage": "http://x.example", "name": "b"}}),
    json.dumps({"mbox_sha1sum": "a" * 40, "name": "c"}),
    json.dumps({"objectType": "Group", "mbox": "mailto:g@example.com"}),
    "{}",
    "[]",
    "null",
    "{",
]
PARAM_VALUES = st.one_of(
    st.sampled_from(AGENTS),
    st.sampled_from(
        [
            "http://example.com/activity",
            "ec531277-b57b-4c15-8d91-d292c5b2b8f7",
            "2026-01-15T09:00:00Z",
            "2026-01-15T09:00:00+09:00",
            "doc",
            "",
        ]
    ),
    st.text(max_size=20),
)
PARAM_NAMES = st.sampled_from(
    ["activityId", "agent", "registration", "stateId", "profileId", "since", "StateId", "x"]
)
VALID = {
    DocumentResource.STATE: [
        ("activityId", "http://example.com/activity"),
        ("agent", AGENTS[0]),
        ("registration", "ec531277-b57b-4c15-8d91-d292c5b2b8f7"),
        ("stateId", "doc"),
    ],
    DocumentResource.ACTIVITY_PROFILE: [
        ("activityId", "http://example.com/activity"),
        ("profileId", "doc"),
    ],
    DocumentResource.AGENT_PROFILE: [("agent", AGENTS[1]), ("profileId", "doc")],
}


@st.composite
def parameters(draw: st.DrawFn, resource: DocumentResource) -> list[tuple[str, str]]:
    """A valid set for the resource, most often broken in a place or two; sometimes any list."""
    if draw(st.integers(0, 9)) == 0:
        return draw(st.lists(st.tuples(PARAM_NAMES, PARAM_VALUES), max_size=6))
    params = list(VALID[resource])
    for _ in range(draw(st.sampled_from([0, 0, 0, 1, 2]))):
        change = draw(st.sampled_from(["drop", "replace", "add"]))
        if change == "drop" and params:
            params.pop(draw(st.integers(0, len(params) - 1)))
        elif change == "replace" and params:
            index = draw(st.integers(0, len(params) - 1))
            params[index] = (params[index][0], draw(PARAM_VALUES))
        else:
            params.append((draw(PARAM_NAMES), draw(PARAM_VALUES)))
    return params


def mostly(common: st.SearchStrategy[T], rare: st.SearchStrategy[T]) -> st.SearchStrategy[T]:
    """`common` four times in five, so that the requests that get through are not rare."""
    return st.integers(0, 4).flatmap(lambda n: rare if n == 0 else common)


ETAGS = mostly(
    st.none(), st.sampled_from(["*", '"' + "0" * 40 + '"', "W/x, y"]) | st.text(max_size=44)
)
CONTENT_TYPES = st.sampled_from(
    [None, "application/json", "application/json; charset=utf-8", "text/plain", ""]
)
BODIES = mostly(
    st.sampled_from([b"{}", b'{"a": 1}', b'{"b": [1, 2]}']),
    st.sampled_from([b"[]", b'"s"', b"{"]) | st.binary(max_size=40),
)


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    data=st.data(),
    resource=st.sampled_from(list(DocumentResource)),
    method=st.sampled_from(["GET", "PUT", "POST", "DELETE"]),
    if_match=ETAGS,
    if_none_match=ETAGS,
    content_type=CONTENT_TYPES,
    body=BODIES,
    version=st.sampled_from(["1.0.3", "2.0.0"]),
    launched=st.sampled_from([False] * 4 + [True]),
)
def test_any_document_request_is_answered_or_refused_with_4xx(
    services: Services,
    data: st.DataObject,
    resource: DocumentResource,
    method: str,
    if_match: str | None,
    if_none_match: str | None,
    content_type: str | None,
    body: bytes,
    version: str,
    launched: bool,
) -> None:
    params = data.draw(parameters(resource))
    documents = DocumentService(services.context)
    scope = (
        LaunchScope.of("ec531277-b57b-4c15-8d91-d292c5b2b8f7", json.loads(AGENTS[0]))
        if launched
        else None
    )
    request = DocumentRequest(version, params, if_match, if_none_match, scope)
    try:
        if method == "GET":
            reply = documents.get(resource, request)
            assert reply.etag == f'"{hashlib.sha1(reply.content).hexdigest()}"'
            if not any(name in ("stateId", "profileId") for name, _ in params):
                assert isinstance(json.loads(reply.content), list)
        elif method == "PUT":
            documents.put(resource, request, DocumentBody(content_type, body))
        elif method == "POST":
            documents.post(resource, request, DocumentBody(content_type, body))
        else:
            documents.delete(resource, request)
        event(f"{method} answered")
    except XapiError as refusal:
        assert 400 <= refusal.status < 500
        assert refusal.message
        event(f"{method} refused {refusal.status}")
