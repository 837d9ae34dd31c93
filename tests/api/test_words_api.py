"""/words on both mounts: listing, paging, sorting, detail and inventory writes."""

from __future__ import annotations

import pytest

from lang_portal.clock import FixedClock
from tests.helpers import MountClient, record_answer, start_session

NEW_WORD = {"japanese": "猫", "romaji": "neko", "english": "cat"}


def test_list_words_default_sort_and_shape(api: MountClient) -> None:
    answer = api.get("/words")
    assert answer.status == 200
    assert answer.pagination == {
        "current_page": 1,
        "total_pages": 1,
        "total_items": 10,
        "items_per_page": 100,
    }
    japanese = [item["japanese"] for item in answer.data]
    assert japanese == sorted(japanese)
    first = answer.data[0]
    assert set(first) == {
        "id",
        "japanese",
        "romaji",
        "english",
        "correct_count",
        "wrong_count",
        "tags",
        "difficulty",
    }
    assert first["correct_count"] == 0 and first["wrong_count"] == 0
    assert first["difficulty"] == api.get(f"/words/{first['id']}").data["difficulty"]["score"]


def test_pagination_edges(api: MountClient) -> None:
    last = api.get("/words", params={"per_page": 3, "page": 4})
    assert last.status == 200
    assert len(last.data) == 1
    assert last.pagination == {
        "current_page": 4,
        "total_pages": 4,
        "total_items": 10,
        "items_per_page": 3,
    }
    past = api.get("/words", params={"per_page": 3, "page": 9})
    assert past.status == 200
    assert past.data == []
    assert past.pagination is not None and past.pagination["total_items"] == 10

    too_big = api.get("/words", params={"per_page": 101})
    assert too_big.status == 422
    assert too_big.error is not None
    assert too_big.error["code"] == "VALIDATION_FAILED"
    assert "per_page" in too_big.error["details"]

    for bad in ({"page": 0}, {"per_page": 0}, {"page": "x"}):
        refused = api.get("/words", params=bad)
        assert refused.status == 422, bad
        assert refused.error is not None and refused.error["code"] == "VALIDATION_FAILED"


def test_sorting_by_each_key(api: MountClient) -> None:
    by_romaji = api.get("/words", params={"sort_by": "romaji", "order": "desc"})
    romaji = [item["romaji"] for item in by_romaji.data]
    assert romaji == sorted(romaji, reverse=True)
    unknown = api.get("/words", params={"sort_by": "password"})
    assert unknown.status == 422
    assert unknown.error is not None and "sort_by" in unknown.error["details"]
    bad_order = api.get("/words", params={"order": "sideways"})
    assert bad_order.status == 422


def test_word_detail_with_groups_and_parts(api: MountClient) -> None:
    words = api.get("/words", params={"sort_by": "id"}).data
    hello = next(item for item in words if item["japanese"] == "こんにちは")
    detail = api.get(f"/words/{hello['id']}")
    assert detail.status == 200
    assert detail.data["japanese"] == "こんにちは"
    assert detail.data["romaji"] == "konnichiwa"
    assert detail.data["english"] == "hello; good afternoon"
    assert detail.data["stats"] == {"correct_count": 0, "wrong_count": 0}
    assert [group["name"] for group in detail.data["groups"]] == ["Basic Greetings", "Core Verbs"]
    assert detail.data["parts"] == [
        {"text": "こんにちは", "reading": "こんにちは", "romaji": "konnichiwa"}
    ]
    assert detail.data["created_at"] == "2026-01-15T09:00:00+00:00"


@pytest.mark.parametrize("word_id", ["999", "abc", "0", "-1"])
def test_unknown_word_is_404(api: MountClient, word_id: str) -> None:
    answer = api.get(f"/words/{word_id}")
    assert answer.status == 404
    assert answer.error is not None and answer.error["code"] == "RESOURCE_NOT_FOUND"


def test_create_update_delete_word(api: MountClient) -> None:
    created = api.post("/words", json={**NEW_WORD, "japanese": " 猫 ", "group_ids": [1]})
    assert created.status == 201
    word_id = created.data["id"]
    assert created.data["japanese"] == "猫"  # trimmed
    assert created.data["groups"] == [{"id": 1, "name": "Basic Greetings"}]
    assert api.get("/groups/1").data["stats"]["total_word_count"] == 6

    updated = api.patch(f"/words/{word_id}", json={"english": "cat ;  kitty"})
    assert updated.status == 200
    assert updated.data["english"] == "cat; kitty"
    assert updated.data["romaji"] == "neko"

    replaced = api.put(f"/words/{word_id}", json={"romaji": "neko-chan"})
    assert replaced.status == 200 and replaced.data["romaji"] == "neko-chan"

    assert api.delete(f"/words/{word_id}").status == 204
    assert api.get(f"/words/{word_id}").status == 404
    assert api.get("/groups/1").data["stats"]["total_word_count"] == 5
    assert api.delete(f"/words/{word_id}").status == 404


def test_duplicate_word_is_409(api: MountClient) -> None:
    assert api.post("/words", json=NEW_WORD).status == 201
    again = api.post("/words", json=NEW_WORD)
    assert again.status == 409
    assert again.error is not None
    assert again.error["code"] == "DUPLICATE_ENTRY"
    assert again.error["details"] == {"japanese": "猫", "english": "cat"}
    assert api.get("/words").pagination == {
        "current_page": 1,
        "total_pages": 1,
        "total_items": 11,
        "items_per_page": 100,
    }


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**NEW_WORD, "japanese": ""}, "japanese"),
        ({**NEW_WORD, "japanese": "猫\u0000"}, "japanese"),
        ({**NEW_WORD, "japanese": "кошка"}, "japanese"),
        ({**NEW_WORD, "japanese": "猫" * 101}, "japanese"),
        ({**NEW_WORD, "romaji": "nékó"}, "romaji"),
        ({**NEW_WORD, "romaji": "neko1"}, "romaji"),
        ({**NEW_WORD, "english": "chat 🐱"}, "english"),
        ({**NEW_WORD, "english": "a" * 201}, "english"),
        ({**NEW_WORD, "english": "cat;;kitty"}, "english"),
        ({"romaji": "neko", "english": "cat"}, "japanese"),
        ({**NEW_WORD, "japanese": 5}, "japanese"),
        ({**NEW_WORD, "colour": "black"}, "colour"),
    ],
)
def test_word_validation_names_the_field(
    api: MountClient, body: dict[str, object], field: str
) -> None:
    answer = api.post("/words", json=body)
    assert answer.status == 422
    assert answer.error is not None
    assert answer.error["code"] == "VALIDATION_FAILED"
    assert field in answer.error["details"]
    assert api.get("/words").pagination is not None
    assert api.get("/words").pagination["total_items"] == 10  # type: ignore[index]


def test_body_that_is_not_json_is_400(api: MountClient) -> None:
    answer = api.post("/words", content=b"{not json", headers={"content-type": "application/json"})
    assert answer.status == 400
    assert answer.error is not None and answer.error["code"] == "INVALID_INPUT"


def test_update_refuses_null_and_unknown(api: MountClient) -> None:
    assert api.patch("/words/1", json={"japanese": None}).status == 422
    assert api.patch("/words/999", json={"english": "x"}).status == 404
    clash = api.patch(
        "/words/2", json={"japanese": "こんにちは", "english": "hello; good afternoon"}
    )
    assert clash.status == 409


@pytest.mark.parametrize("settings_overrides", [{"max_words_per_group": 6}])
def test_create_word_into_full_group_is_refused(api: MountClient) -> None:
    answer = api.post("/words", json={**NEW_WORD, "group_ids": [2]})
    assert answer.status == 422
    assert answer.error is not None and answer.error["code"] == "BUSINESS_RULE_VIOLATION"
    assert api.get("/words").pagination["total_items"] == 10  # type: ignore[index]


@pytest.mark.parametrize("method", ["post", "put", "patch"])
def test_parts_past_64_bit_integers_are_kept_as_numbers(api: MountClient, method: str) -> None:
    # The document allows any JSON number in parts; one no 64-bit integer holds is stored as
    # the number it reads back as, not refused.
    parts = [{"text": "猫", "reading": "ねこ", "count": 2**64}]
    if method == "post":
        answer = api.post("/words", json={**NEW_WORD, "parts": parts})
    else:
        answer = getattr(api, method)("/words/1", json={"parts": parts})
    assert answer.status == (201 if method == "post" else 200), answer.error
    word_id = answer.data["id"]
    stored = api.get(f"/words/{word_id}").data["parts"]
    assert stored == [{"text": "猫", "reading": "ねこ", "count": float(2**64)}]


def test_word_lists_carry_each_words_difficulty(api: MountClient, clock: FixedClock) -> None:
    """Every list of word items shows the difficulty GET /words/:id scores, before and after
    answers move it (wrong, slow answers make a word harder)."""
    session = start_session(api)
    for word_id, correct in [(1, False), (1, False), (2, True), (6, False), (1, True)]:
        record_answer(api, session, word_id, correct, duration_ms=8000)
        clock.advance(minutes=1)

    def scores(path: str) -> dict[int, float]:
        answer = api.get(path)
        assert answer.status == 200, answer.error
        return {item["id"]: item["difficulty"] for item in answer.data}

    everything = scores("/words?per_page=100")
    assert len(everything) == 10
    for word_id, score in everything.items():
        assert score == api.get(f"/words/{word_id}").data["difficulty"]["score"], word_id
    assert min(everything.values()) >= 0 and max(everything.values()) <= 1
    # word 1, wrong twice and slow, is harder now than a word of its kind never answered
    assert everything[1] > everything[3]
    group = scores("/groups/1/words?per_page=100")
    assert group and all(everything[word_id] == score for word_id, score in group.items())
    in_session = scores(f"/study_sessions/{session}/words")
    assert set(in_session) == {1, 2, 6}
    assert all(everything[word_id] == score for word_id, score in in_session.items())
    filtered = scores("/words?tag=kana-only&q=a")
    assert all(everything[word_id] == score for word_id, score in filtered.items())
