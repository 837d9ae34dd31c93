"""The query plans of the hot paths: no request reads the review history row by row.

A page load must cost the same with ten thousand reviews as with a million (issue 7); that
holds only while no request scans `word_review_items` (or the per-session word table, or the
sessions) and lists walk an index in their sort order instead of sorting the whole table.
These tests record every statement the service runs while answering the GETs a page load makes
and the review POST, and check SQLite's plan for each; then pin the plans of the hottest
queries exactly, so that a changed index or query shows up here rather than in production.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from lang_portal.clock import FixedClock
from lang_portal.models.common import PageRequest
from lang_portal.repository import groups as group_repo
from lang_portal.repository import levels as level_repo
from lang_portal.repository import sessions as session_repo
from lang_portal.repository import srs as srs_repo
from lang_portal.repository import words as word_repo
from lang_portal.service.answers import Answer
from lang_portal.service.container import Services
from lang_portal.xapi.app import build_xapi_app
from tests.helpers import record_answer, start_session

# Whole-table reads no request may do. count(*) of a table is allowed: SQLite answers it from
# the b-tree's page counts ("SCAN ... USING COVERING INDEX" with no per-row work in Python).
FORBIDDEN_SCANS = ("word_review_items", "study_session_words")


def plan(connection: sqlite3.Connection, sql: str, params: tuple[object, ...] = ()) -> list[str]:
    return [row[3] for row in connection.execute(f"EXPLAIN QUERY PLAN {sql}", params)]


def page_load_paths(client: TestClient) -> list[str]:
    session_id = start_session(client, prefix="/api/v1")
    record_answer(client, session_id, 1, True, prefix="/api/v1")
    return [
        "/api/v1/words",
        "/api/v1/words?sort_by=correct_count&order=desc",
        "/api/v1/words/1",
        "/api/v1/groups",
        "/api/v1/groups/1",
        "/api/v1/groups/1/words",
        "/api/v1/groups/1/study_sessions",
        "/api/v1/study_sessions",
        f"/api/v1/study_sessions/{session_id}",
        f"/api/v1/study_sessions/{session_id}/words",
        f"/api/v1/study_sessions/{session_id}/result",
        "/api/v1/study_activities",
        "/api/v1/study_activities/1/study_sessions",
        "/api/v1/dashboard/last_study_session",
        "/api/v1/dashboard/study_progress",
        "/api/v1/dashboard/quick-stats",
        "/api/v1/learning_path",
        "/api/v1/progress",
    ]


def test_no_request_scans_the_history(
    client: TestClient, services: Services, statements: list[str]
) -> None:
    # reopen the connections so that the tracer sees them
    services.context.db.close()
    services.context.db._closed = False
    statements.clear()
    paths = page_load_paths(client)
    for path in paths:
        answer = client.get(path)
        assert answer.status_code == 200, (path, answer.text)
    queries = [
        sql
        for sql in statements
        if sql.lstrip().split(None, 1)[0].upper() in {"SELECT", "INSERT", "UPDATE", "DELETE"}
    ]
    assert len(queries) > len(paths)  # the tracer did see the requests
    connection = sqlite3.connect(services.context.settings.database_path)
    try:
        for sql in queries:
            steps = plan(connection, sql)
            for table in FORBIDDEN_SCANS:
                assert not any(step.startswith(f"SCAN {table}") for step in steps), (sql, steps)
            for step in steps:
                if step.startswith(("SCAN study_sessions", "SCAN s ")):
                    # an ordered walk of an index under a LIMIT, or count(*)
                    assert "USING" in step and "INDEX" in step, (sql, steps)
                assert (
                    "USE TEMP B-TREE FOR ORDER BY" not in step
                    or "LIMIT" not in sql
                    or ("study_session_words" in sql or "words_groups" in sql)
                    # a word's common mistakes: sorting that word's distinct wrong responses
                    or any(s.endswith("wrong_responses (word_id=?)") for s in steps)
                ), (sql, steps)
    finally:
        connection.close()


@pytest.fixture
def connection(services: Services) -> Iterator[sqlite3.Connection]:
    path: Path = services.context.settings.database_path
    connection = sqlite3.connect(path)
    yield connection
    connection.close()


def traced(connection: sqlite3.Connection, call: object) -> list[str]:
    """The statements one repository call runs."""
    seen: list[str] = []
    connection.set_trace_callback(seen.append)
    try:
        assert callable(call)
        call()
    finally:
        connection.set_trace_callback(None)
    return [sql for sql in seen if not sql.startswith(("BEGIN", "COMMIT", "PRAGMA"))]


def only_plan(connection: sqlite3.Connection, call: object) -> list[str]:
    (sql,) = traced(connection, call)
    return plan(connection, sql)


def test_session_list_walks_the_start_time_index(connection: sqlite3.Connection) -> None:
    connection.row_factory = sqlite3.Row
    page = PageRequest(page=1, per_page=100, sort_by="start_time", order="desc")
    assert only_plan(connection, lambda: session_repo.list_sessions(connection, page)) == [
        "SCAN s USING INDEX idx_study_sessions_created_at",
        "SEARCH g USING INTEGER PRIMARY KEY (rowid=?)",
        "SEARCH a USING INTEGER PRIMARY KEY (rowid=?)",
    ]


def test_a_groups_sessions_use_the_group_index(connection: sqlite3.Connection) -> None:
    page = PageRequest(page=1, per_page=100, sort_by="start_time", order="desc")
    steps = only_plan(
        connection,
        lambda: session_repo.list_sessions(connection, page, filter_by="group_id", filter_value=1),
    )
    assert "SEARCH s USING INDEX idx_study_sessions_group (group_id=?)" in steps
    assert not any("TEMP B-TREE" in step for step in steps)


def test_last_session_reads_one_index_entry(connection: sqlite3.Connection) -> None:
    steps = only_plan(connection, lambda: session_repo.latest_session(connection))
    assert steps[0] == "SCAN s USING INDEX idx_study_sessions_created_at"
    assert not any("TEMP B-TREE" in step for step in steps)


def test_session_words_read_the_per_session_table(connection: sqlite3.Connection) -> None:
    page = PageRequest(page=1, per_page=100, sort_by="japanese", order="asc")
    steps = only_plan(connection, lambda: session_repo.list_session_words(connection, 1, page))
    assert steps[0] == "SEARCH sw USING PRIMARY KEY (study_session_id=?)"
    assert steps[1] == "SEARCH w USING INTEGER PRIMARY KEY (rowid=?)"


def test_words_list_sorts_from_an_index(connection: sqlite3.Connection) -> None:
    page = PageRequest(page=1, per_page=100, sort_by="japanese", order="asc")
    steps = only_plan(connection, lambda: word_repo.list_words(connection, page))
    assert steps[0].startswith("SCAN w USING INDEX")
    assert "USE TEMP B-TREE FOR ORDER BY" not in steps


def test_dashboard_counts_use_indexes(connection: sqlite3.Connection) -> None:
    assert only_plan(connection, lambda: word_repo.count_studied_words(connection)) == [
        "SEARCH words USING COVERING INDEX idx_words_last_reviewed_at (last_reviewed_at>?)"
    ]
    steps = only_plan(connection, lambda: group_repo.count_groups_with_sessions(connection))
    assert "SEARCH s USING COVERING INDEX idx_study_sessions_group (group_id=?)" in steps
    assert only_plan(connection, lambda: session_repo.answer_totals(connection)) == [
        "SCAN daily_stats"  # one row per study day, not per review
    ]


def test_new_words_walk_the_path_in_index_order(connection: sqlite3.Connection) -> None:
    """The current level, the other levels, then the words in no level: each an index walk."""
    connection.row_factory = sqlite3.Row
    statements = traced(connection, lambda: srs_repo.new_words(connection, 20, None, first_level=1))
    unseen = ["CORRELATED SCALAR SUBQUERY 1", "SEARCH c USING INTEGER PRIMARY KEY (rowid=?)"]
    assert [plan(connection, sql) for sql in statements] == [
        # on the path, an index of the words never answered: no walk past studied words
        [
            "SEARCH p USING INDEX idx_word_path_new (level_position=?)",
            "SEARCH w USING INTEGER PRIMARY KEY (rowid=?)",
            "SEARCH l USING INTEGER PRIMARY KEY (rowid=?)",
        ],
        [
            "SCAN p USING INDEX idx_word_path_new",
            "SEARCH w USING INTEGER PRIMARY KEY (rowid=?)",
            "SEARCH l USING INTEGER PRIMARY KEY (rowid=?)",
        ],
        [
            "SCAN w",
            *unseen,
            "CORRELATED SCALAR SUBQUERY 2",
            "SEARCH p USING INTEGER PRIMARY KEY (rowid=?)",
        ],
    ]
    # a group (at most MAX_WORDS_PER_GROUP words) sorts its own words
    steps = only_plan(connection, lambda: srs_repo.new_words(connection, 20, 1, first_level=1))
    assert steps[0] == (
        "SEARCH wg USING COVERING INDEX sqlite_autoindex_words_groups_1 (group_id=?)"
    )
    assert steps[-1] == "USE TEMP B-TREE FOR ORDER BY"
    # the due words still walk the due index; their level is two primary-key lookups
    assert only_plan(connection, lambda: srs_repo.due_cards(connection, "9", 20, None)) == [
        "SEARCH c USING INDEX idx_srs_cards_due (due<?)",
        "SEARCH w USING INTEGER PRIMARY KEY (rowid=?)",
        "SEARCH p USING INTEGER PRIMARY KEY (rowid=?) LEFT-JOIN",
        "SEARCH l USING INTEGER PRIMARY KEY (rowid=?) LEFT-JOIN",
    ]


def test_the_path_figures_read_the_levels_counters(connection: sqlite3.Connection) -> None:
    """The levels' kept counters, and each level's start by one seek of a partial index."""
    connection.row_factory = sqlite3.Row
    assert only_plan(connection, lambda: level_repo.list_levels(connection)) == [
        "SCAN l USING INDEX sqlite_autoindex_levels_2",
        "CORRELATED SCALAR SUBQUERY 1",
        "SEARCH p USING COVERING INDEX idx_word_path_started (level_position=? AND first_review>?)",
    ]
    assert only_plan(connection, lambda: level_repo.total_duration_ms(connection)) == [
        "SCAN daily_stats"  # one row per study day
    ]


def _a_later_answer_traced(services: Services, clock: FixedClock) -> list[tuple[str, list[str]]]:
    """Every statement the answer pipeline runs for a word's answer in a new session two days
    after its first, each with its query plan."""
    session_id = services.study.create_session(1, 1).id
    services.study.record_review(session_id, 1, True)
    clock.advance(days=2)
    session_id = services.study.create_session(1, 1).id
    seen: list[str] = []
    with services.context.db.write() as connection:
        connection.set_trace_callback(seen.append)
        try:
            services.answers.record(connection, [Answer(session_id, 1, False, 900)])
        finally:
            connection.set_trace_callback(None)
        return [(sql, plan(connection, sql)) for sql in seen]


def test_an_answer_touches_single_rows_in_few_statements(
    services: Services, clock: FixedClock
) -> None:
    """The answer pipeline's statements for one answer: each finds its rows by key, and there
    are few of them (the first answer of a word in a session, and a later answer a day on)."""
    traced = _a_later_answer_traced(services, clock)
    for sql, steps in traced:
        for step in steps:
            assert not step.startswith("SCAN"), (sql, step)
    # the FSRS parameters in use, session (with its count of distinct words), word (its text
    # and card), the review row, word, session, session words, day, day's words, curve by
    # times seen, curve by gap, activity, evaluation bins and histogram, card (15); and the
    # learning path's triggers (migration 0010): the word's counters copied to its place on
    # the path and that level's sums. The trace shows each trigger run as the statement that
    # fired it once more: the word's update 4 times more (two triggers of one statement each),
    # the card's once more (its trigger's condition is false: the card kept its state and
    # first review). The tag figures' triggers (migration 0013) add 9: the word's counters and
    # its card's difficulty copied to the rows of its one tag, and that tag's figures moved by
    # each (each an update by key).
    assert len(traced) == 29, [sql for sql, _ in traced]


def test_a_portal_answer_with_its_statement_touches_single_rows_in_few_statements(
    services: Services, clock: FixedClock
) -> None:
    """The whole write of a portal answer as served (the xAPI door attached, as the app
    attaches it): the pipeline's statements above plus its xAPI statement's, each by key."""
    build_xapi_app(services)
    traced = _a_later_answer_traced(services, clock)
    for sql, steps in traced:
        for step in steps:
            # the last statement stored is one step back along the rowid b-tree; a
            # multi-row INSERT "scans" its own VALUES
            allowed = sql.endswith("ORDER BY seq DESC LIMIT 1") or step.endswith("CONSTANT ROWS")
            assert not step.startswith("SCAN") or allowed, (sql, step)
    # The pipeline's 29 (the test above), then the statement's: the last `stored` (it never
    # goes back), the filter values' ids in one lookup, the one value new to this session
    # (its registration), the statement, its filter index rows in one INSERT, the word
    # activity's canonical definition. The session and the word are not read again: the
    # pipeline hands over what it read.
    xapi = [sql for sql, _ in traced if "xapi_" in sql]
    assert len(xapi) == 6, xapi
    assert len(traced) == 35, [sql for sql, _ in traced]


def test_a_sessions_result_reads_its_own_answers_by_index(
    connection: sqlite3.Connection,
) -> None:
    assert only_plan(connection, lambda: session_repo.session_answers(connection, 1)) == [
        "SEARCH r USING INDEX idx_review_items_session (study_session_id=?)",
        "SEARCH w USING INTEGER PRIMARY KEY (rowid=?)",
        "SEARCH c USING INTEGER PRIMARY KEY (rowid=?) LEFT-JOIN",
        "USE TEMP B-TREE FOR ORDER BY",  # one session's answers only
    ]
    assert only_plan(connection, lambda: session_repo.session_breaks(connection, 1)) == [
        "SEARCH study_session_breaks USING INDEX idx_study_session_breaks_session "
        "(study_session_id=?)",
        "USE TEMP B-TREE FOR ORDER BY",
    ]
    # the learner's usual pace: the time index walked backwards, stopped at the limit
    usual = only_plan(
        connection, lambda: session_repo.timed_answers_before(connection, "2026-01-15", 500)
    )
    assert usual == [
        "SEARCH word_review_items USING INDEX idx_review_items_created_at (created_at<?)"
    ]


def test_the_queue_walks_the_due_index(connection: sqlite3.Connection) -> None:
    connection.row_factory = sqlite3.Row
    now = "2026-01-15T09:00:00.000000Z"
    assert only_plan(connection, lambda: srs_repo.due_cards(connection, now, 20, None)) == [
        "SEARCH c USING INDEX idx_srs_cards_due (due<?)",
        "SEARCH w USING INTEGER PRIMARY KEY (rowid=?)",
        # the word's level on the learning path
        "SEARCH p USING INTEGER PRIMARY KEY (rowid=?) LEFT-JOIN",
        "SEARCH l USING INTEGER PRIMARY KEY (rowid=?) LEFT-JOIN",
    ]


def test_the_adjustment_reads_the_last_answers_from_the_time_index(
    connection: sqlite3.Connection,
) -> None:
    connection.row_factory = sqlite3.Row
    assert only_plan(connection, lambda: srs_repo.recent_answers(connection, 200)) == [
        "SCAN r USING INDEX idx_review_items_created_at",  # backwards, under the LIMIT
        "SEARCH w USING INTEGER PRIMARY KEY (rowid=?)",
        "SEARCH c USING INTEGER PRIMARY KEY (rowid=?) LEFT-JOIN",
    ]


def test_common_mistakes_read_the_partial_response_index(connection: sqlite3.Connection) -> None:
    connection.row_factory = sqlite3.Row
    steps = only_plan(connection, lambda: word_repo.common_wrong_responses(connection, 1, 5))
    # each table grouped in its index's order; only the word's distinct wrong responses are
    # merged and sorted by count
    assert steps == [
        "CO-ROUTINE (subquery-2)",
        "COMPOUND QUERY",
        "LEFT-MOST SUBQUERY",
        "SEARCH word_review_items USING INDEX idx_review_items_wrong_responses (word_id=?)",
        "UNION ALL",
        "SEARCH archived_answers USING INDEX idx_archived_answers_wrong_responses (word_id=?)",
        "SCAN (subquery-2)",
        "USE TEMP B-TREE FOR GROUP BY",
        "USE TEMP B-TREE FOR ORDER BY",
    ]
