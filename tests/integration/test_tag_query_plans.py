"""The query plans of the tag queries, on a database of 100,000 words with their tags and the
statistics the maintenance's ANALYZE keeps: every one finds its rows through an index, and
none reads the review history (tests/integration/test_query_plans.py pins the others)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from lang_portal.clock import FixedClock
from lang_portal.database import Database
from lang_portal.models.common import PageRequest
from lang_portal.repository import migrations
from lang_portal.repository import tags as tag_repo
from lang_portal.repository import words as word_repo
from lang_portal.service.container import Services
from lang_portal.settings import MIGRATIONS_DIR
from tests.conftest import START
from tests.helpers import record_answer, start_session
from tests.integration.test_query_plans import FORBIDDEN_SCANS, only_plan, plan

WORDS = 100_000
TAGS = 20
STAMP = "2026-01-01T09:00:00.000000Z"
RARE_TAG = TAGS + 1
PAGE = PageRequest(page=1, per_page=100, sort_by="japanese", order="asc")


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Iterator[sqlite3.Connection]:
    """100,000 words, each with two of 20 tags, ten with a rare one; a card for every 7th."""
    path: Path = tmp_path_factory.mktemp("tags") / "big.db"
    db = Database(path)
    migrations.apply(db, MIGRATIONS_DIR, FixedClock(START))
    db.close()
    connection = sqlite3.connect(path)
    connection.row_factory = sqlite3.Row
    ids = range(1, WORDS + 1)
    connection.executemany(
        "INSERT INTO words (id, japanese, romaji, english, correct_count, wrong_count, "
        "last_reviewed_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                i,
                f"語{i}",
                f"go{i}",
                f"word {i}",
                i % 5,
                i % 3,
                STAMP if i % 7 == 0 else None,
                STAMP,
                STAMP,
            )
            for i in ids
        ],
    )
    connection.executemany(
        "INSERT INTO tags (id, name, created_at) VALUES (?, ?, ?)",
        [(k, f"tag{k}", STAMP) for k in range(1, TAGS + 1)] + [(RARE_TAG, "rare", STAMP)],
    )
    connection.executemany(
        "INSERT INTO word_tags (word_id, tag_id, source, created_at) VALUES (?, ?, ?, ?)",
        [(i, i % TAGS + 1, "auto", STAMP) for i in ids]
        + [(i, (i + 7) % TAGS + 1, "manual", STAMP) for i in ids]
        + [(i * 1000, RARE_TAG, "manual", STAMP) for i in range(1, 11)],
    )
    connection.executemany(
        "INSERT INTO srs_cards (word_id, state, stability, difficulty, due, last_review, "
        "first_review) VALUES (?, 2, 3.0, 5.0, ?, ?, ?)",
        [(i, STAMP, STAMP, STAMP) for i in range(7, WORDS + 1, 7)],
    )
    connection.commit()
    # what the maintenance's analyze task does (repository/maintenance.analyze)
    connection.execute("PRAGMA analysis_limit = 1000")
    connection.execute("ANALYZE")
    connection.commit()
    yield connection
    connection.close()


@pytest.mark.parametrize("tag_ids", [[RARE_TAG], [3], [1, RARE_TAG]])
def test_the_words_list_filtered_by_tag_starts_from_the_tag_index(
    big: sqlite3.Connection, tag_ids: list[int]
) -> None:
    steps = only_plan(big, lambda: word_repo.filter_words(big, "", tag_ids, PAGE))
    assert "SEARCH wt USING COVERING INDEX idx_word_tags_tag (tag_id=?)" in steps
    assert "SEARCH w USING INTEGER PRIMARY KEY (rowid=?)" in steps
    if len(tag_ids) > 1:
        assert "SEARCH wt1 USING PRIMARY KEY (word_id=? AND tag_id=?)" in steps
    assert not any(step.startswith(("SCAN w", "SCAN wt")) for step in steps), steps
    rows = word_repo.filter_words(big, "", tag_ids, PAGE)
    expected = 10 if RARE_TAG in tag_ids else 2 * WORDS // TAGS
    assert int(rows[0]["total"]) == expected


def test_a_page_of_words_reads_its_tags_by_key(big: sqlite3.Connection) -> None:
    ids = list(range(1, 101))
    steps = only_plan(big, lambda: tag_repo.tags_of_words(big, ids))
    assert steps[0] == "SEARCH wt USING PRIMARY KEY (word_id=?)"
    assert "SEARCH t USING INTEGER PRIMARY KEY (rowid=?)" in steps
    tags = tag_repo.tags_of_words(big, ids)
    assert all(len(names) == 2 for names in tags.values())


def test_a_page_of_words_reads_its_difficulty_by_key(big: sqlite3.Connection) -> None:
    ids = list(range(1, 101))
    steps = only_plan(big, lambda: word_repo.difficulty_inputs(big, ids))
    # the page's ids (the json_each list), each word and card by key
    assert steps[0] == "SEARCH w USING INTEGER PRIMARY KEY (rowid=?)"
    assert steps[-1] == "SEARCH c USING INTEGER PRIMARY KEY (rowid=?) LEFT-JOIN"
    assert [step for step in steps if step.startswith("SCAN")] == [
        step for step in steps if step.startswith("SCAN json_each")
    ]
    assert len(word_repo.difficulty_inputs(big, ids)) == 100


def test_a_words_page_costs_the_same_queries_at_any_size(
    client: TestClient, statements: list[str]
) -> None:
    """No query per word: a page of 2 and a page of 10 run the same statements."""
    counts = []
    for per_page in (2, 10):
        statements.clear()
        answer = client.get(f"/api/v1/words?per_page={per_page}&sort_by=romaji")
        assert answer.status_code == 200 and len(answer.json()["data"]) == per_page
        counts.append(len([sql for sql in statements if sql.lstrip()[:6] == "SELECT"]))
    assert counts[0] == counts[1]


@pytest.mark.parametrize("sort_by", ["name", "word_count", "difficulty", "last_used"])
def test_the_tag_figures_are_one_stored_row_per_tag(big: sqlite3.Connection, sort_by: str) -> None:
    page = PageRequest(page=1, per_page=100, sort_by=sort_by, order="desc")
    steps = only_plan(big, lambda: tag_repo.tag_stats(big, page))
    # the tags (a few rows) with each one's kept figures by key: never the tag's words
    assert steps[:2] == [
        "SCAN t USING COVERING INDEX sqlite_autoindex_tags_1",
        "SEARCH f USING INTEGER PRIMARY KEY (rowid=?)",
    ]
    assert steps[2:] in ([], ["USE TEMP B-TREE FOR ORDER BY"])  # one row per tag
    rows = {row["name"]: row for row in tag_repo.tag_stats(big, page)}
    assert rows["rare"]["word_count"] == 10
    assert rows["tag1"]["word_count"] == 2 * WORDS // TAGS


def test_a_tags_latest_answer_is_one_seek(big: sqlite3.Connection) -> None:
    """What the figure triggers read when a word loses a tag or its last answer changes."""
    sql = (
        "SELECT max(x.last_used) FROM word_tags AS x WHERE x.tag_id = ? AND x.last_used IS NOT NULL"
    )
    assert plan(big, sql, (1,)) == [
        "SEARCH x USING COVERING INDEX idx_word_tags_last_used (tag_id=? AND last_used>?)"
    ]


def test_the_tag_lookups_use_the_unique_name(big: sqlite3.Connection) -> None:
    assert only_plan(big, lambda: tag_repo.tag_ids(big, ["tag1", "rare"]))[0] == (
        "SEARCH tags USING COVERING INDEX sqlite_autoindex_tags_1 (name=?)"
    )


def test_no_tag_request_scans_the_history(
    client: TestClient, services: Services, statements: list[str]
) -> None:
    services.context.db.close()
    services.context.db._closed = False
    statements.clear()
    session_id = start_session(client, prefix="/api/v1")
    record_answer(client, session_id, 1, True, prefix="/api/v1")
    client.post("/api/v1/words/1/tags", json={"tags": ["greeting"]})
    paths = [
        "/api/v1/tags",
        "/api/v1/tags?sort_by=last_used&order=desc",
        "/api/v1/words?tag=kanji",
        "/api/v1/words?tag=kanji&tag=verb&q=ta",
        "/api/v1/words/1/tags",
    ]
    for path in paths:
        assert client.get(path).status_code == 200, path
    connection = sqlite3.connect(services.context.settings.database_path)
    try:
        queries = [sql for sql in statements if "tags" in sql and sql.lstrip()[:6] == "SELECT"]
        assert len(queries) >= len(paths)
        for sql in queries:
            for step in plan(connection, sql):
                assert not any(step.startswith(f"SCAN {table}") for table in FORBIDDEN_SCANS)
                # the words of a common tag: the planner may walk the tag index whole rather
                # than look each word up
                if step.startswith(("SCAN wt", "SCAN word_tags")):
                    assert "USING COVERING INDEX idx_word_tags_tag" in step, (sql, step)
    finally:
        connection.close()
