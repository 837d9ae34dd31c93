"""The Statement Resource (Communication 2.1): PUT, POST, GET and HEAD /xapi/statements."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from datetime import datetime
from email.utils import format_datetime
from typing import Any

import orjson
from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from lang_portal.xapi import statement_parts as parts
from lang_portal.xapi.context import (
    VERSION_2,
    XapiRequestContext,
    require_credential,
    xapi_context,
)
from lang_portal.xapi.errors import XapiBadRequest, XapiForbidden, XapiNotFound
from lang_portal.xapi.multipart import build_multipart, media_type, parse_multipart
from lang_portal.xapi.signature import check_signature, signature_attachments
from lang_portal.xapi.statement_store import (
    MAX_PAGE,
    Attachment,
    StatementQuery,
    StatementStore,
    decode_more,
    encode_more,
    stored_bound,
)
from lang_portal.xapi.validation import (
    reject_repeated_properties,
    validate_activity_id,
    validate_identified_agent,
    validate_iri,
    validate_statements,
    validate_uuid,
)

router = APIRouter()

HASH_HEADER = "x-experience-api-hash"
SINGLE_PARAMETERS = frozenset({"statementId", "voidedStatementId", "attachments", "format"})
LIST_PARAMETERS = frozenset(
    {
        "agent",
        "verb",
        "activity",
        "registration",
        "related_activities",
        "related_agents",
        "since",
        "until",
        "limit",
        "format",
        "attachments",
        "ascending",
        "more",
    }
)
_SHA2_BY_LENGTH = {56: "sha224", 64: "sha256", 96: "sha384", 128: "sha512"}


def store_of(request: Request) -> StatementStore:
    store: StatementStore = request.app.state.statement_store
    return store


def _check_parameters(request: Request, allowed: frozenset[str]) -> dict[str, str]:
    values: dict[str, str] = {}
    for name, value in request.query_params.multi_items():
        if name not in allowed:
            near = [known for known in allowed if known.lower() == name.lower()]
            hint = f" (parameters are case-sensitive: {near[0]})" if near else ""
            raise XapiBadRequest(f"unknown parameter {name!r} for this resource{hint}")
        if name in values:
            raise XapiBadRequest(f"parameter {name!r} is given more than once")
        values[name] = value
    return values


# --- writing ----------------------------------------------------------------------------


def _sha2_of(content: bytes, declared: str) -> str:
    algorithm = _SHA2_BY_LENGTH.get(len(declared))
    if algorithm is None:
        raise XapiBadRequest(f"attachment hash {declared!r} is not a SHA-2 hex digest")
    return hashlib.new(algorithm, content).hexdigest()


def _read_body(body: bytes, content_type: str | None) -> tuple[Any, dict[str, Attachment]]:
    """The statements JSON and the attachment parts of a request body."""
    kind = media_type(content_type)
    if kind == "multipart/mixed":
        assert content_type is not None
        message_parts = parse_multipart(body, content_type)
        first, *rest = message_parts
        if first.content_type != "application/json":
            raise XapiBadRequest(
                "the first part of a multipart/mixed body must be application/json"
            )
        attachments: dict[str, Attachment] = {}
        for part in rest:
            if part.headers.get("content-transfer-encoding", "").lower() != "binary":
                raise XapiBadRequest(
                    "each attachment part needs the header Content-Transfer-Encoding: binary"
                )
            declared = part.headers.get(HASH_HEADER)
            if not declared:
                raise XapiBadRequest(
                    "each attachment part needs an X-Experience-API-Hash header with its SHA-2"
                )
            declared = declared.strip().lower()
            if _sha2_of(part.body, declared) != declared:
                raise XapiBadRequest(
                    f"attachment part with X-Experience-API-Hash {declared} does not match the "
                    "SHA-2 of its content"
                )
            attachments[declared] = Attachment(
                declared, part.content_type or "application/octet-stream", part.body
            )
        payload = first.body
    elif kind in ("application/json", ""):
        attachments, payload = {}, body
    else:
        raise XapiBadRequest(
            f"statements are sent as application/json or multipart/mixed, not {kind}"
        )
    try:
        document = orjson.loads(payload)
    except orjson.JSONDecodeError as exc:
        raise XapiBadRequest(f"the statements are not valid JSON: {exc}") from None
    reject_repeated_properties(payload)
    return document, attachments


def _check_attachments(
    statements: Sequence[Mapping[str, Any]],
    attachments: Mapping[str, Attachment],
    multipart: bool,
    version: str,
) -> None:
    declared: set[str] = set()
    for index, statement in enumerate(statements):
        for attachment in statement.get("attachments") or ():
            sha2 = str(attachment["sha2"]).lower()
            declared.add(sha2)
            if "fileUrl" in attachment and sha2 not in attachments:
                continue
            if not multipart:
                raise XapiBadRequest(
                    f"statement [{index}] has an attachment without fileUrl: send its content "
                    "as a multipart/mixed part"
                )
            if sha2 not in attachments:
                raise XapiBadRequest(
                    f"statement [{index}] declares attachment {sha2} but no part carries it"
                )
        for signature in signature_attachments(statement):
            sha2 = str(signature["sha2"]).lower()
            if sha2 not in attachments:
                raise XapiBadRequest("a statement signature must be sent as an attachment part")
            check_signature(
                statement, signature, attachments[sha2].content, hundredths=version == VERSION_2
            )
    for sha2 in attachments:
        if sha2 not in declared:
            raise XapiBadRequest(f"attachment part {sha2} belongs to no statement's attachments")


def _accept(
    request: Request, body: bytes, context: XapiRequestContext, *, single: bool = False
) -> tuple[list[dict[str, Any]], dict[str, Attachment]]:
    content_type = request.headers.get("content-type")
    document, attachments = _read_body(body, content_type)
    if single and not isinstance(document, dict):
        raise XapiBadRequest("PUT /statements takes one statement (a JSON object)")
    statements = validate_statements(document, context.version)
    multipart = media_type(content_type) == "multipart/mixed"
    _check_attachments(statements, attachments, multipart, context.version)
    return statements, attachments


@router.put("/statements")
async def put_statement(request: Request) -> Response:
    context = xapi_context(request)
    parameters = _check_parameters(request, frozenset({"statementId"}))
    if "statementId" not in parameters:
        raise XapiBadRequest("PUT /statements needs the statementId parameter")
    statement_id = validate_uuid(parameters["statementId"], "statementId").lower()
    (statement,), attachments = _accept(request, await request.body(), context, single=True)
    if "id" in statement and str(statement["id"]).lower() != statement_id:
        raise XapiBadRequest("the statement's id differs from the statementId parameter")
    statement["id"] = statement_id
    store = store_of(request)
    await run_in_threadpool(
        store.store, [statement], require_credential(request), context.version, attachments
    )
    return Response(status_code=204)


@router.post("/statements")
async def post_statements(request: Request) -> Response:
    context = xapi_context(request)
    _check_parameters(request, frozenset())
    statements, attachments = _accept(request, await request.body(), context)
    store = store_of(request)
    ids = await run_in_threadpool(
        store.store, statements, require_credential(request), context.version, attachments
    )
    return Response(orjson.dumps(ids), media_type="application/json")


# --- reading ----------------------------------------------------------------------------


def _boolean(parameters: Mapping[str, str], name: str) -> bool:
    value = parameters.get(name)
    if value is None:
        return False
    if value not in ("true", "false"):
        raise XapiBadRequest(f"{name} must be true or false")
    return value == "true"


def _format(parameters: Mapping[str, str]) -> str:
    value = parameters.get("format", "exact")
    if value not in ("ids", "exact", "canonical"):
        raise XapiBadRequest("format must be ids, exact or canonical")
    return value


def _query(parameters: Mapping[str, str], version: str) -> StatementQuery:
    agent_identity = None
    if "agent" in parameters:
        try:
            agent = orjson.loads(parameters["agent"])
        except orjson.JSONDecodeError:
            raise XapiBadRequest("agent must be an Agent or identified Group as JSON") from None
        validate_identified_agent(agent, version, "agent")
        agent_identity = parts.agent_identity(agent)
    verb = parameters.get("verb")
    if verb is not None:
        validate_iri(verb, "verb", "a verb id")
    activity = parameters.get("activity")
    if activity is not None:
        validate_activity_id(activity, "activity")
    registration = parameters.get("registration")
    if registration is not None:
        registration = validate_uuid(registration, "registration").lower()
    limit = MAX_PAGE
    if "limit" in parameters:
        try:
            limit = int(parameters["limit"])
        except ValueError:
            raise XapiBadRequest("limit must be a non-negative integer") from None
        if limit < 0:
            raise XapiBadRequest("limit must be a non-negative integer")
        limit = MAX_PAGE if limit == 0 else min(limit, MAX_PAGE)
    return StatementQuery(
        agent_identity=agent_identity,
        verb=verb,
        activity=activity,
        registration=registration,
        related_activities=_boolean(parameters, "related_activities"),
        related_agents=_boolean(parameters, "related_agents"),
        since=stored_bound(parameters["since"], version, "since")
        if "since" in parameters
        else None,
        until=stored_bound(parameters["until"], version, "until")
        if "until" in parameters
        else None,
        limit=limit,
        ascending=_boolean(parameters, "ascending"),
    )


def _shape(
    raw: Sequence[bytes], form: str, store: StatementStore, accept_language: str | None
) -> list[bytes]:
    """Each statement's JSON in the asked format; `exact` is served as stored."""
    if form == "exact":
        return list(raw)
    statements = [orjson.loads(text) for text in raw]
    if form == "ids":
        return [orjson.dumps(parts.ids_format(statement)) for statement in statements]
    wanted = parts.parse_accept_language(accept_language)
    activity_ids = sorted({i for s in statements for i in parts.referenced_activity_ids(s)})
    definitions = store.canonical_definitions(activity_ids)
    return [
        orjson.dumps(parts.canonical_format(statement, definitions, wanted))
        for statement in statements
    ]


def _respond(
    request: Request,
    body: bytes,
    statements_json: Sequence[bytes],
    with_attachments: bool,
    store: StatementStore,
    headers: dict[str, str],
) -> Response:
    if with_attachments:
        found = store.attachments_for([orjson.loads(text) for text in statements_json])
        multipart_parts = [({"Content-Type": "application/json"}, body)] + [
            (
                {
                    "Content-Type": attachment.content_type,
                    "Content-Transfer-Encoding": "binary",
                    "X-Experience-API-Hash": attachment.sha2,
                },
                attachment.content,
            )
            for attachment in found
        ]
        content_type, body = build_multipart(multipart_parts)
    else:
        content_type = "application/json"
    if request.method == "HEAD":
        headers["Content-Length"] = str(len(body))
        return Response(b"", media_type=content_type, headers=headers)
    return Response(body, media_type=content_type, headers=headers)


def _last_modified(stored: str) -> str:
    moment = datetime.fromisoformat(stored.replace("Z", "+00:00"))
    return format_datetime(moment, usegmt=True)


@router.api_route("/statements", methods=["GET", "HEAD"])
async def get_statements(request: Request) -> Response:
    """Served on the event loop: a page is a few indexed reads that never wait on a lock
    (WAL readers do not block), cheaper than the hop to a worker thread (route_policy.Runs)."""
    context = xapi_context(request)
    credential = require_credential(request)
    store = store_of(request)
    names = set(request.query_params)
    if names & {"statementId", "voidedStatementId"}:
        return _get_one(request, context, store)
    parameters = _check_parameters(request, LIST_PARAMETERS)
    form = _format(parameters)
    with_attachments = _boolean(parameters, "attachments")
    if "more" in parameters:
        if len(parameters) > 1:
            raise XapiBadRequest("a more link is used as it is, without other parameters")
        original, cursor = decode_more(parameters["more"])
        query_parameters = original
        query = _query(original, context.version)
        query = StatementQuery(**{**query.__dict__, "cursor": cursor})
        form = _format(original)
        with_attachments = _boolean(original, "attachments")
    else:
        query_parameters = parameters
        query = _query(parameters, context.version)
    if credential.registration is not None:
        if query.registration not in (None, credential.registration):
            raise XapiForbidden("this launch key may only read its own registration")
        query = StatementQuery(**{**query.__dict__, "registration": credential.registration})
    page = store.query(query)
    shaped = _shape(
        [row[2] for row in page.rows], form, store, request.headers.get("accept-language")
    )
    body = b'{"statements":[' + b",".join(shaped) + b"]"
    more = ""
    if page.more is not None:
        token = encode_more(query_parameters, page.more)
        more = f"{request.scope.get('root_path', '')}/statements?more={token}"
    body += b',"more":' + orjson.dumps(more) + b"}"
    headers: dict[str, str] = {}
    if page.rows:
        # stored grows with the order of the rows
        newest = page.rows[-1][1] if query.ascending else page.rows[0][1]
        headers["Last-Modified"] = _last_modified(newest)
    return _respond(request, body, [row[2] for row in page.rows], with_attachments, store, headers)


def _get_one(request: Request, context: XapiRequestContext, store: StatementStore) -> Response:
    parameters = _check_parameters(request, SINGLE_PARAMETERS)
    if "statementId" in parameters and "voidedStatementId" in parameters:
        raise XapiBadRequest("use statementId or voidedStatementId, not both")
    voided = "voidedStatementId" in parameters
    name = "voidedStatementId" if voided else "statementId"
    statement_id = validate_uuid(parameters[name], name).lower()
    form = _format(parameters)
    with_attachments = _boolean(parameters, "attachments")
    found = store.statement(statement_id, voided=voided)
    credential = require_credential(request)
    if found is not None and credential.registration is not None:
        registration = (orjson.loads(found.statement).get("context") or {}).get("registration")
        if registration != credential.registration:
            raise XapiForbidden("this launch key may only read its own registration")
    if found is None:
        what = "voided statement" if voided else "statement"
        raise XapiNotFound(f"no {what} with id {statement_id}")
    exact = found.statement.encode()
    (body,) = _shape([exact], form, store, request.headers.get("accept-language"))
    headers: dict[str, str] = {}
    headers["Last-Modified"] = _last_modified(found.stored)
    return _respond(request, body, [exact], with_attachments, store, headers)
