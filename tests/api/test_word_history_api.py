"""A word's answers (`/words/:id/reviews`) and word search (`/words?q=`) on both mounts."""

from __future__ import annotations

from datetime import timedelta

import pytest

from lang_portal.clock import FixedClock
from tests.api.conftest import MountClient
from tests.conftest import START

REVIEW_KEYS = {
    "id",
    "study_session_id",
    "group_id",
    "group_name",
    "study_activity_id",
    "study_activity_name",
    "correct",
    "duration_ms",
    "response",
    "created_at",
}


def _word_id(api: MountClient, japanese: str) -> int:
    words = api.get("/words", params={"q": japanese}).data
    return int(next(word["id"] for word in words if word["japanese"] == japanese))


def _group_id(api: MountClient, name: str) -> int:
    return int(next(group["id"] for group in api.get("/groups").data if group["name"] == name))


def test_reviews_newest_first_with_session_group_and_activity(
    api: MountClient, clock: FixedClock
) -> None:
    word = _word_id(api, "食べる")
    other = _word_id(api, "飲む")
    group = _group_id(api, "Core Verbs")
    answers = [(1, True, 1500), (2, False, None), (2, True, 900)]
    sessions = []
    for hour, (activity, correct, duration) in enumerate(answers):
        clock.set(START + timedelta(hours=hour))
        session = api.post(
            "/study_sessions", json={"group_id": group, "study_activity_id": activity}
        ).data["id"]
        sessions.append(session)
        body = (
            {"correct": correct}
            if duration is None
            else {"correct": correct, "duration_ms": duration}
        )
        assert api.post(f"/study_sessions/{session}/words/{word}/review", json=body).status == 201
        # another word's answer in the same session stays out of this word's history
        assert (
            api.post(
                f"/study_sessions/{session}/words/{other}/review", json={"correct": True}
            ).status
            == 201
        )

    answer = api.get(f"/words/{word}/reviews")
    assert answer.status == 200
    assert answer.pagination == {
        "current_page": 1,
        "total_pages": 1,
        "total_items": 3,
        "items_per_page": 100,
    }
    assert all(set(item) == REVIEW_KEYS for item in answer.data)
    assert [item["study_session_id"] for item in answer.data] == sessions[::-1]
    newest = answer.data[0]
    assert newest["correct"] is True and newest["duration_ms"] == 900
    assert newest["study_activity_id"] == 2 and newest["study_activity_name"] == "Flashcards"
    assert newest["group_id"] == group and newest["group_name"] == "Core Verbs"
    assert newest["created_at"] == (START + timedelta(hours=2)).isoformat()
    assert answer.data[1]["correct"] is False and answer.data[1]["duration_ms"] is None
    assert answer.data[2]["study_activity_name"] == "Typing Tutor"

    oldest_first = api.get(f"/words/{word}/reviews", params={"order": "asc", "per_page": 2})
    assert [item["study_session_id"] for item in oldest_first.data] == sessions[:2]
    assert oldest_first.pagination is not None and oldest_first.pagination["total_pages"] == 2

    # the history agrees with the word's own counters
    stats = api.get(f"/words/{word}").data["stats"]
    assert stats == {"correct_count": 2, "wrong_count": 1}


def test_reviews_of_a_word_never_studied_is_empty(api: MountClient) -> None:
    answer = api.get(f"/words/{_word_id(api, '行く')}/reviews")
    assert answer.status == 200
    assert answer.data == []
    assert answer.pagination is not None and answer.pagination["total_items"] == 0


def test_reviews_of_an_unknown_word_is_404(api: MountClient) -> None:
    answer = api.get("/words/999999/reviews")
    assert answer.status == 404
    assert answer.error is not None and answer.error["code"] == "RESOURCE_NOT_FOUND"


def test_reviews_refuse_an_unknown_sort_key(api: MountClient) -> None:
    answer = api.get(f"/words/{_word_id(api, '行く')}/reviews", params={"sort_by": "correct"})
    assert answer.status == 422
    assert answer.error is not None and answer.error["code"] == "VALIDATION_FAILED"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("食べ", {"食べる"}),  # Japanese
        ("KONNICHI", {"こんにちは"}),  # romaji, any case (one word in both groups: listed once)
        # English ("to eat", ...) or romaji (arigatou)
        ("to", {"食べる", "飲む", "払う", "行く", "見る", "有難う"}),
        ("ｺﾝ", set()),  # half-width kana is normalised to full-width (コン): no katakana word
        ("%", set()),  # LIKE's wildcards are taken literally
        ("_", set()),
    ],
)
def test_search_matches_japanese_romaji_and_english(
    api: MountClient, text: str, expected: set[str]
) -> None:
    answer = api.get("/words", params={"q": text})
    assert answer.status == 200
    assert {word["japanese"] for word in answer.data} == expected
    assert answer.pagination is not None
    assert answer.pagination["total_items"] == len(answer.data)


def test_search_pages_and_sorts_like_the_list(api: MountClient) -> None:
    answer = api.get("/words", params={"q": " to ", "per_page": 2, "sort_by": "romaji"})
    assert [word["romaji"] for word in answer.data] == ["arigatou", "harau"]
    assert answer.pagination == {
        "current_page": 1,
        "total_pages": 3,
        "total_items": 6,
        "items_per_page": 2,
    }
    past = api.get("/words", params={"q": "to", "per_page": 2, "page": 9})
    assert past.status == 200 and past.data == []
    assert past.pagination is not None and past.pagination["total_items"] == 6
    none = api.get("/words", params={"q": "zzz"})
    assert none.data == [] and none.pagination is not None
    assert none.pagination["total_items"] == 0
    # blank search text is no filter
    assert api.get("/words", params={"q": "  "}).pagination["total_items"] == 10  # type: ignore[index]


def test_search_text_is_bounded(api: MountClient) -> None:
    answer = api.get("/words", params={"q": "a" * 101})
    assert answer.status == 422
    assert answer.error is not None and answer.error["code"] == "VALIDATION_FAILED"
