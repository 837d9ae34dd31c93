"""A level's declared difficulty and review interval (the spec's LearningPathConfig) over HTTP
on both mounts, with the clock moved by hand.

The fixture seeds' levels, with Basics (words 1-5, rule 0.75 and 3 words) given `difficulty`
0.9 and `review_interval` 7 days; Verbs (words 6-10, requires Basics) declares neither.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from lang_portal.clock import FixedClock
from lang_portal.service.container import Services
from lang_portal.settings import Settings
from tests.api.test_learning_path_api import answer, new_word_ids, session
from tests.conftest import FIXTURE_SEEDS
from tests.helpers import MountClient, app_client, migrated_services

BASICS = [1, 2, 3, 4, 5]
VERBS = [6, 7, 8, 9, 10]
DIFFICULTY, INTERVAL = 0.9, 7


@pytest.fixture(params=["v1", "bare"])
def api(
    request: pytest.FixtureRequest, tmp_path: Path, settings: Settings, clock: FixedClock
) -> Iterator[MountClient]:
    seeds = tmp_path / "seeds-with-config"
    shutil.copytree(FIXTURE_SEEDS, seeds)
    manifest = json.loads((seeds / "manifest.json").read_text())
    basics = manifest["levels"][0]
    basics["difficulty"] = DIFFICULTY
    basics["progression"]["review_interval"] = INTERVAL
    (seeds / "manifest.json").write_text(json.dumps(manifest))
    services: Services = migrated_services(settings, clock, seeds)
    client: TestClient
    with app_client(services) as client:
        yield MountClient(client, request.param)
    services.context.db.close()


def test_the_declared_figures_are_shown(api: MountClient) -> None:
    levels = api.get("/learning_path").data["levels"]
    assert [(item["difficulty"], item["progression"]) for item in levels] == [
        (DIFFICULTY, {"min_success_rate": 0.75, "min_word_count": 3, "review_interval": 7}),
        (None, {"min_success_rate": 0.5, "min_word_count": 2, "review_interval": 0}),
    ]


def test_a_level_completes_only_after_its_review_interval(
    api: MountClient, clock: FixedClock
) -> None:
    first = session(api, 1)
    for word_id in (1, 2, 3):
        answer(api, first, word_id, "easy")  # 3 learned, all right: the words and rate are met
    path = api.get("/learning_path").data
    assert path["current_level"] == "Basics"
    assert path["next_milestone"] == {
        "type": "review_interval",
        "target": INTERVAL,
        "current": 0,
        "progress": 0.0,
    }
    assert path["next_level_progress"] == 0.0
    assert [item["status"] for item in path["levels"]] == ["current", "locked"]

    clock.advance(days=3, hours=12)  # nothing stored changes: the answer moves with the clock
    path = api.get("/learning_path").data
    assert path["current_level"] == "Basics"
    assert path["next_milestone"] == {
        "type": "review_interval",
        "target": INTERVAL,
        "current": 3,
        "progress": 0.5,
    }
    assert path["levels"][0]["progress"] == 0.5
    assert api.get("/progress").data["level"] == "Basics"
    assert set(new_word_ids(api)[:2]) == {4, 5}  # still the current level's new words first

    clock.advance(days=3, hours=11, minutes=59)  # a minute short of 7 days
    assert api.get("/learning_path").data["current_level"] == "Basics"
    clock.advance(minutes=1)
    path = api.get("/learning_path").data
    assert path["current_level"] == "Verbs"
    assert [item["status"] for item in path["levels"]] == ["completed", "current"]
    assert path["levels"][0]["progress"] == 1.0
    assert api.get("/progress").data["level"] == "Verbs"
    assert set(new_word_ids(api)[:5]) == set(VERBS)


def test_a_levels_difficulty_is_the_target_of_its_new_words_before_any_answer(
    api: MountClient, settings: Settings
) -> None:
    """Before any answer the learner's target is the initial one (0.2); Basics' new words are
    ranked by its declared difficulty (0.9) instead, Verbs (none declared) by the learner's;
    after an answer both follow the learner's adjusted target."""
    scores = {i: api.get(f"/words/{i}").data["difficulty"]["score"] for i in BASICS + VERBS}
    queue = api.get("/review_queue", params={"limit": 20}).data
    assert queue["adjustment"]["current_level"] == settings.srs_initial_difficulty
    ids = [item["word_id"] for item in queue["items"] if item["kind"] == "new"]

    def closest_to(target: float, words: list[int]) -> list[int]:
        return sorted(words, key=lambda i: (abs(scores[i] - target), i))

    assert ids[:5] == closest_to(DIFFICULTY, BASICS)
    # the level's difficulty changes the order: the learner's target would have ranked otherwise
    assert closest_to(DIFFICULTY, BASICS) != closest_to(settings.srs_initial_difficulty, BASICS)
    assert ids[5:] == closest_to(settings.srs_initial_difficulty, VERBS)

    session = api.post("/study_sessions", json={"group_id": 1, "study_activity_id": 1}).data
    first = ids[0]
    answered = api.post(
        f"/study_sessions/{session['id']}/words/{first}/review", json={"correct": True}
    )
    assert answered.status == 201, answered.error
    queue = api.get("/review_queue", params={"limit": 20}).data
    target = queue["adjustment"]["current_level"]
    assert queue["adjustment"]["answers"] == 1
    later = [item["word_id"] for item in queue["items"] if item["kind"] == "new"]
    basics_left = [i for i in BASICS if i != first]
    assert later[: len(basics_left)] == closest_to(target, basics_left)
