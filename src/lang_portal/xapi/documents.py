"""The document resources: State, Activity Profile and Agent Profile (Communication 2.2-2.7, 3.1).

Framework-neutral: a route hands over the query parameters, the concurrency headers and the
body; this module checks them, applies the resource's rules and talks to the repository. Every
refusal is an `XapiError` with the status the specification names.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any

import orjson

from lang_portal.clock import from_stored, to_stored
from lang_portal.repository import xapi_documents as repo
from lang_portal.repository.xapi_documents import DocumentKey, DocumentScope, StoredDocument
from lang_portal.service.context import ServiceContext
from lang_portal.xapi import validation
from lang_portal.xapi.context import VERSION_2
from lang_portal.xapi.errors import (
    XapiBadRequest,
    XapiConflict,
    XapiForbidden,
    XapiNotFound,
    XapiPreconditionFailed,
)

JSON_TYPE = "application/json"
DEFAULT_CONTENT_TYPE = "application/octet-stream"


class DocumentResource(Enum):
    STATE = "state"
    ACTIVITY_PROFILE = "activity_profile"
    AGENT_PROFILE = "agent_profile"

    @property
    def id_param(self) -> str:
        return "stateId" if self is DocumentResource.STATE else "profileId"

    @property
    def uses_activity(self) -> bool:
        return self is not DocumentResource.AGENT_PROFILE

    @property
    def uses_agent(self) -> bool:
        return self is not DocumentResource.ACTIVITY_PROFILE

    def allowed_params(self, method: str) -> frozenset[str]:
        names = {self.id_param}
        if self.uses_activity:
            names.add("activityId")
        if self.uses_agent:
            names.add("agent")
        if self is DocumentResource.STATE:
            names.add("registration")
        if method == "GET":
            names.add("since")
        return frozenset(names)


@dataclass(frozen=True)
class DocumentRequest:
    """What a document request carries besides its body."""

    version: str  # the served version ("1.0.3" or "2.0.0")
    params: Sequence[tuple[str, str]]  # query parameters, in order, repeats kept
    if_match: str | None = None
    if_none_match: str | None = None
    scope: LaunchScope | None = None  # set for a launch key: what it may touch


@dataclass(frozen=True)
class LaunchScope:
    """What a launch key (one registration, one learner) may reach of the documents.

    The State of its own registration and learner, and its learner's Agent Profile; an
    Activity Profile, shared by every learner of the activity, it may read but not change.
    """

    registration: str
    actor_key: str | None  # the learner's agent_key; None: any learner

    @classmethod
    def of(cls, registration: str | None, actor: dict[str, Any] | None) -> LaunchScope | None:
        if registration is None:
            return None
        return cls(registration.lower(), None if actor is None else agent_key(actor))


@dataclass(frozen=True)
class DocumentBody:
    content_type: str | None
    content: bytes


@dataclass(frozen=True)
class DocumentReply:
    """A GET's answer: one document, or the JSON array of ids of the documents in a context."""

    content_type: str
    content: bytes
    etag: str  # quoted, as sent in the ETag header
    last_modified: datetime | None


def media_type(content_type: str | None) -> str:
    """`application/json; charset=utf-8` -> `application/json`."""
    if not content_type:
        return ""
    return content_type.split(";", 1)[0].strip().lower()


def content_etag(content: bytes) -> str:
    """The SHA-1 of the content in lowercase hex, as Communication 3.1 requires."""
    return hashlib.sha1(content).hexdigest()


def agent_key(agent: dict[str, Any]) -> str:
    """The agent's inverse functional identifier in one canonical string.

    Two Agent objects naming the same person by the same identifier (with or without a `name`,
    with their properties in any order) share their documents.
    """
    if "mbox" in agent:
        return "mbox:" + str(agent["mbox"])
    if "mbox_sha1sum" in agent:
        return "mbox_sha1sum:" + str(agent["mbox_sha1sum"]).lower()
    if "openid" in agent:
        return "openid:" + str(agent["openid"])
    account = agent["account"]
    return "account:" + json.dumps([account["homePage"], account["name"]], ensure_ascii=False)


def _check_agent(agent: Any, version: str) -> dict[str, Any]:
    """The `agent` parameter: a JSON Agent object with exactly one identifier."""
    if not isinstance(agent, dict):
        raise XapiBadRequest("agent: must be a JSON Agent object")
    if agent.get("objectType", "Agent") != "Agent":
        raise XapiBadRequest(
            'agent: must be an Agent (objectType "Agent"); to store documents for an identified '
            "Group, send the group's identifier in an Agent object"
        )
    validation.validate_agent(agent, version, "agent")
    return agent


def parse_since(text: str, version: str) -> str:
    """A `since` timestamp in the stored form, by the version's timestamp rules."""
    return to_stored(validation.validate_timestamp(text, version, "since"))


@dataclass(frozen=True)
class _Parsed:
    activity_id: str
    agent_key: str
    registration: str | None
    document_id: str | None
    since: str | None

    def key(self, resource: DocumentResource) -> DocumentKey:
        assert self.document_id is not None
        return DocumentKey(
            resource=resource.value,
            activity_id=self.activity_id,
            agent_key=self.agent_key,
            registration=self.registration or "",
            document_id=self.document_id,
        )

    def scope(self, resource: DocumentResource) -> DocumentScope:
        return DocumentScope(
            resource=resource.value,
            activity_id=self.activity_id,
            agent_key=self.agent_key,
            registration=self.registration,
        )


def _parse_params(
    resource: DocumentResource, method: str, request: DocumentRequest, *, id_required: bool
) -> _Parsed:
    allowed = resource.allowed_params(method)
    values: dict[str, str] = {}
    for name, value in request.params:
        if name not in allowed:
            near = next((known for known in allowed if known.lower() == name.lower()), None)
            hint = f" (parameter names are case sensitive: {near})" if near else ""
            raise XapiBadRequest(
                f"{name}: not a parameter of {method} on this resource{hint}; "
                f"allowed: {', '.join(sorted(allowed))}"
            )
        if name in values:
            raise XapiBadRequest(f"{name}: given more than once")
        values[name] = value

    activity_id = ""
    if resource.uses_activity:
        activity_id = values.get("activityId", "")
        if not activity_id:
            raise XapiBadRequest("activityId: required")
        validation.validate_activity_id(activity_id, "activityId")

    key = ""
    if resource.uses_agent:
        raw_agent = values.get("agent")
        if raw_agent is None or not raw_agent.strip():
            raise XapiBadRequest("agent: required (a JSON Agent object)")
        try:
            decoded = orjson.loads(raw_agent)
        except orjson.JSONDecodeError:
            raise XapiBadRequest("agent: not valid JSON") from None
        key = agent_key(_check_agent(decoded, request.version))

    registration: str | None = None
    if "registration" in values:
        registration = validation.validate_uuid(values["registration"], "registration").lower()

    document_id = values.get(resource.id_param)
    if document_id == "":
        raise XapiBadRequest(f"{resource.id_param}: must not be empty")
    if id_required and document_id is None:
        raise XapiBadRequest(f"{resource.id_param}: required")

    since = None
    if "since" in values:
        if document_id is not None:
            raise XapiBadRequest(f"since: only for a list of ids, not with {resource.id_param}")
        since = parse_since(values["since"], request.version)

    return _Parsed(activity_id, key, registration, document_id, since)


def _check_scope(
    resource: DocumentResource, method: str, parsed: _Parsed, scope: LaunchScope | None
) -> None:
    """A launch key reaches only its own registration's documents (403 otherwise)."""
    if scope is None:
        return
    if resource is DocumentResource.ACTIVITY_PROFILE:
        if method != "GET":
            raise XapiForbidden("a launch key may read an activity profile but not change it")
        return
    if resource is DocumentResource.STATE and parsed.registration != scope.registration:
        raise XapiForbidden(
            f"this launch key may only reach the state of registration {scope.registration}"
        )
    if scope.actor_key is not None and parsed.agent_key != scope.actor_key:
        raise XapiForbidden("this launch key may only reach the documents of its own learner")


def _etag_values(header: str) -> list[str] | None:
    """The entity tags of an If-Match / If-None-Match header, unquoted; None for `*`."""
    if header.strip() == "*":
        return None
    tags = []
    for part in header.split(","):
        tag = part.strip()
        if tag.startswith("W/"):
            tag = tag[2:]
        tags.append(tag.strip('"').lower())
    return [tag for tag in tags if tag]


def _check_preconditions(request: DocumentRequest, current: StoredDocument | None) -> None:
    """If-Match and If-None-Match as RFC 7232 reads them for a state-changing request: 412."""
    if request.if_match is not None:
        tags = _etag_values(request.if_match)
        if current is None:
            raise XapiPreconditionFailed(
                "If-Match: there is no document to match (it does not exist)"
            )
        if tags is not None and current.etag not in tags:
            raise XapiPreconditionFailed(
                "If-Match: the document has changed since that ETag; GET it again and retry "
                "with its current ETag"
            )
    if request.if_none_match is not None and current is not None:
        tags = _etag_values(request.if_none_match)
        if tags is None or current.etag in tags:
            raise XapiPreconditionFailed(
                "If-None-Match: a document already exists here; GET it and send If-Match with "
                "its ETag to replace it"
            )


def _parse_json(content: bytes) -> Any:
    try:
        return orjson.loads(content)
    except orjson.JSONDecodeError:
        return _NOT_JSON


_NOT_JSON = object()


def _stored_content_type(body: DocumentBody) -> str:
    return (body.content_type or "").strip() or DEFAULT_CONTENT_TYPE


def _last_modified(stored: str) -> datetime:
    return from_stored(stored)


class DocumentService:
    def __init__(self, context: ServiceContext) -> None:
        self.context = context

    # -- reads ---------------------------------------------------------------------------------

    def get(self, resource: DocumentResource, request: DocumentRequest) -> DocumentReply:
        parsed = _parse_params(resource, "GET", request, id_required=False)
        _check_scope(resource, "GET", parsed, request.scope)
        db = self.context.db
        if parsed.document_id is not None:
            with db.read() as connection:
                document = repo.get_document(connection, parsed.key(resource))
            if document is None:
                raise XapiNotFound(f"no document with {resource.id_param} {parsed.document_id!r}")
            return DocumentReply(
                content_type=document.content_type,
                content=document.content,
                etag=f'"{document.etag}"',
                last_modified=_last_modified(document.updated_at),
            )
        with db.read() as connection:
            rows = repo.list_document_ids(connection, parsed.scope(resource), parsed.since)
        content = orjson.dumps([document_id for document_id, _ in rows])
        latest = max((updated for _, updated in rows), default=None)
        return DocumentReply(
            content_type=JSON_TYPE,
            content=content,
            etag=f'"{content_etag(content)}"',
            last_modified=None if latest is None else _last_modified(latest),
        )

    # -- writes --------------------------------------------------------------------------------

    def put(self, resource: DocumentResource, request: DocumentRequest, body: DocumentBody) -> None:
        parsed = _parse_params(resource, "PUT", request, id_required=True)
        _check_scope(resource, "PUT", parsed, request.scope)
        content_type = _stored_content_type(body)
        if media_type(content_type) == JSON_TYPE and _parse_json(body.content) is _NOT_JSON:
            raise XapiBadRequest("the document is sent as application/json but is not valid JSON")
        key = parsed.key(resource)
        with self.context.db.write() as connection:
            current = repo.get_document(connection, key)
            _check_preconditions(request, current)
            if request.if_match is None and request.if_none_match is None:
                self._check_unconditional_put(resource, request.version, current)
            self._store(connection, key, content_type, body.content)

    def post(
        self, resource: DocumentResource, request: DocumentRequest, body: DocumentBody
    ) -> None:
        parsed = _parse_params(resource, "POST", request, id_required=True)
        _check_scope(resource, "POST", parsed, request.scope)
        content_type = _stored_content_type(body)
        posted_is_json = media_type(content_type) == JSON_TYPE
        posted = _parse_json(body.content) if posted_is_json else _NOT_JSON
        if posted_is_json and not isinstance(posted, dict):
            raise XapiBadRequest(
                "a document POSTed as application/json must be a JSON object (it is merged "
                "property by property into the stored one)"
            )
        key = parsed.key(resource)
        with self.context.db.write() as connection:
            current = repo.get_document(connection, key)
            _check_preconditions(request, current)
            if current is None:
                self._store(connection, key, content_type, body.content)
                return
            existing = (
                _parse_json(current.content)
                if media_type(current.content_type) == JSON_TYPE
                else _NOT_JSON
            )
            if not posted_is_json or not isinstance(existing, dict):
                raise XapiBadRequest(
                    "POST merges JSON objects: both the stored document and the posted one must "
                    "be application/json objects; use PUT to replace the document"
                )
            assert isinstance(posted, dict)
            merged = {**existing, **posted}
            self._store(connection, key, JSON_TYPE, orjson.dumps(merged))

    def delete(self, resource: DocumentResource, request: DocumentRequest) -> None:
        # The State resource deletes every document of a context when no stateId is given; the
        # profile resources delete one document at a time.
        id_required = resource is not DocumentResource.STATE
        parsed = _parse_params(resource, "DELETE", request, id_required=id_required)
        _check_scope(resource, "DELETE", parsed, request.scope)
        with self.context.db.write() as connection:
            if parsed.document_id is None:
                repo.delete_documents(connection, parsed.scope(resource))
                return
            key = parsed.key(resource)
            current = repo.get_document(connection, key)
            _check_preconditions(request, current)
            if current is not None:
                repo.delete_document(connection, key)

    # -- helpers -------------------------------------------------------------------------------

    @staticmethod
    def _check_unconditional_put(
        resource: DocumentResource, version: str, current: StoredDocument | None
    ) -> None:
        """A PUT with neither If-Match nor If-None-Match (Communication 3.1).

        The profile resources require one of the headers: 409 over an existing document, 400
        for a new one. State conflicts are unlikely, so 1.0.3 lets a bare PUT replace a state
        document; 2.0 answers 409 over an existing state document like over a profile.
        """
        guarded = resource is not DocumentResource.STATE or version == VERSION_2
        if current is not None and guarded:
            raise XapiConflict(
                "a document already exists here: check its current state (GET it) and send the "
                "PUT again with an If-Match header carrying its ETag"
            )
        if current is None and resource is not DocumentResource.STATE:
            raise XapiBadRequest(
                "a PUT to a profile document must carry If-Match (with the ETag of the document "
                'it replaces) or If-None-Match: "*" (when it creates one)'
            )

    def _store(
        self, connection: sqlite3.Connection, key: DocumentKey, content_type: str, content: bytes
    ) -> None:
        updated_at = self.context.now_stored()
        repo.put_document(connection, key, content_type, content, content_etag(content), updated_at)
