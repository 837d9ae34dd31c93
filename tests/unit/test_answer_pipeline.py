"""The answer pipeline's promise: what answers derived is a function of the answers alone.

For random histories (right/wrong answers and graded ones, with the default FSRS parameters or
fitted ones), answering live and rebuilding from the stored rows leave the derived tables
identical, row for row; taking an answer out leaves what a rebuild without it leaves.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lang_portal.app import build_services
from lang_portal.clock import FixedClock
from lang_portal.repository import migrations
from lang_portal.repository.answers import DERIVED_TABLES
from lang_portal.service.answers import Answer
from lang_portal.service.container import Services
from lang_portal.settings import MIGRATIONS_DIR, load_settings
from tests.conftest import FIXTURE_SEEDS, START

# Counters kept on rows of tables that are not derived as a whole.
ROW_COUNTERS = {
    "words": "id, correct_count, wrong_count, answer_ms_total, timed_answers, last_reviewed_at",
    "study_sessions": "id, review_items_count, correct_count, ended_at",
    # the learning path's copies of the counters and cards, and each level's sums of them
    "word_path": "word_id AS id, level_id, correct_count, wrong_count, learned, first_review",
    "levels": "id, word_count, words_learned, correct_count, wrong_count",
}

# Each level's figures counted afresh from the words, their cards and their places.
LEVEL_RECOUNT = (
    "SELECT l.id, count(p.word_id), coalesce(sum(c.state IN (2, 3)), 0),"
    " coalesce(sum(w.correct_count), 0), coalesce(sum(w.wrong_count), 0) FROM levels AS l"
    " LEFT JOIN word_path AS p ON p.level_id = l.id LEFT JOIN words AS w ON w.id = p.word_id"
    " LEFT JOIN srs_cards AS c ON c.word_id = p.word_id GROUP BY l.id ORDER BY l.id"
)


def assert_level_figures_are_a_recount(services: Services) -> None:
    with services.context.db.snapshot() as connection:
        kept = connection.execute(ROW_COUNTERS["levels"].join(("SELECT ", " FROM levels")))
        recounted = connection.execute(LEVEL_RECOUNT).fetchall()
        assert [tuple(row) for row in kept] == [tuple(row) for row in recounted]


# One step of a learner's history: wait (minutes), maybe switch activity, answer a word.
steps = st.lists(
    st.tuples(
        st.sampled_from([0, 1, 3, 20, 45, 60 * 7, 60 * 24, 60 * 24 * 3, 60 * 24 * 12]),
        st.integers(min_value=1, max_value=2),  # study activity
        st.integers(min_value=0, max_value=5),  # which word (index)
        # (correct, grade): right/wrong only, or graded
        st.sampled_from([(True, None), (False, None), (False, 1), (True, 2), (True, 3), (True, 4)]),
        st.one_of(st.none(), st.integers(min_value=0, max_value=20_000)),
    ),
    min_size=1,
    max_size=40,
)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pipeline")


@pytest.fixture
def fresh(workdir: Path) -> Iterator[tuple[Services, FixedClock]]:
    """Services on a new database for each example (hypothesis reuses the test's fixtures)."""
    yield from _services(workdir)


def _services(workdir: Path, timezone: str = "Asia/Tokyo") -> Iterator[tuple[Services, FixedClock]]:
    path = workdir / "pipeline.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    clock = FixedClock(START)
    settings_ = load_settings(
        database_path=path, timezone=timezone, rate_limit_enabled=False, backup_path=workdir
    )
    services = build_services(settings_, clock, seeds_dir=FIXTURE_SEEDS)
    migrations.apply(services.context.db, MIGRATIONS_DIR, clock)
    services.seeding.seed(FIXTURE_SEEDS)
    try:
        yield services, clock
    finally:
        services.context.db.close()


def answer_live(services: Services, clock: FixedClock, history: list[Any]) -> list[int]:
    """Answer through the pipeline as the review POST does; returns the stored review ids."""
    with services.context.db.read() as connection:
        word_ids = [row[0] for row in connection.execute("SELECT id FROM words ORDER BY id")]
    review_ids: list[int] = []
    session_id: int | None = None
    activity: int | None = None
    for wait, activity_id, word_index, (correct, grade), duration_ms in history:
        clock.advance(minutes=wait)
        if session_id is None or wait > 25 or activity_id != activity:
            session_id = services.study.create_session(1, activity_id).id
            activity = activity_id
        word_id = word_ids[word_index % len(word_ids)]
        recorded = services.study.record_reviews(
            [Answer(session_id, word_id, correct, duration_ms, grade=grade)]
        )
        review_ids.append(recorded[0].review_id)
    return review_ids


# Weights unlike the defaults (a faster forgetter), within the scheduler's bounds.
FITTED = [
    0.1, 0.5, 1.2, 5.0, 6.8, 0.6, 2.5, 0.02, 1.4, 0.2, 0.6, 1.7, 0.08, 0.3, 1.8, 0.5, 2.0,
    0.6, 0.1, 0.05, 0.4,
]  # fmt: skip


def use_parameters(services: Services, weights: list[float], slow_correct_ms: int) -> None:
    """Put weights in use as a kept fit does (a srs_parameters row), before any answer; right
    answers without a grade slower than `slow_correct_ms` count as hard."""
    with services.context.db.write() as connection:
        connection.execute(
            "INSERT INTO srs_parameters (parameters, slow_correct_ms, origin, report, created_at) "
            "VALUES (?, ?, 'fitted', '{}', '2026-01-01T00:00:00.000000Z')",
            (str(weights), slow_correct_ms),
        )


def derived_state(connection: sqlite3.Connection) -> dict[str, list[tuple[Any, ...]]]:
    state: dict[str, list[tuple[Any, ...]]] = {}
    for table in DERIVED_TABLES:
        rows = connection.execute(f"SELECT * FROM {table}").fetchall()
        state[table] = sorted(tuple(_rounded(value) for value in row) for row in rows)
    for table, columns in ROW_COUNTERS.items():
        state[table] = [
            tuple(row) for row in connection.execute(f"SELECT {columns} FROM {table} ORDER BY id")
        ]
    return state


def _rounded(value: Any) -> Any:
    # sums of floats taken out again (a retraction) differ from a fresh sum in the last bits
    return round(value, 9) if isinstance(value, float) else value


def snapshot(services: Services) -> dict[str, list[tuple[Any, ...]]]:
    with services.context.db.snapshot() as connection:
        return derived_state(connection)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(history=steps, fitted=st.booleans())
def test_live_answers_and_a_rebuild_leave_identical_derived_tables(
    workdir: Path, history: list[Any], fitted: bool
) -> None:
    for services, clock in _services(workdir):
        if fitted:
            use_parameters(services, FITTED, slow_correct_ms=8_000)
        answer_live(services, clock, history)
        live = snapshot(services)
        assert_level_figures_are_a_recount(services)
        with services.context.db.write() as connection:
            replayed = services.answers.rebuild(connection)
        assert replayed == len(history)
        assert snapshot(services) == live
        assert_level_figures_are_a_recount(services)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(history=steps, pick=st.integers(min_value=0))
def test_taking_an_answer_out_leaves_what_a_rebuild_without_it_leaves(
    workdir: Path, history: list[Any], pick: int
) -> None:
    for services, clock in _services(workdir):
        review_ids = answer_live(services, clock, history)
        removed = review_ids[pick % len(review_ids)]
        with services.context.db.write() as connection:
            services.answers.retract(connection, removed)
        retracted = snapshot(services)
        assert_level_figures_are_a_recount(services)
        with services.context.db.write() as connection:
            services.answers.rebuild(connection)
            assert (
                connection.execute(
                    "SELECT count(*) FROM word_review_items WHERE id = ?", (removed,)
                ).fetchone()[0]
                == 0
            )
        assert snapshot(services) == retracted


def test_evaluation_replay_scores_what_the_live_answers_scored(workdir: Path) -> None:
    history = [
        (
            60 * 24 * days,
            1 + i % 2,
            i % 4,
            (i % 3 != 0, [None, 2, 4][i % 3] if i % 3 else None),
            1500,
        )
        for i, days in enumerate([0] + [2] * 30)
    ]
    for services, clock in _services(workdir):
        answer_live(services, clock, history)
        live = services.srs.evaluation()
        replay = services.srs.replay_evaluation()
        assert live["reviews_scored"] > 0
        for key in ("reviews_scored", "average_recall", "fsrs", "baseline"):
            assert replay[key] == live[key]
        assert replay["reviews_replayed"] == len(history)


def test_an_answer_after_a_day_moves_every_summary(workdir: Path) -> None:
    for services, clock in _services(workdir, timezone="UTC"):
        session = services.study.create_session(1, 1).id
        services.study.record_review(session, 1, True, 1000)
        clock.advance(days=3)
        session = services.study.create_session(1, 2).id
        services.study.record_review(session, 1, False, 500)
        state = snapshot(services)
        day1, day2 = START.date().isoformat(), (START + timedelta(days=3)).date().isoformat()
        # day, reviews, correct, duration, words, new words
        assert state["daily_stats"] == [(day1, 1, 1, 1000, 1, 1), (day2, 1, 0, 500, 1, 0)]
        assert state["daily_words"] == [(day1, 1), (day2, 1)]
        assert state["curve_by_seen"] == [(0, 1, 1), (1, 1, 0)]
        assert state["curve_by_gap"] == [(3, 1, 0)]
        # activity 1 answered once, and credited with the later (wrong) answer
        assert state["activity_stats"] == [(1, 1, 1, 1, 0), (2, 1, 0, 0, 0)]
        assert len(state["srs_eval_bins"]) == 1 and state["srs_eval_bins"][0][3] == 1
        # word 1: right once, wrong once, 1500 ms over two timed answers
        assert state["words"][0] == (1, 1, 1, 1500, 2, "2026-01-18T09:00:00.000000Z")
        card = state["srs_cards"][0]
        assert card[0] == 1 and card[8] == 2  # word 1, two answers


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(before=steps, after=steps, retract=st.booleans())
def test_a_refit_replayed_outside_the_lock_leaves_what_a_rebuild_leaves(
    workdir: Path, before: list[Any], after: list[Any], retract: bool
) -> None:
    """A refit replays the history with the new weights from a snapshot, then writes it in a
    short transaction with the answers that came meanwhile: the same as a full rebuild, also
    when the history changed under it (then it rebuilds)."""
    from lang_portal.service.answers import SrsModel, current_model, make_scheduler

    for services, clock in _services(workdir):
        review_ids = answer_live(services, clock, before)
        model = SrsModel(make_scheduler(services.context.settings, FITTED), 8_000)
        with services.context.db.snapshot() as connection:
            replay = services.answers.replay_model(connection, model)
        clock.advance(minutes=30)
        answer_live(services, clock, after)  # answers arrive while the fit runs
        if retract:
            with services.context.db.write() as connection:
                services.answers.retract(connection, review_ids[0])
        use_parameters(services, FITTED, slow_correct_ms=8_000)
        with services.context.db.write() as connection:
            in_use = current_model(connection, services.context.settings)
            services.answers.apply_model(connection, replay, in_use)
        applied = snapshot(services)
        with services.context.db.write() as connection:
            services.answers.rebuild(connection)
        assert snapshot(services) == applied
