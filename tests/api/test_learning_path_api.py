"""GET /learning_path and GET /progress over HTTP on both mounts, on scripted histories.

The fixture seeds declare two levels: "Basics" (group Basic Greetings, words 1-5; rule 0.75 and
3 words) and "Verbs" (group Core Verbs, words 6-10 and word 1, which stays on Basics; rule 0.5
and 2 words; requires Basics). An answer graded "easy" takes a new word straight out of the
learning steps (learned); "again" is a wrong answer that leaves it in them.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from lang_portal.clock import FixedClock
from lang_portal.service.container import Services
from lang_portal.settings import Settings
from tests.conftest import FIXTURE_SEEDS
from tests.helpers import MountClient, app_client, migrated_services


def answer(
    api: MountClient, session_id: int, word_id: int, grade: str, duration_ms: int | None = None
) -> None:
    body: dict[str, Any] = {"grade": grade}
    if duration_ms is not None:
        body["duration_ms"] = duration_ms
    stored = api.post(f"/study_sessions/{session_id}/words/{word_id}/review", json=body)
    assert stored.status == 201, stored.error


def session(api: MountClient, group_id: int) -> int:
    created = api.post("/study_sessions", json={"group_id": group_id, "study_activity_id": 1})
    assert created.status == 201
    session_id: int = created.data["id"]
    return session_id


def level(
    name: str,
    status: str,
    *,
    position: int,
    learned: int = 0,
    success_rate: float | None = None,
    started_at: str | None = None,
    progress: float = 0.0,
) -> dict[str, Any]:
    basics = name == "Basics"
    return {
        "name": name,
        "title": "First words" if basics else "Everyday verbs",
        "position": position,
        "status": status,
        "word_count": 5,
        "words_learned": learned,
        "success_rate": success_rate,
        "started_at": started_at,
        "progress": progress,
        "difficulty": None,
        "progression": {
            "min_success_rate": 0.75 if basics else 0.5,
            "min_word_count": 3 if basics else 2,
            "review_interval": 0,
        },
        "prerequisites": [] if basics else ["Basics"],
        "groups": [
            {"id": 1, "name": "Basic Greetings"} if basics else {"id": 2, "name": "Core Verbs"}
        ],
    }


def new_word_ids(api: MountClient, **params: Any) -> list[int]:
    queue = api.get("/review_queue", params={"limit": 20, **params}).data
    return [item["word_id"] for item in queue["items"] if item["kind"] == "new"]


def new_words_by_level(api: MountClient, *sizes: int, **params: Any) -> list[set[int]]:
    """The queue's new words cut into runs of `sizes`: path order is kept level by level, while
    the adjusted target difficulty orders the words inside a level (docs/srs.md)."""
    ids = new_word_ids(api, **params)
    assert len(ids) == sum(sizes), ids
    runs, start = [], 0
    for size in sizes:
        runs.append(set(ids[start : start + size]))
        start += size
    return runs


def test_before_any_study_the_first_level_is_current(api: MountClient) -> None:
    path = api.get("/learning_path")
    assert path.status == 200
    assert path.data == {
        "current_level": "Basics",
        "start_date": None,
        "completed_words": 0,
        "next_milestone": {"type": "words_learned", "target": 3, "current": 0, "progress": 0.0},
        "next_level_progress": 0.0,
        "path_completed": False,
        "levels": [level("Basics", "current", position=1), level("Verbs", "locked", position=2)],
    }
    assert api.get("/progress").data == {
        "words_learned": 0,
        "words_mastered": 0,
        "accuracy_rate": 0.0,
        "completion_rate": 0.0,
        "time_spent_minutes": 0.0,
        "streak_days": 0,
        "level": "Basics",
        "next_level_progress": 0.0,
    }
    assert new_words_by_level(api, 5, 5) == [{1, 2, 3, 4, 5}, {6, 7, 8, 9, 10}]


def test_a_level_completes_when_its_rule_is_met_and_the_next_becomes_current(
    api: MountClient, clock: FixedClock
) -> None:
    first = session(api, 1)
    answer(api, first, 1, "easy", 30_000)
    answer(api, first, 2, "easy", 45_000)
    clock.advance(minutes=1)
    answer(api, first, 3, "again", 15_000)

    path = api.get("/learning_path").data
    # 2 of 3 words; 2 right of 3: the words part 2/3, the success part (2/3) / 0.75 = 0.8889
    assert path["current_level"] == "Basics"
    assert path["start_date"] == "2026-01-15T09:00:00+00:00"
    assert path["completed_words"] == 2
    assert path["next_milestone"] == {
        "type": "words_learned",
        "target": 3,
        "current": 2,
        "progress": 0.6667,
    }
    assert path["next_level_progress"] == 0.6667
    assert path["levels"][0] == level(
        "Basics",
        "current",
        position=1,
        learned=2,
        success_rate=0.6667,
        started_at="2026-01-15T09:00:00+00:00",
        progress=0.6667,
    )

    answer(api, first, 3, "easy", 30_000)  # 3 learned, 3 right of 4: the rule is met
    path = api.get("/learning_path").data
    assert path["current_level"] == "Verbs"
    assert path["start_date"] is None  # no answer to a Verbs word yet
    assert path["completed_words"] == 0
    assert path["next_milestone"] == {
        "type": "words_learned",
        "target": 2,
        "current": 0,
        "progress": 0.0,
    }
    assert [item["status"] for item in path["levels"]] == ["completed", "current"]
    assert path["levels"][0]["progress"] == 1.0

    assert api.get("/progress").data == {
        "words_learned": 3,
        "words_mastered": 0,
        "accuracy_rate": 0.75,
        "completion_rate": 0.3,  # 3 of the path's 10 words
        "time_spent_minutes": 2.0,  # 120 000 ms
        "streak_days": 1,
        "level": "Verbs",
        "next_level_progress": 0.0,
    }
    # new words now come from Verbs first, then what is left of Basics
    assert new_words_by_level(api, 5, 2) == [{6, 7, 8, 9, 10}, {4, 5}]
    # within a group, the current level's words first as well
    assert new_words_by_level(api, 2, group_id=1) == [{4, 5}]

    clock.advance(days=1)
    second = session(api, 2)
    answer(api, second, 6, "easy", 60_000)
    answer(api, second, 7, "good")
    answer(api, second, 7, "good")  # two right answers: out of the learning steps
    path = api.get("/learning_path").data
    assert path["path_completed"] is True
    assert path["current_level"] is None
    assert path["next_milestone"] is None
    assert path["next_level_progress"] == 1.0
    assert path["levels"][1] == level(
        "Verbs",
        "completed",
        position=2,
        learned=2,
        success_rate=1.0,
        started_at="2026-01-16T09:01:00+00:00",
        progress=1.0,
    )
    assert api.get("/progress").data == {
        "words_learned": 5,
        "words_mastered": 0,
        "accuracy_rate": 0.8571,  # 6 right of 7
        "completion_rate": 0.5,
        "time_spent_minutes": 3.0,  # an answer without a duration counts nothing
        "streak_days": 2,
        "level": None,
        "next_level_progress": 1.0,
    }


def test_the_success_rate_milestone_follows_the_word_count(api: MountClient) -> None:
    first = session(api, 1)
    for word_id in (1, 2):
        answer(api, first, word_id, "again")
    for word_id in (1, 2, 3):
        answer(api, first, word_id, "easy")
    path = api.get("/learning_path").data
    # 3 learned, but 3 right of 5 (60 %) is short of 75 %
    assert path["current_level"] == "Basics"
    assert path["next_milestone"] == {
        "type": "success_rate",
        "target": 75,
        "current": 60,
        "progress": 0.8,
    }
    assert path["next_level_progress"] == 0.8


def test_a_level_met_before_its_prerequisite_stays_locked(api: MountClient) -> None:
    verbs = session(api, 2)
    for word_id in (6, 7, 8):
        answer(api, verbs, word_id, "easy")
    path = api.get("/learning_path").data
    assert path["current_level"] == "Basics"
    assert [(item["status"], item["words_learned"]) for item in path["levels"]] == [
        ("current", 0),
        ("locked", 3),
    ]
    assert path["levels"][1]["progress"] == 1.0  # its own rule is met
    assert api.get("/progress").data["level"] == "Basics"
    # the current level's new words still come first
    assert new_words_by_level(api, 5, 2) == [{1, 2, 3, 4, 5}, {9, 10}]


def test_history_reset_and_full_reset_bring_the_path_back(api: MountClient) -> None:
    first = session(api, 1)
    for word_id in (1, 2, 3):
        answer(api, first, word_id, "easy")
    assert api.get("/learning_path").data["current_level"] == "Verbs"
    assert api.post("/reset_history").status == 200
    assert api.get("/learning_path").data["current_level"] == "Basics"
    assert api.post("/full_reset").status == 200
    path = api.get("/learning_path").data
    assert [(item["name"], item["word_count"]) for item in path["levels"]] == [
        ("Basics", 5),
        ("Verbs", 5),
    ]


def test_membership_changes_move_words_on_the_path(api: MountClient) -> None:
    word = api.post("/words", json={"japanese": "犬", "romaji": "inu", "english": "dog"}).data
    assert new_word_ids(api)[-1] == word["id"]  # in no level: last
    assert api.post("/groups/1/words", json={"word_ids": [word["id"]]}).status in (200, 201)
    levels = api.get("/learning_path").data["levels"]
    assert [item["word_count"] for item in levels] == [6, 5]
    assert new_words_by_level(api, 6, 5) == [{1, 2, 3, 4, 5, word["id"]}, {6, 7, 8, 9, 10}]
    # word 1 is in both groups: out of Basics, it falls to Verbs
    assert api.delete("/groups/1/words/1").status in (200, 204)
    assert [item["word_count"] for item in api.get("/learning_path").data["levels"]] == [5, 6]
    assert api.delete("/groups/2").status in (200, 204)
    assert [item["word_count"] for item in api.get("/learning_path").data["levels"]] == [5, 0]


@pytest.fixture
def client_without_levels(tmp_path: Path, settings: Settings, clock: FixedClock) -> Any:
    seeds = tmp_path / "seeds-without-levels"
    shutil.copytree(FIXTURE_SEEDS, seeds)
    manifest = json.loads((seeds / "manifest.json").read_text())
    del manifest["levels"]
    (seeds / "manifest.json").write_text(json.dumps(manifest))
    services: Services = migrated_services(settings, clock, seeds)
    with app_client(services) as test_client:
        yield test_client
    services.context.db.close()


@pytest.mark.parametrize("mount", ["v1", "bare"])
def test_no_levels_is_an_empty_path(client_without_levels: TestClient, mount: str) -> None:
    api = MountClient(client_without_levels, mount)
    path = api.get("/learning_path")
    assert path.status == 200
    assert path.data == {
        "current_level": None,
        "start_date": None,
        "completed_words": 0,
        "next_milestone": None,
        "next_level_progress": 0.0,
        "path_completed": False,
        "levels": [],
    }
    first = session(api, 1)
    answer(api, first, 1, "easy")
    answer(api, first, 2, "again")
    assert api.get("/progress").data == {
        "words_learned": 1,
        "words_mastered": 0,
        "accuracy_rate": 0.5,
        "completion_rate": 0.1,  # with no path: of all 10 words
        "time_spent_minutes": 0.0,
        "streak_days": 1,
        "level": None,
        "next_level_progress": 0.0,
    }
    assert new_words_by_level(api, 8) == [{3, 4, 5, 6, 7, 8, 9, 10}]
