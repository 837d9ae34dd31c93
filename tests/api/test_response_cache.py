"""The response cache: ETags, 304 on revalidation, and every write seen at once."""

from __future__ import annotations

from fastapi.testclient import TestClient

from lang_portal.api.cache import cached_body, response_cache
from tests.helpers import record_answer, start_session


def word_counts(body: dict[str, object], word_id: int) -> tuple[int, int]:
    items = body["data"]
    assert isinstance(items, list)
    (item,) = [item for item in items if item["id"] == word_id]
    return item["correct_count"], item["wrong_count"]


def test_list_has_an_etag_and_revalidates_to_304(client: TestClient) -> None:
    first = client.get("/api/v1/words")
    assert first.status_code == 200
    etag = first.headers["etag"]
    assert etag.startswith('W/"')
    assert first.headers["cache-control"] == "no-cache"
    again = client.get("/api/v1/words")
    assert again.status_code == 200
    assert again.headers["etag"] == etag
    body, cached = first.json(), again.json()
    assert cached["data"] == body["data"]
    assert cached["pagination"] == body["pagination"]
    assert list(cached) == ["status", "data", "meta", "pagination"]
    # meta is made for each response, not cached
    assert cached["meta"]["request_id"] != body["meta"]["request_id"]

    not_modified = client.get("/api/v1/words", headers={"If-None-Match": etag})
    assert not_modified.status_code == 304
    assert not_modified.content == b""
    assert not_modified.headers["etag"] == etag
    listed = client.get("/api/v1/words", headers={"If-None-Match": 'W/"other", ' + etag})
    assert listed.status_code == 304


def test_a_write_changes_the_answer_at_once(client: TestClient) -> None:
    before = client.get("/api/v1/words")
    etag = before.headers["etag"]
    correct, wrong = word_counts(before.json(), 1)
    session_id = start_session(client, prefix="/api/v1")
    record_answer(client, session_id, 1, False, prefix="/api/v1")

    after = client.get("/api/v1/words", headers={"If-None-Match": etag})
    assert after.status_code == 200
    assert after.headers["etag"] != etag
    assert word_counts(after.json(), 1) == (correct, wrong + 1)
    sessions = client.get("/api/v1/study_sessions").json()["data"]
    assert sessions[0]["id"] == session_id
    assert sessions[0]["review_items_count"] == 1


def test_each_mount_keeps_its_shape_and_etag(client: TestClient) -> None:
    versioned = client.get("/api/v1/groups")
    bare = client.get("/api/groups")
    assert bare.status_code == 200
    assert list(bare.json()) == ["items", "pagination"]
    assert bare.json()["items"] == versioned.json()["data"]
    assert bare.headers["etag"] != versioned.headers["etag"]
    detail = client.get("/api/groups/1")
    assert detail.json()["id"] == 1
    assert "status" not in detail.json()


def test_query_strings_are_cached_apart(client: TestClient) -> None:
    ascending = client.get("/api/v1/words?sort_by=id&order=asc").json()["data"]
    descending = client.get("/api/v1/words?sort_by=id&order=desc").json()["data"]
    assert [w["id"] for w in descending] == sorted((w["id"] for w in ascending), reverse=True)


def test_errors_and_clock_dependent_answers_are_not_cached(client: TestClient) -> None:
    missing = client.get("/api/v1/groups/999")
    assert missing.status_code == 404
    assert "etag" not in missing.headers
    assert client.get("/api/v1/groups/999").status_code == 404
    # a word's detail carries its recall probability now: computed on every request
    assert "etag" not in client.get("/api/v1/words/1").headers
    assert "etag" not in client.get("/api/v1/dashboard/quick-stats").headers


def test_the_cache_keeps_to_its_size() -> None:
    cache = response_cache(max_bytes=2000)
    token = (1, 1)
    for index in range(10):
        key = ("v1", f"/words/{index}", "", "en")
        cache.put(key, token, cached_body(key, b"x" * 500, None))
    assert cache.size <= 2000
    assert len(cache) == 2  # the two most recent, each ~800 bytes with its allowance
    assert cache.get(("v1", "/words/9", "", "en"), token) is not None
    assert cache.get(("v1", "/words/0", "", "en"), token) is None
    assert cache.get(("v1", "/words/9", "", "en"), (1, 2)) is None  # the database moved on
    assert len(cache) == 1


def test_only_quick_reads_run_on_the_event_loop(client: TestClient) -> None:
    import inspect

    from fastapi.routing import APIRoute

    kinds = {
        route.path: inspect.iscoroutinefunction(route.endpoint)
        for route in client.app.routes  # type: ignore[attr-defined]
        if isinstance(route, APIRoute) and route.methods == {"GET"}
    }
    assert kinds["/api/v1/words"] is True
    assert kinds["/api/words/{word_id}"] is True
    assert kinds["/api/v1/export/history"] is False  # seconds of work: stays in the pool
    assert client.get("/api/v1/export/history").status_code == 200
