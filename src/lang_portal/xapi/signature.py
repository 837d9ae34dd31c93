"""Signed statements (Data 2.6): the JWS attachment is decoded, compared and verified."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from typing import Any

import jwt
import orjson
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa

from lang_portal.xapi.errors import XapiBadRequest
from lang_portal.xapi.statement_parts import comparable
from lang_portal.xapi.validation import SIGNATURE_USAGE_TYPE

ALGORITHMS = ("RS256", "RS384", "RS512")
_JWS = jwt.PyJWS(algorithms=list(ALGORITHMS))


def signature_attachments(statement: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [
        attachment
        for attachment in statement.get("attachments") or ()
        if attachment.get("usageType") == SIGNATURE_USAGE_TYPE
    ]


def _unsigned(statement: Mapping[str, Any]) -> dict[str, Any]:
    """The statement as it was before its signature was attached."""
    result = dict(statement)
    others = [
        attachment
        for attachment in statement.get("attachments") or ()
        if attachment.get("usageType") != SIGNATURE_USAGE_TYPE
    ]
    if others:
        result["attachments"] = others
    else:
        result.pop("attachments", None)
    return result


def check_signature(
    statement: Mapping[str, Any],
    attachment: Mapping[str, Any],
    jws: bytes,
    *,
    hundredths: bool = False,
) -> None:
    """Refuse (400) a signature that is not a well-formed RS256/384/512 JWS of this statement."""
    if str(attachment.get("contentType", "")).lower() != "application/octet-stream":
        raise XapiBadRequest(
            "a signature attachment must have contentType application/octet-stream"
        )
    try:
        token = jws.decode("ascii").strip()
        header = jwt.get_unverified_header(token)
    except (UnicodeDecodeError, jwt.PyJWTError) as exc:
        raise XapiBadRequest(f"the statement's signature is not a JWS: {exc}") from None
    algorithm = header.get("alg")
    if algorithm not in ALGORITHMS:
        raise XapiBadRequest(
            f"the statement's signature uses {algorithm!r}; it must use RS256, RS384 or RS512"
        )
    certificates = header.get("x5c")
    try:
        if certificates:
            if not isinstance(certificates, list) or not isinstance(certificates[0], str):
                raise XapiBadRequest("the signature's x5c header must be a list of certificates")
            certificate = x509.load_der_x509_certificate(base64.b64decode(certificates[0]))
            public_key = certificate.public_key()
            if not isinstance(public_key, rsa.RSAPublicKey):
                raise XapiBadRequest("the signature's x5c certificate must hold an RSA key")
            decoded = _JWS.decode_complete(token, key=public_key, algorithms=[algorithm])
        else:
            decoded = _JWS.decode_complete(
                token, options={"verify_signature": False}, algorithms=[algorithm]
            )
    except (jwt.PyJWTError, ValueError, binascii.Error) as exc:
        raise XapiBadRequest(f"the statement's signature does not verify: {exc}") from None
    try:
        payload = orjson.loads(decoded["payload"])
    except orjson.JSONDecodeError:
        raise XapiBadRequest("the signature's payload is not a JSON statement") from None
    if not isinstance(payload, dict):
        raise XapiBadRequest("the signature's payload is not a JSON statement")
    signed_has_id = "id" in payload
    if signed_has_id and str(payload["id"]).lower() != str(statement.get("id", "")).lower():
        raise XapiBadRequest("the signed statement's id differs from the statement's")
    if comparable(_unsigned(payload), hundredths=hundredths) != comparable(
        _unsigned(statement), hundredths=hundredths
    ):
        raise XapiBadRequest("the signed statement differs from the statement it is attached to")
