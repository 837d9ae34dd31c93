"""Version header, authentication and About (Communication 1.3, 3.2, 3.3, 2.8)."""

from __future__ import annotations

import base64

import pytest
from fastapi.testclient import TestClient

from tests.api.xapi.conftest import XapiClient


def test_xapi_about_needs_no_authentication_or_version(client: TestClient) -> None:
    response = client.get("/xapi/about")
    assert response.status_code == 200
    body = response.json()
    assert body["version"] == ["1.0.3", "2.0.0"]
    assert isinstance(body["extensions"], dict)
    assert response.headers["X-Experience-API-Version"] == "1.0.3"


def test_xapi_about_answers_in_2_0_when_asked(client: TestClient) -> None:
    response = client.get("/xapi/about", headers={"X-Experience-API-Version": "2.0.0"})
    assert response.headers["X-Experience-API-Version"] == "2.0.0"


def test_xapi_about_head(client: TestClient) -> None:
    response = client.head("/xapi/about")
    assert response.status_code == 200
    assert response.content == b""


def test_xapi_request_without_version_header_is_400(xapi: XapiClient) -> None:
    response = xapi.client.get(
        "/xapi/statements", headers={"Authorization": xapi.key.basic_header()}
    )
    assert response.status_code == 400
    assert "X-Experience-API-Version" in response.json()["message"]
    assert response.headers["X-Experience-API-Version"] == "1.0.3"


@pytest.mark.parametrize("version", ["0.95", "0.9", "1.1.0", "3.0.0", "1.0.x", "abc"])
def test_xapi_unsupported_version_is_400(xapi: XapiClient, version: str) -> None:
    response = xapi.get("/statements", headers={"X-Experience-API-Version": version})
    assert response.status_code == 400
    assert "unsupported" in response.json()["message"]


@pytest.mark.parametrize(
    ("asked", "served"),
    [
        ("1.0", "1.0.3"),
        ("1.0.0", "1.0.3"),
        ("1.0.3", "1.0.3"),
        ("1.0.9", "1.0.3"),
        ("2.0", "2.0.0"),
        ("2.0.0", "2.0.0"),
        ("2.0.5", "2.0.0"),
    ],
)
def test_xapi_accepted_versions_are_answered_in_their_release(
    xapi: XapiClient, asked: str, served: str
) -> None:
    response = xapi.get(
        "/statements", headers={"X-Experience-API-Version": asked}, params={"limit": 1}
    )
    assert response.status_code == 200, response.text
    assert response.headers["X-Experience-API-Version"] == served


def test_xapi_request_without_credentials_is_401_saying_how_to_make_a_key(
    client: TestClient,
) -> None:
    response = client.get("/xapi/statements", headers={"X-Experience-API-Version": "1.0.3"})
    assert response.status_code == 401
    assert "lang-portal xapi add-key" in response.json()["message"]
    assert response.headers["WWW-Authenticate"].startswith("Basic")


@pytest.mark.parametrize(
    "authorization",
    [
        "Basic " + base64.b64encode(b"nobody:nothing").decode(),
        "Basic !!!notbase64",
        "Bearer abc",
        "Basic " + base64.b64encode(b"nocolon").decode(),
    ],
)
def test_xapi_bad_credentials_are_401(xapi: XapiClient, authorization: str) -> None:
    response = xapi.get("/statements", headers={"Authorization": authorization})
    assert response.status_code == 401


def test_xapi_wrong_secret_for_a_real_key_is_401(xapi: XapiClient) -> None:
    token = base64.b64encode(f"{xapi.key.username}:wrong".encode()).decode()
    response = xapi.get("/statements", headers={"Authorization": f"Basic {token}"})
    assert response.status_code == 401


def test_xapi_unknown_resource_is_404_in_xapi_shape(xapi: XapiClient) -> None:
    response = xapi.get("/nothing-here")
    assert response.status_code == 404
    assert set(response.json()) == {"message"}
    assert response.headers["X-Experience-API-Version"] == "1.0.3"


def test_xapi_00331_request_without_version_is_answered_in_the_version_its_key_last_spoke(
    xapi: XapiClient, xapi2: XapiClient
) -> None:
    assert xapi2.get("/statements").status_code == 200
    response = xapi.client.get(
        "/xapi/statements", headers={"Authorization": xapi.key.basic_header()}
    )
    assert response.status_code == 400
    assert response.headers["X-Experience-API-Version"] == "2.0.0"
    assert xapi.get("/statements").status_code == 200
    again = xapi.client.get("/xapi/statements", headers={"Authorization": xapi.key.basic_header()})
    assert again.headers["X-Experience-API-Version"] == "1.0.3"
