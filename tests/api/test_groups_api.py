"""/groups on both mounts: listing, detail, a group's words and sessions, and group writes."""

from __future__ import annotations

import pytest

from tests.helpers import MountClient, start_session


def test_list_groups(api: MountClient) -> None:
    answer = api.get("/groups")
    assert answer.status == 200
    assert answer.data == [
        {"id": 1, "name": "Basic Greetings", "word_count": 5},
        {"id": 2, "name": "Core Verbs", "word_count": 6},
    ]
    assert answer.pagination == {
        "current_page": 1,
        "total_pages": 1,
        "total_items": 2,
        "items_per_page": 100,
    }
    by_count = api.get("/groups", params={"sort_by": "word_count", "order": "desc"})
    assert [group["id"] for group in by_count.data] == [2, 1]


def test_group_detail_and_words(api: MountClient) -> None:
    detail = api.get("/groups/2")
    assert detail.status == 200
    assert detail.data["name"] == "Core Verbs"
    assert detail.data["stats"] == {"total_word_count": 6}

    words = api.get("/groups/2/words", params={"per_page": 4, "sort_by": "romaji"})
    assert words.status == 200
    assert [w["romaji"] for w in words.data] == ["harau", "iku", "konnichiwa", "miru"]
    assert words.pagination == {
        "current_page": 1,
        "total_pages": 2,
        "total_items": 6,
        "items_per_page": 4,
    }
    second = api.get("/groups/2/words", params={"per_page": 4, "page": 2, "sort_by": "romaji"})
    assert [w["romaji"] for w in second.data] == ["nomu", "taberu"]


@pytest.mark.parametrize("path", ["/groups/99", "/groups/99/words", "/groups/99/study_sessions"])
def test_unknown_group_is_404(api: MountClient, path: str) -> None:
    answer = api.get(path)
    assert answer.status == 404
    assert answer.error is not None and answer.error["code"] == "RESOURCE_NOT_FOUND"


def test_group_sessions_newest_first(api: MountClient) -> None:
    first = start_session(api, 1, 1)
    second = start_session(api, 1, 2)
    start_session(api, 2, 1)
    answer = api.get("/groups/1/study_sessions")
    assert answer.status == 200
    assert [s["id"] for s in answer.data] == [second, first]
    assert answer.data[0]["activity_name"] == "Flashcards"
    assert answer.data[0]["group_name"] == "Basic Greetings"
    assert answer.pagination is not None and answer.pagination["total_items"] == 2


def test_create_rename_delete_group(api: MountClient) -> None:
    created = api.post("/groups", json={"name": "  Animals ", "word_ids": [1, 2, 2]})
    assert created.status == 201
    group_id = created.data["id"]
    assert created.data["name"] == "Animals"
    assert created.data["stats"] == {"total_word_count": 2}

    assert api.post("/groups", json={"name": "Animals"}).status == 409
    renamed = api.put(f"/groups/{group_id}", json={"name": "Beasts"})
    assert renamed.status == 200 and renamed.data["name"] == "Beasts"
    assert api.patch(f"/groups/{group_id}", json={"name": "Basic Greetings"}).status == 409

    assert api.delete(f"/groups/{group_id}").status == 204
    assert api.get(f"/groups/{group_id}").status == 404
    # the words stay in the inventory
    assert api.get("/words/1").status == 200
    assert api.get("/words").pagination["total_items"] == 10  # type: ignore[index]


def test_create_group_validation(api: MountClient) -> None:
    for body in ({}, {"name": ""}, {"name": "x" * 101}, {"name": "ok", "word_ids": ["a"]}):
        answer = api.post("/groups", json=body)
        assert answer.status == 422, body
        assert answer.error is not None and answer.error["code"] == "VALIDATION_FAILED"
    missing_word = api.post("/groups", json={"name": "Ghosts", "word_ids": [999]})
    assert missing_word.status == 404
    # the group was not half-created
    assert [g["name"] for g in api.get("/groups").data] == ["Basic Greetings", "Core Verbs"]


def test_add_and_remove_words_in_group(api: MountClient) -> None:
    added = api.post("/groups/1/words", json={"word_ids": [6, 7, 1]})
    assert added.status == 200
    assert added.data == {"group_id": 1, "added_word_ids": [6, 7], "word_count": 7}
    single = api.post("/groups/1/words", json={"word_id": 8})
    assert single.data["added_word_ids"] == [8]
    groups_of_six = [g["name"] for g in api.get("/words/6").data["groups"]]
    assert groups_of_six == ["Basic Greetings", "Core Verbs"]

    assert api.delete("/groups/1/words/6").status == 204
    assert api.delete("/groups/1/words/6").status == 404
    assert api.get("/groups/1").data["stats"]["total_word_count"] == 7
    assert api.post("/groups/1/words", json={"word_ids": [999]}).status == 404
    assert api.post("/groups/99/words", json={"word_ids": [1]}).status == 404


@pytest.mark.parametrize("settings_overrides", [{"max_groups": 2}])
def test_group_count_limit(api: MountClient) -> None:
    answer = api.post("/groups", json={"name": "Third"})
    assert answer.status == 422
    assert answer.error is not None
    assert answer.error["code"] == "BUSINESS_RULE_VIOLATION"
    assert answer.error["details"] == {"max_groups": 2}


@pytest.mark.parametrize("settings_overrides", [{"max_words_per_group": 6}])
def test_group_word_limit_is_all_or_nothing(api: MountClient) -> None:
    answer = api.post("/groups/1/words", json={"word_ids": [6, 7]})
    assert answer.status == 422
    assert answer.error is not None and answer.error["code"] == "BUSINESS_RULE_VIOLATION"
    assert api.get("/groups/1").data["stats"]["total_word_count"] == 5
