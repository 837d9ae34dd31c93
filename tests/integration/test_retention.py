"""Retention: old sessions move to a compressed archive and back, every derived figure stays
exactly as it was, through a later rebuild too."""

from __future__ import annotations

import gzip
import json
import sqlite3
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from lang_portal import cli
from lang_portal.clock import FixedClock
from lang_portal.service.container import Services
from lang_portal.service.maintenance import Maintenance
from lang_portal.service.retention import ArchiveError, RetentionService

# the figures, besides the derived tables, that the API serves from the history
FIGURES = (
    "/api/v1/dashboard/quick-stats",
    "/api/v1/dashboard/study_progress",
    "/api/v1/analytics/progress",
    "/api/v1/analytics/mastery",
    "/api/v1/analytics/activities",
    "/api/v1/analytics/learning_curve",
    "/api/v1/srs/forecast?days=30",
    "/api/v1/words/1",
    "/api/v1/words/3",
)
DERIVED = (
    "srs_cards",
    "daily_words",
    "daily_stats",
    "curve_by_seen",
    "curve_by_gap",
    "activity_stats",
    "srs_eval_bins",
    "srs_eval_hist",
)


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {"retention_enabled": True, "retention_session_days": 90}


def _answer(
    client: TestClient,
    session_id: int,
    word_id: int,
    correct: bool,
    grade: str | None = None,
    response: str | None = None,
) -> None:
    body: dict[str, Any] = {"correct": correct, "duration_ms": 1200}
    if grade is not None:
        body["grade"] = grade
    if response is not None:
        body["response"] = response
    response = client.post(f"/api/v1/study_sessions/{session_id}/words/{word_id}/review", json=body)
    assert response.status_code == 201, response.text


def _session(client: TestClient, group_id: int = 1) -> int:
    response = client.post(
        "/api/v1/study_sessions", json={"group_id": group_id, "study_activity_id": 1}
    )
    assert response.status_code == 201, response.text
    return int(response.json()["data"]["id"])


def _history(client: TestClient, clock: FixedClock) -> tuple[list[int], list[int]]:
    """Sessions over 200 days: the first ones end up older than 90 days."""
    old, recent = [], []
    for day in range(0, 200, 20):
        session_id = _session(client, group_id=1 + day % 2)
        for step, word_id in enumerate((1, 2, 3, 1, 4, 3)):
            correct = (day + step) % 3 != 0
            grade = {1: "easy", 2: "hard"}.get(step % 4) if correct else None
            # what the learner typed, for the wrong answers (the restore must bring it back)
            response = None if correct else f"not word {word_id}"
            _answer(client, session_id, word_id, correct, grade, response)
            clock.advance(seconds=30)
        (old if day <= 100 else recent).append(session_id)  # the clock ends at day 200
        clock.advance(days=20)
    return old, recent


def _figures(client: TestClient, services: Services) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    for path in FIGURES:
        response = client.get(path)
        assert response.status_code == 200, (path, response.text)
        figures[path] = response.json()["data"]
    with services.context.db.snapshot() as connection:
        for table in DERIVED:
            rows = connection.execute(f"SELECT * FROM {table}").fetchall()
            figures[table] = sorted(tuple(row) for row in rows)
        figures["word_counters"] = connection.execute(
            "SELECT id, correct_count, wrong_count, answer_ms_total, timed_answers, "
            "last_reviewed_at FROM words ORDER BY id"
        ).fetchall()
        figures["word_counters"] = [tuple(row) for row in figures["word_counters"]]
    return figures


def _live_rows(services: Services) -> dict[str, list[tuple[Any, ...]]]:
    with services.context.db.snapshot() as connection:
        return {
            table: [
                tuple(row) for row in connection.execute(f"SELECT * FROM {table} ORDER BY 1, 2")
            ]
            for table in ("study_sessions", "word_review_items", "study_session_words")
        }


def test_archiving_keeps_every_figure_and_a_restore_brings_the_sessions_back(
    client: TestClient, services: Services, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    old, recent = _history(client, clock)
    before = _figures(client, services)
    live_before = _live_rows(services)
    old_session = client.get(f"/api/v1/study_sessions/{old[0]}").json()["data"]

    outcome = Maintenance(services.context).execute("retention")
    assert outcome.status == "ok", outcome.detail
    assert outcome.detail.startswith(f"{len(old)} sessions, {len(old) * 6} answers into ")

    # The old sessions left the live tables...
    for session_id in old:
        assert client.get(f"/api/v1/study_sessions/{session_id}").status_code == 404
    for session_id in recent:
        assert client.get(f"/api/v1/study_sessions/{session_id}").status_code == 200
    listed = client.get("/api/v1/study_sessions?per_page=100").json()
    assert listed["pagination"]["total_items"] == len(recent)
    # ...into one compressed file in the export format...
    (archive,) = sorted(services.context.settings.archive_path.glob("sessions-*.json.gz"))
    document = json.loads(gzip.decompress(archive.read_bytes()))
    assert document["format_version"] == "1.1"
    assert [s["id"] for s in document["study_sessions"]] == [f"session_{i}" for i in old]
    first = document["study_sessions"][0]
    assert first["group"] and first["study_activity"] and first["date"].endswith("Z")
    assert {"japanese", "english", "result", "time_spent", "reviewed_at"} <= set(first["words"][0])
    assert sum(len(s["words"]) for s in document["study_sessions"]) == len(old) * 6
    assert any(
        w.get("response") == "not word 1" for s in document["study_sessions"] for w in s["words"]
    )
    # ...and every figure is as it was,
    assert _figures(client, services) == before
    # through a rebuild too (an import, an upgrade, a time zone change replays the history).
    with services.context.db.write() as connection:
        replayed = services.answers.rebuild(connection)
    assert replayed == (len(old) + len(recent)) * 6
    assert _figures(client, services) == before

    # Restoring puts the sessions back as they were, figures unmoved.
    monkeypatch.setenv("DATABASE_PATH", str(services.context.settings.database_path))
    monkeypatch.setenv("ARCHIVE_PATH", str(services.context.settings.archive_path))
    assert cli.main(["archive", "restore", str(archive)]) == 0  # while the app serves
    assert _live_rows(services) == live_before
    assert client.get(f"/api/v1/study_sessions/{old[0]}").json()["data"] == old_session
    assert _figures(client, services) == before
    with sqlite3.connect(services.context.settings.database_path) as connection:
        assert connection.execute("SELECT count(*) FROM archived_answers").fetchone()[0] == 0
        assert connection.execute("SELECT count(*) FROM archived_sessions").fetchone()[0] == 0
    with pytest.raises(ArchiveError, match="was restored"):
        RetentionService(services.context).restore(archive)


def test_retention_is_off_by_default(
    client: TestClient, services: Services, clock: FixedClock
) -> None:
    settings = services.context.settings.model_copy(update={"retention_enabled": False})
    context = type(services.context)(db=services.context.db, settings=settings, clock=clock)
    old, _ = _history(client, clock)
    outcome = Maintenance(context).execute("retention")
    assert (outcome.status, outcome.detail) == ("ok", "skipped: RETENTION_ENABLED is false")
    assert client.get(f"/api/v1/study_sessions/{old[0]}").status_code == 200
    assert not settings.archive_path.exists()
    assert Maintenance(context).interval("retention") is None  # never scheduled


def test_deleting_a_word_takes_its_archived_answers_too(
    client: TestClient, services: Services, clock: FixedClock
) -> None:
    _history(client, clock)
    Maintenance(services.context).execute("retention")
    assert client.delete("/api/v1/words/3").status_code in (200, 204)
    with services.context.db.read() as connection:
        left = connection.execute(
            "SELECT count(*) FROM archived_answers WHERE word_id = 3"
        ).fetchone()[0]
    assert left == 0


def test_a_tampered_archive_is_refused(
    client: TestClient, services: Services, clock: FixedClock, tmp_path: Path
) -> None:
    _history(client, clock)
    Maintenance(services.context).execute("retention")
    (archive,) = services.context.settings.archive_path.glob("sessions-*.json.gz")
    document = json.loads(gzip.decompress(archive.read_bytes()))
    document["study_sessions"][0]["words"][0]["result"] = "correct"
    forged = tmp_path / archive.name
    forged.write_bytes(gzip.compress(json.dumps(document).encode()))
    with pytest.raises(ArchiveError, match="differs"):
        RetentionService(services.context).restore(forged)
    not_an_archive = tmp_path / "x.json.gz"
    not_an_archive.write_bytes(b"plain")
    with pytest.raises(ArchiveError, match="not an archive"):
        RetentionService(services.context).restore(not_an_archive)


def _moment(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _lifecycle_rows(services: Services) -> dict[str, list[tuple[Any, ...]]]:
    with services.context.db.snapshot() as connection:
        return {
            "sessions": [
                tuple(row)
                for row in connection.execute(
                    "SELECT id, lifecycle, paused_at, resumed_at, completed_at, ended_at "
                    "FROM study_sessions ORDER BY id"
                )
            ],
            "breaks": [
                tuple(row)
                for row in connection.execute(
                    "SELECT study_session_id, started_at, ended_at FROM study_session_breaks "
                    "ORDER BY study_session_id, started_at"
                )
            ],
        }


def test_an_archived_session_keeps_its_lifecycle_through_a_restore(
    client: TestClient, services: Services, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    def act(session_id: int, action: str) -> None:
        response = client.post(f"/api/v1/study_sessions/{session_id}/{action}")
        assert response.status_code == 200, response.text
        clock.advance(minutes=3)

    # paused again after a first pause; completed after a pause; left open (read as expired)
    paused, completed, left = _session(client), _session(client), _session(client)
    for session_id in (paused, completed, left):
        _answer(client, session_id, 1, True)
    act(paused, "pause")
    act(paused, "resume")
    _answer(client, paused, 2, False)
    act(paused, "pause")
    act(completed, "pause")
    act(completed, "resume")
    _answer(client, completed, 3, True)
    act(completed, "complete")
    ids = (paused, completed, left)
    clock.advance(days=120)
    read = {
        session_id: (
            client.get(f"/api/v1/study_sessions/{session_id}").json()["data"],
            client.get(f"/api/v1/study_sessions/{session_id}/result").json()["data"],
        )
        for session_id in ids
    }
    assert [read[i][0]["state"] for i in ids] == ["paused", "completed", "expired"]
    rows = _lifecycle_rows(services)
    assert len(rows["breaks"]) == 2  # the two pauses that ended (a current one is no break yet)

    outcome = Maintenance(services.context).execute("retention")
    assert outcome.status == "ok" and outcome.detail.startswith("3 sessions"), outcome.detail
    assert _lifecycle_rows(services) == {"sessions": [], "breaks": []}
    (archive,) = services.context.settings.archive_path.glob("sessions-*.json.gz")
    kept = {s["id"]: s for s in json.loads(gzip.decompress(archive.read_bytes()))["study_sessions"]}
    first_pause, completing = kept[f"session_{paused}"], kept[f"session_{completed}"]
    assert first_pause["lifecycle"] == "paused"
    assert _moment(first_pause["paused_at"]) == _moment(read[paused][0]["paused_at"])
    assert first_pause["paused_at"].endswith("Z") and first_pause["resumed_at"].endswith("Z")
    assert len(first_pause["breaks"]) == 1 and first_pause["completed_at"] is None
    assert completing["lifecycle"] == "completed"
    assert _moment(completing["completed_at"]) == _moment(read[completed][0]["completed_at"])
    assert kept[f"session_{left}"]["lifecycle"] == "open"
    assert kept[f"session_{left}"]["breaks"] == []

    monkeypatch.setenv("DATABASE_PATH", str(services.context.settings.database_path))
    monkeypatch.setenv("ARCHIVE_PATH", str(services.context.settings.archive_path))
    assert cli.main(["archive", "restore", str(archive)]) == 0
    assert _lifecycle_rows(services) == rows
    for session_id in ids:
        # the session and its result (state, active time less the breaks) read as before
        assert (
            client.get(f"/api/v1/study_sessions/{session_id}").json()["data"],
            client.get(f"/api/v1/study_sessions/{session_id}/result").json()["data"],
        ) == read[session_id]
    # a paused session restored is still paused: it takes no answer until resumed
    refused = client.post(f"/api/v1/study_sessions/{paused}/words/1/review", json={"correct": True})
    assert refused.status_code == 422 and "BUSINESS_RULE" in refused.text
