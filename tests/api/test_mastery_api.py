"""Mastery over HTTP: a word counts as mastered while it is both stable and still remembered
now; the shares of the inventory and of the words studied; the legacy dashboard agrees."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from lang_portal.clock import FixedClock
from tests.helpers import MountClient


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {"srs_mastery_stability_days": 3}


def _answer(api: MountClient, word_id: int, grade: str) -> None:
    session = api.post("/study_sessions", json={"group_id": 1, "study_activity_id": 1}).data["id"]
    assert (
        api.post(f"/study_sessions/{session}/words/{word_id}/review", json={"grade": grade}).status
        == 201
    )


def test_stable_and_remembered_now(api: MountClient, client: TestClient, clock: FixedClock) -> None:
    _answer(api, 1, "easy")  # FSRS-6's first stability for easy: 8.3 days
    _answer(api, 2, "hard")  # 1.3 days: studied, not stable
    mastery = api.get("/analytics/mastery").data
    srs = api.get("/words/1").data["srs"]
    assert srs["stability"] >= 3 and srs["retrievability"] >= 0.9
    assert mastery["mastered"] == 1 and mastery["studied"] == 2
    assert mastery["mastered_share"] == round(1 / mastery["total_words"], 4)
    assert mastery["mastered_share_of_studied"] == 0.5
    assert mastery["rule"] == (
        "a word is mastered when its FSRS stability is at least 3 days and its probability of "
        "recall now is at least 0.9"
    )
    assert client.get("/dashboard/stats").json()["mastered_words"] == 1

    # a month on: as stable as it was, but no longer remembered now
    clock.advance(days=30)
    srs = api.get("/words/1").data["srs"]
    assert srs["stability"] >= 3 and srs["retrievability"] < 0.9
    mastery = api.get("/analytics/mastery").data
    assert mastery["mastered"] == 0 and mastery["studied"] == 2
    assert mastery["mastered_share_of_studied"] == 0.0
    group = next(g for g in mastery["groups"] if g["group_id"] == 1)
    assert group["mastered"] == 0 and group["studied"] == 2
    assert client.get("/dashboard/stats").json()["mastered_words"] == 0


def test_the_boundary_is_the_desired_retention(api: MountClient, clock: FixedClock) -> None:
    _answer(api, 1, "easy")
    stability = api.get("/words/1").data["srs"]["stability"]
    # with desired retention 0.9 FSRS's curve reaches it exactly at t = stability (whole days)
    clock.advance(days=int(stability))
    assert api.get("/words/1").data["srs"]["retrievability"] >= 0.9
    assert api.get("/analytics/mastery").data["mastered"] == 1
    clock.advance(days=1)
    assert api.get("/words/1").data["srs"]["retrievability"] < 0.9
    assert api.get("/analytics/mastery").data["mastered"] == 0
