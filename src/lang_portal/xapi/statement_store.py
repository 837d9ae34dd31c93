"""Statements stored and found: the rules of Communication 2.1 over repository/xapi_statements.

Writing completes each statement as the LRS must (id, stored, timestamp, authority, version),
checks immutability and voiding, and writes the statement, its filter index, its attachments
and the merged activity definitions in one transaction with whatever the answer door
(xapi/answers.py) records for it. Reading turns a query into an index range (see
`repository.xapi_statements.list_statements`).
"""

from __future__ import annotations

import base64
import binascii
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

import orjson

from lang_portal.repository import xapi_statements as repo
from lang_portal.service.context import ServiceContext
from lang_portal.xapi import statement_parts as parts
from lang_portal.xapi.context import VERSION_1, VERSION_2, Credential
from lang_portal.xapi.errors import XapiBadRequest, XapiConflict, XapiForbidden
from lang_portal.xapi.validation import validate_timestamp

JsonObject = dict[str, Any]
MAX_PAGE = 100


@dataclass(frozen=True)
class Attachment:
    sha2: str
    content_type: str
    content: bytes


class AnswerDoor(Protocol):
    """The two-door link (xapi/answers.py): called inside the statement's transaction."""

    def record_statement(self, connection: Any, statement: Mapping[str, Any]) -> int | None:
        """Record a posted `answered` statement as a portal answer; its review id, or None."""
        ...

    def retract_review(self, connection: Any, review_id: int) -> None:
        """Take back the answer a voided statement was."""
        ...


@dataclass
class PreparedStatement:
    statement: JsonObject
    id: str
    review_id: int | None = None
    timestamp_given: bool = True
    version: str = VERSION_1  # the rules it came in under


def _dumps(value: Any) -> str:
    return orjson.dumps(value).decode()


@dataclass
class StatementStore:
    context: ServiceContext
    answer_door: AnswerDoor | None = None

    @property
    def authority_home_page(self) -> str:
        return self.context.settings.xapi_iri_base

    # -- writing -------------------------------------------------------------------------

    def prepare(
        self, statement: JsonObject, credential: Credential, version: str
    ) -> PreparedStatement:
        """The statement as the LRS will store it, but for `stored` (set at the write)."""
        if credential.registration is not None:
            registration = (statement.get("context") or {}).get("registration")
            if str(registration or "").lower() != credential.registration:
                raise XapiForbidden(
                    "this launch key may only record statements whose context.registration is "
                    f"{credential.registration}"
                )
        completed = dict(statement)
        statement_id = str(completed.get("id") or uuid.uuid4()).lower()
        completed["id"] = statement_id
        completed["authority"] = credential.authority(self.authority_home_page)
        completed.setdefault("version", "2.0.0" if version == VERSION_2 else "1.0.0")
        timestamp_given = completed.get("timestamp") is not None
        if not timestamp_given:
            completed.pop("timestamp", None)
        elif version == VERSION_2:
            moment = validate_timestamp(completed["timestamp"], version)
            completed["timestamp"] = parts.stored_form(moment)
        if "context" in completed and isinstance(completed["context"], dict):
            context = dict(completed["context"])
            if isinstance(context.get("registration"), str):
                context["registration"] = context["registration"].lower()
            completed["context"] = context
        parts.normalise(completed)
        return PreparedStatement(
            completed, statement_id, timestamp_given=timestamp_given, version=version
        )

    def store(
        self,
        statements: Sequence[JsonObject],
        credential: Credential,
        version: str,
        attachments: Mapping[str, Attachment] | None = None,
    ) -> list[str]:
        """Store a batch, all or nothing; the ids in order. A statement already stored as
        sent is left as it is; one stored differently refuses the batch (409)."""
        prepared = [self.prepare(statement, credential, version) for statement in statements]
        # Batches arriving together share one transaction and one fsync (group commit), each
        # in its own savepoint: one refused batch is rolled back alone.
        self.context.db.write_grouped(
            lambda connection: self.write_prepared(connection, prepared, attachments or {})
        )
        return [item.id for item in prepared]

    def _stored_now(self, connection: Any) -> str:
        now = parts.stored_form(self.context.now())
        last = repo.last_stored(connection)
        # `stored` must not go backwards as seq grows: since/until are seq ranges
        return last if last is not None and last > now else now

    def write_prepared(
        self,
        connection: Any,
        prepared: Sequence[PreparedStatement],
        attachments: Mapping[str, Attachment],
    ) -> None:
        """Inside the caller's write transaction."""
        existing = repo.statements_by_ids(connection, [item.id for item in prepared])
        fresh: list[PreparedStatement] = []
        for item in prepared:
            old = existing.get(item.id)
            if old is None:
                fresh.append(item)
                continue
            before = orjson.loads(old.statement)
            ignore_timestamp = not item.timestamp_given
            hundredths = item.version == VERSION_2
            if parts.comparable(
                before, ignore_timestamp=ignore_timestamp, hundredths=hundredths
            ) != parts.comparable(
                item.statement, ignore_timestamp=ignore_timestamp, hundredths=hundredths
            ):
                raise XapiConflict(
                    f"statement {item.id} is already stored with different content; "
                    "statements are immutable"
                )
        if not fresh:
            return
        stored = self._stored_now(connection)
        for item in fresh:
            self._check_voiding(connection, item)
        for attachment in attachments.values():
            repo.insert_attachment(
                connection, attachment.sha2, attachment.content_type, attachment.content
            )
        self._write_fresh(connection, fresh, stored, minted=False)

    def write_minted(self, connection: Any, prepared: Sequence[PreparedStatement]) -> None:
        """The statements the portal itself makes (its answers, its sessions' transitions),
        inside the caller's write transaction: `write_prepared` less the checks that cannot
        apply to them. Each has an id just drawn at random (uuid4), so no stored statement has
        it, voids it or refers to it; none voids or refers to another statement, and none has
        attachments or is an answer still to record (the pipeline made it from one)."""
        if prepared:
            self._write_fresh(connection, prepared, self._stored_now(connection), minted=True)

    def _write_fresh(
        self,
        connection: Any,
        fresh: Sequence[PreparedStatement],
        stored: str,
        *,
        minted: bool,
    ) -> None:
        terms = [parts.filter_terms(item.statement) for item in fresh]
        # each filter value looked up (or made) once for the whole batch
        term_ids = repo.term_ids(
            connection, {(kind, value) for found in terms for kind, value, _ in found}
        )
        definitions: dict[str, JsonObject] = {}
        for item, item_terms in zip(fresh, terms, strict=True):
            statement = item.statement
            statement["stored"] = stored
            statement.setdefault("timestamp", stored)
            # a voiding statement that came first voids this one on arrival: then it is no
            # answer to record either
            voided = (
                not minted
                and not parts.is_voiding(statement)
                and repo.is_voided_by_existing(connection, item.id)
            )
            door = None if minted else self.answer_door
            if item.review_id is None and door is not None and not voided:
                item.review_id = door.record_statement(connection, statement)
            rows = [(term_ids[(kind, value)], broad) for kind, value, broad in item_terms]
            self._insert(connection, item, voided, rows, minted=minted)
            for activity_id, definition in parts.activity_definitions(statement):
                definitions[activity_id] = parts.merge_definition(
                    definitions.get(activity_id, {}), definition
                )
        self._merge_activities(connection, definitions, stored)

    def _check_voiding(self, connection: Any, item: PreparedStatement) -> None:
        if not parts.is_voiding(item.statement):
            return
        target = parts.statement_ref(item.statement)
        assert target is not None  # validation: a voiding statement has a StatementRef
        if target == item.id:
            raise XapiBadRequest("a statement cannot void itself")
        if repo.is_voiding_statement(connection, target):
            raise XapiBadRequest(
                f"statement {target} is a voiding statement, and a voiding statement cannot "
                "be voided"
            )

    def _insert(
        self,
        connection: Any,
        item: PreparedStatement,
        voided: bool,
        term_rows: Sequence[tuple[int, int]],
        *,
        minted: bool = False,
    ) -> None:
        statement = item.statement
        voiding = parts.is_voiding(statement)
        ref = parts.statement_ref(statement)
        seq = repo.insert_statement(
            connection,
            statement_id=item.id,
            stored=statement["stored"],
            statement_json=_dumps(statement),
            verb_id=statement["verb"]["id"],
            voided=voided,
            voids=ref if voiding else None,
            object_ref=ref,
            has_attachments=bool(statement.get("attachments")),
            review_id=item.review_id,
        )
        rows = [(term, broad, seq) for term, broad in term_rows]
        if ref is not None:
            target = repo.statement_by_id(connection, ref)
            if target is not None:
                # the StatementRef filter rule: found by whatever finds its target
                rows.extend(
                    (term, broad, seq) for term, broad in self._found_by(connection, target)
                )
                if voiding and not target.voided and not self._is_voiding_row(target):
                    repo.mark_voided(connection, ref)
                    if target.review_id is not None and self.answer_door is not None:
                        self.answer_door.retract_review(connection, target.review_id)
        repo.insert_index_rows(connection, rows)
        if not minted:  # no statement can name an id drawn just now
            self._propagate_to_referrers(connection, item.id, [(t, b) for t, b, _ in rows])

    @staticmethod
    def _is_voiding_row(target: repo.StoredStatement) -> bool:
        return bool(parts.is_voiding(orjson.loads(target.statement)))

    def _found_by(self, connection: Any, stored: repo.StoredStatement) -> set[tuple[int, int]]:
        """The (term, broad) rows a stored statement is found by: its own filter values and,
        when it targets a stored statement, that one's, recursively."""
        rows: set[tuple[int, int]] = set()
        seen: set[str] = set()
        current: repo.StoredStatement | None = stored
        while current is not None and current.id not in seen:
            seen.add(current.id)
            statement = orjson.loads(current.statement)
            terms = parts.filter_terms(statement)
            ids = repo.term_ids(connection, {(kind, value) for kind, value, _ in terms})
            rows.update((ids[(kind, value)], broad) for kind, value, broad in terms)
            ref = parts.statement_ref(statement)
            current = None if ref is None else repo.statement_by_id(connection, ref)
        return rows

    def _propagate_to_referrers(
        self, connection: Any, statement_id: str, rows: Sequence[tuple[int, int]]
    ) -> None:
        """Statements stored earlier that target this one (directly or through others) are
        found by its filters too, now that it is here."""
        pending = [statement_id]
        visited = {statement_id}
        while pending:
            target_id = pending.pop()
            for referrer in repo.referrers(connection, target_id):
                referrer_id = repo.statement_id_at(connection, referrer)
                if referrer_id in visited:
                    continue
                visited.add(referrer_id)
                repo.insert_index_rows(connection, [(t, b, referrer) for t, b in rows])
                pending.append(referrer_id)

    def _merge_activities(
        self, connection: Any, definitions: Mapping[str, JsonObject], stored: str
    ) -> None:
        if not definitions:
            return
        current = repo.activity_definitions(connection, list(definitions))
        for activity_id, incoming in definitions.items():
            before = orjson.loads(current[activity_id]) if activity_id in current else {}
            merged = parts.merge_definition(before, incoming)
            if merged != before:
                repo.save_activity(connection, activity_id, _dumps(merged), stored)

    # -- reading -------------------------------------------------------------------------

    def statement(self, statement_id: str, *, voided: bool) -> repo.StoredStatement | None:
        """One statement by id: a voided one only when asked for as voided, and vice versa."""
        with self.context.db.read() as connection:
            found = repo.statement_by_id(connection, statement_id.lower())
        if found is None or found.voided != voided:
            return None
        return found

    def query(self, query: StatementQuery) -> QueryPage:
        # No snapshot needed: the page is bounded by `through`, read before it, so a commit in
        # between cannot slip into it.
        with self.context.db.read() as connection:
            constraints = self._constraints(connection, query)
            if constraints is None:
                return QueryPage([], None)
            if query.cursor is not None:
                after, through = query.cursor
            else:
                after = repo.seq_after_stored(connection, query.since) if query.since else 0
                through = (
                    repo.seq_after_stored(connection, query.until)
                    if query.until
                    else repo.max_seq(connection)
                )
            rows = repo.list_statements(
                connection,
                constraints=constraints,
                after_seq=after,
                through_seq=through,
                ascending=query.ascending,
                limit=query.limit + 1,
            )
        more = None
        if len(rows) > query.limit:
            rows = rows[: query.limit]
            last = rows[-1][0]
            more = (last, through) if query.ascending else (after, last - 1)
        return QueryPage(rows, more)

    @staticmethod
    def _constraints(connection: Any, query: StatementQuery) -> list[tuple[int, int]] | None:
        """(term id, broad) per filter, most selective first; None when a value is unknown."""
        wanted: list[tuple[int, str, int]] = []
        if query.registration is not None:
            wanted.append((parts.TERM_REGISTRATION, query.registration, parts.NARROW))
        if query.activity is not None:
            breadth = parts.BROAD if query.related_activities else parts.NARROW
            wanted.append((parts.TERM_ACTIVITY, query.activity, breadth))
        if query.agent_identity is not None:
            breadth = parts.BROAD if query.related_agents else parts.NARROW
            wanted.append((parts.TERM_AGENT, query.agent_identity, breadth))
        if query.verb is not None:
            wanted.append((parts.TERM_VERB, query.verb, parts.NARROW))
        ids = repo.existing_term_ids(connection, [(kind, value) for kind, value, _ in wanted])
        if len(ids) < len({(kind, value) for kind, value, _ in wanted}):
            return None
        return [(ids[(kind, value)], breadth) for kind, value, breadth in wanted]

    def attachments_for(self, statements: Sequence[Mapping[str, Any]]) -> list[Attachment]:
        hashes: list[str] = []
        for statement in statements:
            for attachment in statement.get("attachments") or ():
                sha2 = attachment.get("sha2")
                if isinstance(sha2, str) and sha2 not in hashes:
                    hashes.append(sha2)
        if not hashes:
            return []
        with self.context.db.read() as connection:
            found = repo.attachments_by_hash(connection, hashes)
        return [
            Attachment(sha2, content_type, content)
            for sha2, (content_type, content) in found.items()
        ]

    def canonical_definitions(self, activity_ids: Sequence[str]) -> dict[str, JsonObject]:
        if not activity_ids:
            return {}
        with self.context.db.read() as connection:
            found = repo.activity_definitions(connection, list(activity_ids))
        return {key: orjson.loads(value) for key, value in found.items()}

    def activity(self, activity_id: str) -> JsonObject | None:
        """The Activity object with its canonical definition, or None if never seen."""
        with self.context.db.read() as connection:
            definitions = repo.activity_definitions(connection, [activity_id])
            known = activity_id in definitions or repo.activity_known(connection, activity_id)
        if not known:
            return None
        activity: JsonObject = {"objectType": "Activity", "id": activity_id}
        if activity_id in definitions:
            activity["definition"] = orjson.loads(definitions[activity_id])
        return activity


@dataclass(frozen=True)
class StatementQuery:
    agent_identity: str | None = None
    verb: str | None = None
    activity: str | None = None
    registration: str | None = None
    related_activities: bool = False
    related_agents: bool = False
    since: str | None = None  # stored form
    until: str | None = None
    limit: int = MAX_PAGE
    ascending: bool = False
    cursor: tuple[int, int] | None = None  # (after seq, through seq) of a `more` link


@dataclass(frozen=True)
class QueryPage:
    rows: list[tuple[int, str, bytes]]  # (seq, stored, statement JSON)
    more: tuple[int, int] | None


def encode_more(parameters: Mapping[str, str], cursor: tuple[int, int]) -> str:
    token = orjson.dumps({"p": dict(parameters), "c": list(cursor)})
    return base64.urlsafe_b64encode(token).decode().rstrip("=")


def decode_more(token: str) -> tuple[dict[str, str], tuple[int, int]]:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        decoded = orjson.loads(raw)
        parameters = {str(k): str(v) for k, v in decoded["p"].items()}
        after, through = (int(value) for value in decoded["c"])
    except (binascii.Error, ValueError, KeyError, TypeError, orjson.JSONDecodeError):
        raise XapiBadRequest("the more link is not one this LRS made") from None
    return parameters, (after, through)


def stored_bound(text: str, version: str, name: str) -> str:
    moment: datetime = validate_timestamp(text, version, name)
    return parts.stored_form(moment)
