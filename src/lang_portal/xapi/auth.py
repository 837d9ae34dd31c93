"""HTTP Basic authentication for /xapi: keys from `lang-portal xapi add-key` or XAPI_CREDENTIALS."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from lang_portal.clock import to_stored
from lang_portal.database import Database
from lang_portal.repository import xapi_keys
from lang_portal.settings import Settings
from lang_portal.xapi.context import Credential
from lang_portal.xapi.errors import XapiUnauthorized

HOW_TO_GET_A_KEY = (
    "xAPI requests need HTTP Basic authentication: make a key with "
    "`lang-portal xapi add-key NAME` (its last line is USERNAME:SECRET) or list user:secret "
    "in the XAPI_CREDENTIALS setting, then send `Authorization: Basic base64(USERNAME:SECRET)`"
)
CHALLENGE = {"WWW-Authenticate": 'Basic realm="lang-portal xAPI", charset="UTF-8"'}


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class NewKey:
    username: str
    secret: str

    def basic_header(self) -> str:
        token = base64.b64encode(f"{self.username}:{self.secret}".encode()).decode()
        return f"Basic {token}"


def create_key(
    db: Database,
    name: str,
    now: datetime,
    *,
    registration: str | None = None,
    actor: dict[str, Any] | None = None,
    expires_at: datetime | None = None,
) -> NewKey:
    """Store a new key (its secret hashed) and return the only copy of the secret."""
    key = NewKey(username="lp" + secrets.token_hex(8), secret=secrets.token_urlsafe(32))
    with db.write() as connection:
        # launch keys pile up, one per launch: the ones past their time go as new ones come
        xapi_keys.delete_expired_keys(connection, to_stored(now))
        xapi_keys.insert_key(
            connection,
            username=key.username,
            name=name,
            secret_sha256=secret_hash(key.secret),
            created_at=to_stored(now),
            registration=registration,
            actor_json=None if actor is None else json.dumps(actor),
            expires_at=None if expires_at is None else to_stored(expires_at),
        )
    return key


def parse_basic(header: str | None) -> tuple[str, str] | None:
    if not header:
        return None
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "basic" or not token:
        return None
    try:
        decoded = base64.b64decode(token.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    username, colon, secret = decoded.partition(":")
    if not colon:
        return None
    return username, secret


class Authenticator:
    def __init__(self, settings: Settings, db: Database) -> None:
        self.db = db
        self.configured = {
            user: secret_hash(secret)
            for user, secret in (pair.split(":", 1) for pair in settings.xapi_credentials)
        }

    def authenticate(self, header: str | None, now: datetime) -> Credential:
        parsed = parse_basic(header)
        if parsed is None:
            raise XapiUnauthorized(HOW_TO_GET_A_KEY, headers=CHALLENGE)
        username, secret = parsed
        offered = secret_hash(secret)
        configured = self.configured.get(username)
        if configured is not None:
            if hmac.compare_digest(configured, offered):
                return Credential(username=username, name=username)
            raise XapiUnauthorized("wrong secret; " + HOW_TO_GET_A_KEY, headers=CHALLENGE)
        with self.db.read() as connection:
            row = xapi_keys.key_by_username(connection, username)
        if row is None or not hmac.compare_digest(row["secret_sha256"], offered):
            raise XapiUnauthorized("unknown key; " + HOW_TO_GET_A_KEY, headers=CHALLENGE)
        expires_at = None
        if row["expires_at"] is not None:
            expires_at = datetime.fromisoformat(row["expires_at"])
            if expires_at <= now:
                raise XapiUnauthorized(
                    "this launch key has expired; launch the activity again", headers=CHALLENGE
                )
        return Credential(
            username=username,
            name=row["name"],
            registration=row["registration"],
            expires_at=expires_at,
            actor=None if row["actor"] is None else json.loads(row["actor"]),
        )
