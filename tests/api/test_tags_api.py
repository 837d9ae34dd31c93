"""Tags on both mounts: a word's tags, the rules' and the reserved ones, the limit, the words
list filtered by tag, and GET /tags with its figures after scripted answers.

The fixture seeds: words 1-3 and 5 are hiragana only (kana-only), word 4 (有難う) and the verbs
6-10 have kanji, and the verbs' English starts "to " (verb).
"""

from __future__ import annotations

from typing import Any

import pytest

from lang_portal.clock import FixedClock
from lang_portal.repository import tags as tag_repo
from lang_portal.service.container import Services
from tests.conftest import START
from tests.helpers import MountClient, record_answer, start_session

KANA_ONLY = [1, 2, 3, 5]
VERBS = [6, 7, 8, 9, 10]


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {"max_tags_per_word": 3}


def tags_of(api: MountClient, word_id: int) -> list[tuple[str, str]]:
    answer = api.get(f"/words/{word_id}/tags")
    assert answer.status == 200
    assert answer.data["word_id"] == word_id
    return [(tag["name"], tag["source"]) for tag in answer.data["tags"]]


def word_ids(api: MountClient, query: str) -> list[int]:
    answer = api.get(f"/words?sort_by=id&{query}")
    assert answer.status == 200, answer.error
    return [item["id"] for item in answer.data]


def test_seeded_words_carry_the_rules_tags(api: MountClient) -> None:
    assert tags_of(api, 1) == [("kana-only", "auto")]
    assert tags_of(api, 4) == [("kanji", "auto")]
    assert tags_of(api, 6) == [("kanji", "auto"), ("verb", "auto")]
    items = {item["id"]: item["tags"] for item in api.get("/words?sort_by=id").data}
    assert items == {
        **{word_id: ["kana-only"] for word_id in KANA_ONLY},
        4: ["kanji"],
        **{word_id: ["kanji", "verb"] for word_id in VERBS},
    }
    assert api.get("/words/6").data["tags"] == ["kanji", "verb"]
    group_words = api.get("/groups/2/words?sort_by=id").data
    assert [item["tags"] for item in group_words][:2] == [["kana-only"], ["kanji", "verb"]]


def test_add_and_remove_tags_by_hand(api: MountClient) -> None:
    added = api.post("/words/1/tags", json={"tags": ["  Greeting ", "JLPT  N5", "greeting"]})
    assert added.status == 200, added.error
    assert added.data == {
        "word_id": 1,
        "tags": [
            {"name": "greeting", "source": "manual"},
            {"name": "jlpt n5", "source": "manual"},
            {"name": "kana-only", "source": "auto"},
        ],
    }
    # again: nothing changes
    assert api.post("/words/1/tags", json={"tags": ["greeting"]}).data == added.data
    assert api.get("/words/1").data["tags"] == ["greeting", "jlpt n5", "kana-only"]

    assert api.delete("/words/1/tags/JLPT%20N5").status == 204
    assert tags_of(api, 1) == [("greeting", "manual"), ("kana-only", "auto")]
    missing = api.delete("/words/1/tags/jlpt%20n5")
    assert missing.status == 404
    assert missing.error["code"] == "RESOURCE_NOT_FOUND"
    assert missing.error["details"] == {"word_id": 1, "tag": "jlpt n5"}
    assert api.delete("/words/99/tags/greeting").status == 404
    assert api.post("/words/99/tags", json={"tags": ["x"]}).status == 404
    assert api.get("/words/99/tags").status == 404


def test_the_limit_counts_the_tags_given_by_hand(api: MountClient) -> None:
    assert api.post("/words/6/tags", json={"tags": ["food", "n5"]}).status == 200
    over = api.post("/words/6/tags", json={"tags": ["n5", "daily", "kitchen"]})
    assert over.status == 422
    assert over.error["code"] == "BUSINESS_RULE_VIOLATION"
    assert over.error["details"] == {"max_tags_per_word": 3, "word_id": 6}
    # all or nothing: "daily" was not added either
    assert [name for name, _ in tags_of(api, 6)] == ["food", "kanji", "n5", "verb"]
    # the two auto tags do not count: a third by hand fits
    assert api.post("/words/6/tags", json={"tags": ["daily"]}).status == 200
    too_many = api.post("/words/1/tags", json={"tags": ["a", "b", "c", "d"]})
    assert too_many.status == 422
    assert too_many.error["code"] == "VALIDATION_FAILED"
    assert set(too_many.error["details"]) == {"tags"}


@pytest.mark.parametrize(
    ("name", "reason"),
    [("Kanji", "auto-tag rule"), ("verb", "auto-tag rule"), ("untagged", "reserved")],
)
def test_rules_tags_and_reserved_tags_are_not_given_by_hand(
    api: MountClient, name: str, reason: str
) -> None:
    refused = api.post("/words/1/tags", json={"tags": ["fine", name]})
    assert refused.status == 422
    assert refused.error["code"] == "BUSINESS_RULE_VIOLATION"
    assert refused.error["details"] == {"tag": name.lower()}
    assert reason in refused.error["message"]
    assert tags_of(api, 1) == [("kana-only", "auto")]


def test_a_rules_tag_is_not_taken_off_by_hand(api: MountClient) -> None:
    refused = api.delete("/words/6/tags/kanji")
    assert refused.status == 422
    assert refused.error["code"] == "BUSINESS_RULE_VIOLATION"
    assert refused.error["details"] == {"tag": "kanji"}
    assert tags_of(api, 6) == [("kanji", "auto"), ("verb", "auto")]


@pytest.mark.parametrize("bad", ["-food", "food!", "a,b", "a;b", "x" * 31, "   ", ""])
def test_bad_tag_names_are_refused_naming_the_field(api: MountClient, bad: str) -> None:
    refused = api.post("/words/1/tags", json={"tags": ["fine", bad]})
    assert refused.status == 422
    assert refused.error["code"] == "VALIDATION_FAILED"
    assert list(refused.error["details"]) == ["tags.1"]
    assert tags_of(api, 1) == [("kana-only", "auto")]


def test_the_words_list_filtered_by_tags(api: MountClient) -> None:
    assert word_ids(api, "tag=kanji") == [4, *VERBS]
    assert word_ids(api, "tag=Verb&tag=kanji") == VERBS
    assert word_ids(api, "tag=kana-only&tag=verb") == []
    api.post("/words/7/tags", json={"tags": ["drink"]})
    api.post("/words/2/tags", json={"tags": ["drink"]})
    assert word_ids(api, "tag=drink") == [2, 7]
    assert word_ids(api, "tag=drink&tag=kanji") == [7]
    assert word_ids(api, "tag=drink&q=ohayou") == [2]
    unknown = api.get("/words?tag=nothing-here")
    assert unknown.status == 200
    assert unknown.data == [] and unknown.pagination["total_items"] == 0
    paged = api.get("/words?tag=kanji&per_page=4&page=2&sort_by=id")
    assert [item["id"] for item in paged.data] == [9, 10]
    assert paged.pagination == {
        "current_page": 2,
        "total_pages": 2,
        "total_items": 6,
        "items_per_page": 4,
    }
    past = api.get("/words?tag=kanji&per_page=4&page=5")
    assert past.data == [] and past.pagination["total_items"] == 6
    bad = api.get("/words?tag=-x")
    assert bad.status == 422 and list(bad.error["details"]) == ["tag.0"]


def test_auto_tags_follow_the_text(api: MountClient) -> None:
    created = api.post("/words", json={"japanese": "ｺｰﾋｰ", "romaji": "koohii", "english": "coffee"})
    assert created.status == 201
    word_id = created.data["id"]
    assert created.data["japanese"] == "コーヒー" and created.data["tags"] == ["loanword"]
    api.post(f"/words/{word_id}/tags", json={"tags": ["drink"]})
    changed = api.patch(f"/words/{word_id}", json={"japanese": "珈琲", "english": "to coffee"})
    assert changed.status == 200
    assert changed.data["tags"] == ["drink", "kanji", "verb"]
    assert tags_of(api, word_id) == [("drink", "manual"), ("kanji", "auto"), ("verb", "auto")]
    assert word_ids(api, "tag=loanword") == []


def test_tag_stats_after_answers(api: MountClient, clock: FixedClock) -> None:
    api.post("/words/1/tags", json={"tags": ["greeting"]})
    api.post("/words/2/tags", json={"tags": ["greeting"]})
    session = start_session(api)
    record_answer(api, session, 1, True)
    clock.advance(minutes=1)
    record_answer(api, session, 1, False)
    clock.advance(minutes=1)
    record_answer(api, session, 6, True)
    clock.advance(minutes=1)
    last = clock.now()
    record_answer(api, session, 2, True)

    answer = api.get("/tags")
    assert answer.status == 200
    assert answer.pagination == {
        "current_page": 1,
        "total_pages": 1,
        "total_items": 4,
        "items_per_page": 100,
    }
    stats = {item["tag_name"]: item for item in answer.data}
    assert [item["tag_name"] for item in answer.data] == ["greeting", "kana-only", "kanji", "verb"]

    def difficulty(*ids: int) -> float:
        values = [(api.get(f"/words/{i}").data["srs"]["difficulty"] - 1) / 9 for i in ids]
        return sum(values) / len(values)

    greeting = stats["greeting"]
    assert {k: v for k, v in greeting.items() if k != "difficulty"} == {
        "tag_name": "greeting",
        "word_count": 2,
        "usage_count": 3,
        "last_used": last.isoformat(timespec="seconds"),
        "auto": False,
        "reserved": False,
    }
    assert greeting["difficulty"] == pytest.approx(difficulty(1, 2), abs=1e-4)
    assert stats["kana-only"]["word_count"] == 4 and stats["kana-only"]["usage_count"] == 3
    assert stats["kana-only"]["auto"] is True
    # words never answered stay out of the mean
    assert stats["kana-only"]["difficulty"] == pytest.approx(difficulty(1, 2), abs=1e-4)
    assert stats["verb"]["last_used"] == (START.replace(minute=2)).isoformat(timespec="seconds")
    assert stats["verb"]["difficulty"] == pytest.approx(difficulty(6), abs=1e-4)
    assert stats["kanji"]["word_count"] == 6 and stats["kanji"]["usage_count"] == 1

    by_usage = api.get("/tags?sort_by=usage_count&order=desc").data
    assert [item["tag_name"] for item in by_usage] == ["kana-only", "greeting", "verb", "kanji"]
    by_words = api.get("/tags?sort_by=word_count&order=desc&per_page=2").data
    assert [item["tag_name"] for item in by_words] == ["kanji", "verb"]
    by_last = api.get("/tags?sort_by=last_used&order=desc").data
    # a tie is broken by the name, in the same order
    assert [item["tag_name"] for item in by_last] == ["kana-only", "greeting", "verb", "kanji"]
    by_difficulty = [item["difficulty"] for item in api.get("/tags?sort_by=difficulty").data]
    assert by_difficulty == sorted(by_difficulty)


def test_a_tag_no_word_carries_is_gone(api: MountClient) -> None:
    api.post("/words/3/tags", json={"tags": ["farewell"]})
    assert "farewell" in {item["tag_name"] for item in api.get("/tags").data}
    assert api.delete("/words/3").status == 204
    names = {item["tag_name"] for item in api.get("/tags").data}
    assert "farewell" not in names and "kana-only" in names
    assert api.get("/words?tag=farewell").data == []


def test_full_reset_keeps_only_the_rules_tags(api: MountClient) -> None:
    api.post("/words/3/tags", json={"tags": ["farewell"]})
    assert api.post("/full_reset").status == 200
    assert [item["tag_name"] for item in api.get("/tags").data] == [
        "kana-only",
        "kanji",
        "verb",
    ]


def test_a_manual_tag_given_before_the_settings_reserved_it_can_go(
    api: MountClient, services: Services
) -> None:
    """A name reserved (or made a rule's) after words were given it by hand: those rows are
    no rule's to remove, so a hand may."""
    with services.context.db.write() as connection:
        tag_id = tag_repo.ensure_tag(connection, "untagged", "2026-01-01T00:00:00.000000Z")
        tag_repo.add_word_tag(connection, 3, tag_id, "manual", "2026-01-01T00:00:00.000000Z")
    assert tags_of(api, 3) == [("kana-only", "auto"), ("untagged", "manual")]
    assert api.delete("/words/3/tags/untagged").status == 204
    assert tags_of(api, 3) == [("kana-only", "auto")]
