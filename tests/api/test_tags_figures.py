"""The tag figures GET /tags serves are kept by triggers (migration 0013): after every kind of
change (answers, tags given and taken, words created, changed and deleted, imports, a history
reset) the stored rows equal a fresh aggregate over the tags' words, and GET /tags shows them."""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest

from lang_portal.clock import FixedClock
from lang_portal.repository import tags as tag_repo
from lang_portal.service.container import Services
from tests.helpers import MountClient, record_answer, start_session


def _stored(connection: sqlite3.Connection) -> dict[str, dict[str, Any]]:
    return {
        row["name"]: {
            "word_count": row["word_count"],
            "usage_count": row["usage_count"],
            "last_used": row["last_used"],
            "difficulty_count": row["difficulty_count"],
            "difficulty": row["difficulty"],
        }
        for row in connection.execute(
            "SELECT t.name, f.word_count, f.usage_count, f.last_used, f.difficulty_count,"
            " f.difficulty_sum / f.difficulty_count AS difficulty"
            " FROM tag_figures AS f JOIN tags AS t ON t.id = f.tag_id"
        )
    }


def assert_figures_are_a_recount(services: Services, api: MountClient) -> None:
    with services.context.db.snapshot() as connection:
        connection.row_factory = sqlite3.Row
        stored = _stored(connection)
        fresh = tag_repo.tag_stats_recount(connection)
        counted_cards = {
            row[0]: row[1]
            for row in connection.execute(
                "SELECT t.name, count(c.word_id) FROM tags AS t"
                " JOIN word_tags AS wt ON wt.tag_id = t.id"
                " LEFT JOIN srs_cards AS c ON c.word_id = wt.word_id GROUP BY t.id"
            )
        }
        orphans = connection.execute(
            "SELECT count(*) FROM tag_figures WHERE tag_id NOT IN (SELECT id FROM tags)"
        ).fetchone()[0]
    assert orphans == 0
    assert set(stored) == {row["name"] for row in fresh}
    for row in fresh:
        kept = stored[row["name"]]
        assert kept["word_count"] == row["word_count"], row["name"]
        assert kept["usage_count"] == row["usage_count"], row["name"]
        assert kept["last_used"] == row["last_used"], row["name"]
        assert kept["difficulty_count"] == counted_cards[row["name"]], row["name"]
        if row["difficulty"] is None:
            assert kept["difficulty"] is None, row["name"]
        else:
            assert kept["difficulty"] == pytest.approx(row["difficulty"], abs=1e-12), row["name"]
    served = api.get("/tags?per_page=100")
    assert served.status == 200, served.error
    assert [item["tag_name"] for item in served.data] == [row["name"] for row in fresh]
    for item, row in zip(served.data, fresh, strict=True):
        assert item["word_count"] == row["word_count"]
        assert item["usage_count"] == row["usage_count"]
        expected = None if row["difficulty"] is None else round(row["difficulty"], 4)
        assert item["difficulty"] == expected
        assert (item["last_used"] is None) == (row["last_used"] is None)


def test_the_kept_figures_equal_a_recount_after_every_change(
    api: MountClient, services: Services, clock: FixedClock
) -> None:
    check = lambda: assert_figures_are_a_recount(services, api)  # noqa: E731
    check()  # the seeded words' auto tags, nothing answered
    assert api.post("/words/1/tags", json={"tags": ["greeting", "basic"]}).status == 200
    assert api.post("/words/6/tags", json={"tags": ["food", "basic"]}).status == 200
    check()

    session = start_session(api)
    for word_id, correct in [(1, True), (6, False), (1, True), (2, True), (6, True), (4, False)]:
        record_answer(api, session, word_id, correct, duration_ms=1500)
        clock.advance(minutes=3)
    check()
    clock.advance(days=2)
    session = start_session(api)
    for word_id, correct in [(6, True), (1, False), (7, True)]:
        record_answer(api, session, word_id, correct)
        clock.advance(minutes=1)
    check()

    # a tag taken off the word holding the tag's latest answer
    assert api.delete("/words/1/tags/basic").status == 204
    check()
    # a word created (its rule's tags), changed (other rules' tags), deleted with its answers
    coffee = {"japanese": "コーヒー", "romaji": "koohii", "english": "coffee"}
    created = api.post("/words", json=coffee)
    assert created.status == 201, created.error
    new_id = created.data["id"]
    assert api.post(f"/words/{new_id}/tags", json={"tags": ["food"]}).status == 200
    record_answer(api, session, new_id, True)
    check()
    changed = api.put(f"/words/{new_id}", json={"japanese": "珈琲"})
    assert changed.status == 200, changed.error
    check()
    assert api.delete("/words/6").status == 204  # food's and basic's answered word
    check()

    # imports: a words CSV with tags, and a history with answers
    csv_text = "japanese,romaji,english,tags,groups\n猫,neko,cat,food; pets,\n"
    imported = api.call(
        "POST", "/import/words", content=csv_text.encode(), headers={"content-type": "text/csv"}
    )
    assert imported.status == 201, imported.error
    check()
    history = api.client.get(api.prefix + "/export/history")  # a file, on both mounts
    assert history.status_code == 200
    document = history.json()
    reset = api.post("/reset_history")
    assert reset.status == 200, reset.error
    check()  # every word's counters and card gone
    restored = api.post("/import/history", json=document)
    assert restored.status == 201, restored.error
    check()

    assert api.post("/full_reset").status == 200
    check()
