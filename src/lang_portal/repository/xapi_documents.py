"""SQL for the xAPI document resources: State, Activity Profile and Agent Profile documents."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass


@dataclass(frozen=True)
class DocumentKey:
    """Names one document. A part the resource does not use is the empty string."""

    resource: str  # "state" | "activity_profile" | "agent_profile"
    activity_id: str
    agent_key: str
    registration: str
    document_id: str


@dataclass(frozen=True)
class DocumentScope:
    """Names the documents of one context, for the lists and the multiple-document DELETE.

    `registration` None matches every registration (the State resource's context narrows to a
    registration only when one is given); the empty string matches documents stored without one.
    """

    resource: str
    activity_id: str
    agent_key: str
    registration: str | None


@dataclass(frozen=True)
class StoredDocument:
    content_type: str
    content: bytes
    etag: str
    updated_at: str


_KEY_WHERE = (
    "resource = ? AND activity_id = ? AND agent_key = ? AND registration = ? AND document_id = ?"
)


def _key_params(key: DocumentKey) -> tuple[str, str, str, str, str]:
    return (key.resource, key.activity_id, key.agent_key, key.registration, key.document_id)


def _scope_where(scope: DocumentScope) -> tuple[str, list[str]]:
    clauses = "resource = ? AND activity_id = ? AND agent_key = ?"
    params = [scope.resource, scope.activity_id, scope.agent_key]
    if scope.registration is not None:
        clauses += " AND registration = ?"
        params.append(scope.registration)
    return clauses, params


def get_document(connection: sqlite3.Connection, key: DocumentKey) -> StoredDocument | None:
    row = connection.execute(
        f"SELECT content_type, content, etag, updated_at FROM xapi_documents WHERE {_KEY_WHERE}",
        _key_params(key),
    ).fetchone()
    if row is None:
        return None
    return StoredDocument(
        content_type=row["content_type"],
        content=bytes(row["content"]),
        etag=row["etag"],
        updated_at=row["updated_at"],
    )


def put_document(
    connection: sqlite3.Connection,
    key: DocumentKey,
    content_type: str,
    content: bytes,
    etag: str,
    updated_at: str,
) -> None:
    """Stores the document, replacing any earlier one under the same key."""
    connection.execute(
        "INSERT INTO xapi_documents (resource, activity_id, agent_key, registration, document_id, "
        "content_type, content, etag, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (resource, activity_id, agent_key, registration, document_id) DO UPDATE SET "
        "content_type = excluded.content_type, content = excluded.content, "
        "etag = excluded.etag, updated_at = excluded.updated_at",
        (*_key_params(key), content_type, content, etag, updated_at),
    )


def delete_document(connection: sqlite3.Connection, key: DocumentKey) -> bool:
    """True when there was a document to delete."""
    cursor = connection.execute(f"DELETE FROM xapi_documents WHERE {_KEY_WHERE}", _key_params(key))
    return cursor.rowcount > 0


def list_document_ids(
    connection: sqlite3.Connection, scope: DocumentScope, since: str | None
) -> list[tuple[str, str]]:
    """(document id, updated_at) of the documents in scope, updated after `since` if given,
    oldest first. A document id stored under several registrations appears once, at its
    latest update."""
    where, params = _scope_where(scope)
    if since is not None:
        where += " AND updated_at > ?"
        params.append(since)
    rows = connection.execute(
        f"SELECT document_id, max(updated_at) AS updated_at FROM xapi_documents WHERE {where} "
        "GROUP BY document_id ORDER BY updated_at, document_id",
        params,
    ).fetchall()
    return [(row["document_id"], row["updated_at"]) for row in rows]


def delete_documents(connection: sqlite3.Connection, scope: DocumentScope) -> int:
    where, params = _scope_where(scope)
    cursor = connection.execute(f"DELETE FROM xapi_documents WHERE {where}", params)
    return cursor.rowcount
