"""Document writes racing each other, and the document queries' plans."""

from __future__ import annotations

import json
import threading

import orjson

from lang_portal.repository import xapi_documents as repo
from lang_portal.service.container import Services
from lang_portal.xapi.documents import (
    DocumentBody,
    DocumentRequest,
    DocumentResource,
    DocumentService,
)
from lang_portal.xapi.errors import XapiPreconditionFailed

PARAMS = [("activityId", "http://example.com/a"), ("profileId", "p")]
JSON = "application/json"


def test_racing_writers_with_the_same_etag_change_the_document_once(services: Services) -> None:
    """Of N clients that read one ETag and each PUT their version with If-Match, exactly one
    wins; the others get 412 and the winner's document is what is stored."""
    documents = DocumentService(services.context)
    resource = DocumentResource.ACTIVITY_PROFILE
    documents.put(
        resource,
        DocumentRequest("1.0.3", PARAMS, if_none_match="*"),
        DocumentBody(JSON, b'{"v": 0}'),
    )
    etag = documents.get(resource, DocumentRequest("1.0.3", PARAMS)).etag

    clients = 8
    start = threading.Barrier(clients)
    outcomes: dict[int, str] = {}

    def write(client: int) -> None:
        start.wait()
        try:
            documents.put(
                resource,
                DocumentRequest("1.0.3", PARAMS, if_match=etag),
                DocumentBody(JSON, json.dumps({"v": client}).encode()),
            )
            outcomes[client] = "stored"
        except XapiPreconditionFailed:
            outcomes[client] = "412"

    threads = [threading.Thread(target=write, args=(client,)) for client in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    winners = [client for client, outcome in outcomes.items() if outcome == "stored"]
    assert len(outcomes) == clients
    assert len(winners) == 1
    stored = documents.get(resource, DocumentRequest("1.0.3", PARAMS))
    assert orjson.loads(stored.content) == {"v": winners[0]}


def test_racing_merges_lose_no_property(services: Services) -> None:
    """Merges without a precondition all land: each property posted is in the result."""
    documents = DocumentService(services.context)
    resource = DocumentResource.ACTIVITY_PROFILE
    clients = 8
    start = threading.Barrier(clients)

    def merge(client: int) -> None:
        start.wait()
        documents.post(
            resource,
            DocumentRequest("1.0.3", PARAMS),
            DocumentBody(JSON, json.dumps({f"k{client}": client}).encode()),
        )

    threads = [threading.Thread(target=merge, args=(client,)) for client in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    stored = orjson.loads(documents.get(resource, DocumentRequest("1.0.3", PARAMS)).content)
    assert stored == {f"k{client}": client for client in range(clients)}


def test_document_queries_use_the_context_index(services: Services) -> None:
    key = repo.DocumentKey("state", "http://example.com/a", "mbox:mailto:a@example.com", "", "s")
    scope = repo.DocumentScope("state", key.activity_id, key.agent_key, None)
    seen: list[str] = []
    with services.context.db.write() as connection:
        connection.set_trace_callback(seen.append)
        repo.get_document(connection, key)
        repo.list_document_ids(connection, scope, "2026-01-01T00:00:00.000000Z")
        repo.delete_documents(connection, scope)
        connection.set_trace_callback(None)
        queries = [sql for sql in seen if not sql.startswith(("BEGIN", "COMMIT"))]
        assert len(queries) == 3
        for sql in queries:
            plan = connection.execute(f"EXPLAIN QUERY PLAN {sql}").fetchall()
            details = " | ".join(row[3] for row in plan)
            assert "SCAN xapi_documents" not in details, (sql, details)
            assert "xapi_documents" in details, (sql, details)
