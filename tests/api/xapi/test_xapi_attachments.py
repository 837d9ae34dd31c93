"""multipart/mixed attachments checked by SHA-2, and signed statements (Data 2.4.11, 2.6)."""

from __future__ import annotations

import base64
import datetime
import hashlib
import json
from typing import Any

import jwt
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from lang_portal.xapi.multipart import parse_multipart
from tests.api.xapi.conftest import XapiClient
from tests.api.xapi.statements_data import statement, with_id

SIGNATURE = "http://adlnet.gov/expapi/attachments/signature"
CONTENT = b"a learner's essay\r\n--not-a-boundary\r\n\x00\xff binary tail"


def attachment_meta(content: bytes, **overrides: Any) -> dict[str, Any]:
    meta = {
        "usageType": "http://example.com/attachment-usage/essay",
        "display": {"en-US": "essay"},
        "contentType": "text/plain",
        "length": len(content),
        "sha2": hashlib.sha256(content).hexdigest(),
    }
    meta.update(overrides)
    return meta


def multipart(
    statements: Any, parts: list[tuple[bytes, dict[str, str]]], boundary: str = "abc-boundary"
) -> tuple[bytes, dict[str, str]]:
    chunks = [
        b"--"
        + boundary.encode()
        + b"\r\nContent-Type: application/json\r\n\r\n"
        + json.dumps(statements).encode()
    ]
    for content, headers in parts:
        head = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
        chunks.append(b"--" + boundary.encode() + b"\r\n" + head.encode() + b"\r\n" + content)
    body = b"\r\n".join(chunks) + b"\r\n--" + boundary.encode() + b"--\r\n"
    return body, {"Content-Type": f'multipart/mixed; boundary="{boundary}"'}


def part_headers(content: bytes, content_type: str = "text/plain") -> dict[str, str]:
    return {
        "Content-Type": content_type,
        "Content-Transfer-Encoding": "binary",
        "X-Experience-API-Hash": hashlib.sha256(content).hexdigest(),
    }


def test_xapi_attachment_multipart_is_stored_and_returned_by_hash(xapi: XapiClient) -> None:
    body, headers = multipart(
        statement(attachments=[attachment_meta(CONTENT)]), [(CONTENT, part_headers(CONTENT))]
    )
    response = xapi.post("/statements", content=body, headers=headers)
    assert response.status_code == 200, response.text
    (statement_id,) = response.json()
    plain = xapi.get("/statements", params={"statementId": statement_id})
    assert plain.headers["content-type"].startswith("application/json")
    got = xapi.get("/statements", params={"statementId": statement_id, "attachments": "true"})
    assert got.status_code == 200
    assert got.headers["content-type"].startswith("multipart/mixed")
    first, second = parse_multipart(got.content, got.headers["content-type"])
    assert json.loads(first.body)["id"] == statement_id
    assert second.body == CONTENT
    assert second.headers["x-experience-api-hash"] == hashlib.sha256(CONTENT).hexdigest()
    listed = xapi.get("/statements", params={"attachments": "true"})
    statements_part, attachment_part = parse_multipart(
        listed.content, listed.headers["content-type"]
    )
    assert [s["id"] for s in json.loads(statements_part.body)["statements"]] == [statement_id]
    assert attachment_part.body == CONTENT


def test_xapi_attachment_part_with_wrong_hash_is_400(xapi: XapiClient) -> None:
    headers_for_part = part_headers(CONTENT) | {"X-Experience-API-Hash": "0" * 64}
    body, headers = multipart(
        statement(attachments=[attachment_meta(CONTENT, sha2="0" * 64)]),
        [(CONTENT, headers_for_part)],
    )
    assert xapi.post("/statements", content=body, headers=headers).status_code == 400


def test_xapi_attachment_declared_but_not_sent_is_400(xapi: XapiClient) -> None:
    body, headers = multipart(statement(attachments=[attachment_meta(CONTENT)]), [])
    assert xapi.post("/statements", content=body, headers=headers).status_code == 400
    as_json = xapi.post("/statements", json=statement(attachments=[attachment_meta(CONTENT)]))
    assert as_json.status_code == 400


def test_xapi_attachment_part_without_hash_header_is_400(xapi: XapiClient) -> None:
    body, headers = multipart(
        statement(attachments=[attachment_meta(CONTENT)]),
        [(CONTENT, {"Content-Type": "text/plain", "Content-Transfer-Encoding": "binary"})],
    )
    assert xapi.post("/statements", content=body, headers=headers).status_code == 400


def test_xapi_00135_attachment_part_without_binary_transfer_encoding_is_400(
    xapi: XapiClient,
) -> None:
    part = part_headers(CONTENT)
    del part["Content-Transfer-Encoding"]
    body, headers = multipart(statement(attachments=[attachment_meta(CONTENT)]), [(CONTENT, part)])
    assert xapi.post("/statements", content=body, headers=headers).status_code == 400


def test_xapi_attachment_part_belonging_to_no_statement_is_400(xapi: XapiClient) -> None:
    body, headers = multipart(statement(), [(CONTENT, part_headers(CONTENT))])
    assert xapi.post("/statements", content=body, headers=headers).status_code == 400


def test_xapi_attachment_with_file_url_needs_no_part(xapi: XapiClient) -> None:
    meta = attachment_meta(CONTENT, fileUrl="https://example.com/essay.txt")
    assert xapi.post("/statements", json=statement(attachments=[meta])).status_code == 200


def test_xapi_attachment_put_multipart(xapi: XapiClient) -> None:
    given = with_id(attachments=[attachment_meta(CONTENT)])
    body, headers = multipart(given, [(CONTENT, part_headers(CONTENT))])
    response = xapi.put(
        "/statements", params={"statementId": given["id"]}, content=body, headers=headers
    )
    assert response.status_code == 204, response.text


# --- signed statements ------------------------------------------------------------------


@pytest.fixture(scope="module")
def signer() -> tuple[rsa.RSAPrivateKey, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "lang-portal test signer")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    der = certificate.public_bytes(serialization.Encoding.DER)
    return key, base64.b64encode(der).decode()


def signed_request(
    signed: dict[str, Any], sent: dict[str, Any], token: bytes
) -> tuple[bytes, dict[str, str]]:
    meta = attachment_meta(token, usageType=SIGNATURE, contentType="application/octet-stream")
    body_statement = dict(sent, attachments=[meta])
    return multipart(body_statement, [(token, part_headers(token, "application/octet-stream"))])


def sign(payload: dict[str, Any], key: rsa.RSAPrivateKey, x5c: str, alg: str = "RS256") -> bytes:
    token = jwt.PyJWS().encode(
        json.dumps(payload).encode(), key, algorithm=alg, headers={"x5c": [x5c]}
    )
    return token.encode()


def test_xapi_signed_statement_with_valid_signature_is_stored(
    xapi: XapiClient, signer: tuple[rsa.RSAPrivateKey, str]
) -> None:
    key, x5c = signer
    original = with_id()
    body, headers = signed_request(original, original, sign(original, key, x5c, "RS384"))
    response = xapi.post("/statements", content=body, headers=headers)
    assert response.status_code == 200, response.text


def test_xapi_signed_statement_differing_from_its_payload_is_400(
    xapi: XapiClient, signer: tuple[rsa.RSAPrivateKey, str]
) -> None:
    key, x5c = signer
    original = with_id()
    tampered = dict(original, verb={"id": "http://adlnet.gov/expapi/verbs/passed"})
    body, headers = signed_request(original, tampered, sign(original, key, x5c))
    response = xapi.post("/statements", content=body, headers=headers)
    assert response.status_code == 400
    assert "differs" in response.json()["message"]


def test_xapi_signed_statement_with_wrong_algorithm_is_400(xapi: XapiClient) -> None:
    original = with_id()
    token = jwt.PyJWS().encode(
        json.dumps(original).encode(), "a-shared-secret-long-enough-for-hs256!", algorithm="HS256"
    )
    body, headers = signed_request(original, original, token.encode())
    assert xapi.post("/statements", content=body, headers=headers).status_code == 400


def test_xapi_signed_statement_with_bad_signature_is_400(
    xapi: XapiClient, signer: tuple[rsa.RSAPrivateKey, str]
) -> None:
    key, x5c = signer
    original = with_id()
    token = sign(original, key, x5c)
    head, payload, signature = token.split(b".")
    broken = head + b"." + payload + b"." + signature[:-6] + b"AAAAAA"
    body, headers = signed_request(original, original, broken)
    assert xapi.post("/statements", content=body, headers=headers).status_code == 400


def test_xapi_signed_statement_that_is_not_a_jws_is_400(xapi: XapiClient) -> None:
    original = with_id()
    body, headers = signed_request(original, original, b"this is no signature")
    assert xapi.post("/statements", content=body, headers=headers).status_code == 400


def test_xapi_2_0_signature_compares_durations_to_hundredths(
    xapi2: XapiClient, xapi: XapiClient, signer: tuple[rsa.RSAPrivateKey, str]
) -> None:
    key, x5c = signer
    signed = with_id(result={"duration": "P1DT12H36M0.12S"})
    sent = dict(signed, result={"duration": "P1DT12H36M0.1237S"})
    body, headers = signed_request(signed, sent, sign(signed, key, x5c))
    assert xapi2.post("/statements", content=body, headers=headers).status_code == 200
    # 1.0.3 compares a duration as a string
    signed = with_id(result={"duration": "PT0.12S"})
    sent = dict(signed, result={"duration": "PT0.1237S"})
    body, headers = signed_request(signed, sent, sign(signed, key, x5c))
    assert xapi.post("/statements", content=body, headers=headers).status_code == 400
