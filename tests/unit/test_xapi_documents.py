"""Pure parts of the xAPI document resources and of the Alternate Request Syntax."""

from __future__ import annotations

import hashlib
from urllib.parse import urlencode

import pytest

from lang_portal.xapi.alternate_syntax import AlternateRequest, decode_alternate
from lang_portal.xapi.documents import (
    DocumentResource,
    agent_key,
    content_etag,
    media_type,
    parse_since,
)
from lang_portal.xapi.errors import XapiBadRequest, XapiValidationError

FORM = "application/x-www-form-urlencoded"


def test_etag_is_lowercase_sha1_hex_of_the_content() -> None:
    assert content_etag(b"abc") == hashlib.sha1(b"abc").hexdigest()
    assert content_etag(b"abc") == content_etag(b"abc").lower()


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("application/json", "application/json"),
        ("Application/JSON; charset=utf-8", "application/json"),
        (None, ""),
        ("", ""),
    ],
)
def test_media_type_drops_parameters_and_case(header: str | None, expected: str) -> None:
    assert media_type(header) == expected


def test_agent_key_is_the_identifier_whatever_else_the_agent_says() -> None:
    plain = {"mbox": "mailto:a@example.com"}
    named = {"objectType": "Agent", "name": "A", "mbox": "mailto:a@example.com"}
    assert agent_key(plain) == agent_key(named)
    account_one = {"account": {"homePage": "http://x.example", "name": "a"}}
    account_two = {"account": {"name": "a", "homePage": "http://x.example"}}
    assert agent_key(account_one) == agent_key(account_two)
    assert agent_key(account_one) != agent_key(
        {"account": {"homePage": "http://x.example/a", "name": ""}}
    )
    assert agent_key({"mbox_sha1sum": "AB" * 20}) == agent_key({"mbox_sha1sum": "ab" * 20})
    assert agent_key({"openid": "http://a.example"}) != agent_key({"mbox": "http://a.example"})


def test_since_converts_an_offset_to_utc_in_the_stored_form() -> None:
    assert parse_since("2026-01-15T10:00:00+01:00", "2.0.0") == "2026-01-15T09:00:00.000000Z"
    assert parse_since("2026-01-15T09:00:00.5Z", "1.0.3") == "2026-01-15T09:00:00.500000Z"


def test_since_that_is_no_timestamp_is_refused() -> None:
    with pytest.raises(XapiValidationError) as refused:
        parse_since("tomorrow", "1.0.3")
    assert refused.value.path == "since"


def test_allowed_parameters_per_resource_and_method() -> None:
    assert DocumentResource.STATE.allowed_params("GET") == {
        "activityId",
        "agent",
        "registration",
        "stateId",
        "since",
    }
    assert DocumentResource.AGENT_PROFILE.allowed_params("PUT") == {"agent", "profileId"}
    assert DocumentResource.ACTIVITY_PROFILE.allowed_params("DELETE") == {
        "activityId",
        "profileId",
    }


def decode(
    fields: dict[str, str], method: str = "PUT", version: str | None = "1.0.3"
) -> AlternateRequest:
    return decode_alternate("POST", [("method", method)], FORM, version, urlencode(fields).encode())


def test_decode_splits_headers_content_and_parameters() -> None:
    request = decode_alternate(
        "POST",
        [("method", "put")],
        FORM + "; charset=UTF-8",
        None,
        urlencode(
            {
                "statementId": "x",
                "authorization": "Basic abc",
                "X-Experience-API-Version": "1.0.3",
                "Content-Length": "999",
                "If-Match": '"e"',
                "content": '{"a": "あ"}',
            }
        ).encode(),
    )
    assert request.method == "PUT"
    assert request.query == [("statementId", "x")]
    assert request.headers == {
        "authorization": "Basic abc",
        "x-experience-api-version": "1.0.3",
        "if-match": '"e"',
        "content-type": "application/json",
    }
    assert request.body == '{"a": "あ"}'.encode()


def test_decode_keeps_the_form_content_type_and_drops_it_without_content() -> None:
    with_type = decode({"content": "x", "Content-Type": "text/plain"})
    assert with_type.headers["content-type"] == "text/plain"
    without_content = decode({"Content-Type": "text/plain"}, method="GET")
    assert "content-type" not in without_content.headers
    assert without_content.body == b""


@pytest.mark.parametrize(
    ("http_method", "query", "content_type", "body", "fragment"),
    [
        ("PUT", [("method", "POST")], FORM, b"content=x", "only for POST"),
        ("POST", [("method", "PUT"), ("stateId", "s")], FORM, b"content=x", "no query"),
        ("POST", [("method", "PATCH")], FORM, b"content=x", "not one of"),
        ("POST", [("method", "PUT")], "application/json", b"content=x", "Content-Type"),
        ("POST", [("method", "PUT")], FORM, b'{"content": 1}', "not a URL-encoded form"),
        ("POST", [("method", "PUT")], FORM, b"\xff=1", "UTF-8"),
        ("POST", [("method", "PUT")], FORM, b"stateId=s", "'content' form parameter"),
        ("POST", [("method", "PUT")], FORM, b"content=a&content=b", "more than once"),
        ("POST", [("method", "GET")], FORM, b"X-Experience-API-Version=2.0.0", "2.0"),
    ],
)
def test_decode_refuses_malformed_alternate_requests(
    http_method: str,
    query: list[tuple[str, str]],
    content_type: str,
    body: bytes,
    fragment: str,
) -> None:
    with pytest.raises(XapiBadRequest) as refused:
        decode_alternate(http_method, query, content_type, "1.0.3", body)
    assert fragment in refused.value.message


def test_decode_refuses_2_0_named_in_the_header() -> None:
    with pytest.raises(XapiBadRequest):
        decode({"content": "{}"}, version="2.0.0")
