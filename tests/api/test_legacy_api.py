"""The school's earlier Flask contract, over HTTP: every row, on the seeds and after real study.

The fixture seeds hold 10 words (ids 1-5 in "Basic Greetings", 6-10 in "Core Verbs", which
also holds word 1) and 2 activities (1 "Typing Tutor", 2 "Flashcards").
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from lang_portal.clock import FixedClock
from lang_portal.repository import activities as activity_repo
from lang_portal.service.container import Services
from tests.helpers import session_body

# id -> (kanji, romaji, english), as seeded from tests/fixtures/seeds.
SEEDED = {
    1: ("こんにちは", "konnichiwa", "hello; good afternoon"),
    2: ("おはよう", "ohayou", "good morning"),
    3: ("さようなら", "sayounara", "goodbye"),
    4: ("有難う", "arigatou", "thank you"),
    5: ("すみません", "sumimasen", "excuse me; I'm sorry"),
    6: ("食べる", "taberu", "to eat"),
    7: ("飲む", "nomu", "to drink"),
    8: ("払う", "harau", "to pay"),
    9: ("行く", "iku", "to go"),
    10: ("見る", "miru", "to see; to look"),
}
GREETINGS, VERBS = 1, 2
TYPING, FLASHCARDS = 1, 2
WORD_KEYS = {"id", "kanji", "romaji", "english", "correct_count", "wrong_count"}
SESSION_KEYS = {
    "id",
    "group_id",
    "group_name",
    "activity_id",
    "activity_name",
    "start_time",
    "end_time",
    "review_items_count",
}
START = "2026-01-15T09:00:00+00:00"


def ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    return response.json()


def error(response: httpx.Response, status: int) -> str:
    """The legacy error shape: exactly `{"error": "message"}`."""
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"}
    assert isinstance(body["error"], str) and body["error"]
    message: str = body["error"]
    return message


def kanji_of(ids: list[int]) -> list[str]:
    return [SEEDED[word_id][0] for word_id in ids]


def start_session(client: TestClient, group_id: int = GREETINGS, activity_id: int = TYPING) -> int:
    body = ok(
        client.post("/study_sessions", json=session_body(group_id, activity_id)),
        201,
    )
    assert set(body) == {"session_id"}
    session_id: int = body["session_id"]
    return session_id


def answer(client: TestClient, session_id: int, word_id: int, correct: bool) -> dict[str, Any]:
    body: dict[str, Any] = ok(
        client.post(
            f"/study_sessions/{session_id}/review", json={"word_id": word_id, "correct": correct}
        ),
        201,
    )
    return body


def add_words(services: Services, count: int, group_ids: list[int]) -> None:
    for number in range(count):
        services.inventory.create_word(
            {
                "japanese": f"ことば{number:03d}",
                "romaji": f"kotoba{number:03d}",
                "english": f"word {number:03d}",
                "parts": None,
            },
            group_ids,
        )


# -- words ----------------------------------------------------------------------------------------


def test_words_on_the_seeds_sorted_by_kanji(client: TestClient) -> None:
    body = ok(client.get("/words"))
    assert set(body) == {"words", "total_pages", "current_page", "total_words"}
    assert (body["total_pages"], body["current_page"], body["total_words"]) == (1, 1, 10)
    assert all(set(word) == WORD_KEYS for word in body["words"])
    assert [word["kanji"] for word in body["words"]] == sorted(
        kanji for kanji, _, _ in SEEDED.values()
    )
    first = next(word for word in body["words"] if word["id"] == 4)
    assert first == {
        "id": 4,
        "kanji": "有難う",
        "romaji": "arigatou",
        "english": "thank you",
        "correct_count": 0,
        "wrong_count": 0,
    }


def test_words_sorted_by_each_text_key(client: TestClient) -> None:
    for column, sort_by in enumerate(("kanji", "romaji", "english")):
        for order in ("asc", "desc"):
            body = ok(client.get("/words", params={"sort_by": sort_by, "order": order}))
            expected = sorted((f[column] for f in SEEDED.values()), reverse=order == "desc")
            assert [word[sort_by] for word in body["words"]] == expected, (sort_by, order)


def test_words_sorted_by_counts_after_reviews(client: TestClient) -> None:
    session = start_session(client)
    for word_id, correct in [(3, True), (3, True), (5, True), (2, False), (2, False), (2, False)]:
        answer(client, session, word_id, correct)
    by_correct = ok(client.get("/words", params={"sort_by": "correct_count", "order": "desc"}))
    assert [w["id"] for w in by_correct["words"][:2]] == [3, 5]
    assert [w["correct_count"] for w in by_correct["words"][:3]] == [2, 1, 0]
    by_wrong = ok(client.get("/words", params={"sort_by": "wrong_count", "order": "desc"}))
    assert by_wrong["words"][0] == {
        "id": 2,
        "kanji": "おはよう",
        "romaji": "ohayou",
        "english": "good morning",
        "correct_count": 0,
        "wrong_count": 3,
    }


ODD_WORD_QUERIES: list[dict[str, str]] = [
    {"sort_by": "nonsense", "order": "desc"},
    {"sort_by": "japanese"},  # the spec's key, not theirs
    {"sort_by": "kanji", "order": "sideways"},
    {"page": "abc"},
    {"page": "0"},
    {"page": "-4"},
    {"page": "1.5"},
    {"order": "desc"},  # an order without a sort key is the default sort
]


def test_words_odd_query_falls_back_to_kanji_ascending_first_page(client: TestClient) -> None:
    for params in ODD_WORD_QUERIES:
        body = ok(client.get("/words", params=params))
        assert body["current_page"] == 1, params
        kanji = [w["kanji"] for w in body["words"]]
        assert kanji == sorted(k for k, _, _ in SEEDED.values()), params


def test_words_fifty_a_page_and_a_page_past_the_end(client: TestClient, services: Services) -> None:
    add_words(services, 45, [])
    first = ok(client.get("/words"))
    second = ok(client.get("/words", params={"page": 2}))
    assert (len(first["words"]), len(second["words"])) == (50, 5)
    assert (first["total_pages"], first["total_words"], second["current_page"]) == (2, 55, 2)
    ids = [w["id"] for w in first["words"] + second["words"]]
    assert sorted(ids) == list(range(1, 56))
    beyond = ok(client.get("/words", params={"page": 9}))
    assert beyond == {"words": [], "total_pages": 2, "current_page": 9, "total_words": 55}


def test_one_word_with_its_groups(client: TestClient) -> None:
    body = ok(client.get("/words/1"))
    assert body == {
        "word": {
            "id": 1,
            "kanji": "こんにちは",
            "romaji": "konnichiwa",
            "english": "hello; good afternoon",
            "correct_count": 0,
            "wrong_count": 0,
            "groups": [
                {"id": GREETINGS, "name": "Basic Greetings"},
                {"id": VERBS, "name": "Core Verbs"},
            ],
        }
    }


def test_unknown_word_is_404(client: TestClient) -> None:
    for word_id in ("999", "0", "-1", "abc", "99999999999999999999999"):
        error(client.get(f"/words/{word_id}"), 404)


# -- groups ---------------------------------------------------------------------------------------


def test_groups_on_the_seeds(client: TestClient) -> None:
    body = ok(client.get("/groups"))
    assert body == {
        "groups": [
            {"id": GREETINGS, "group_name": "Basic Greetings", "word_count": 5},
            {"id": VERBS, "group_name": "Core Verbs", "word_count": 6},
        ],
        "total_pages": 1,
        "current_page": 1,
    }


def test_groups_sorted_by_word_count(client: TestClient) -> None:
    for sort_by in ("word_count", "words_count"):
        body = ok(client.get("/groups", params={"sort_by": sort_by, "order": "desc"}))
        assert [g["id"] for g in body["groups"]] == [VERBS, GREETINGS], sort_by
        body = ok(client.get("/groups", params={"sort_by": sort_by, "order": "asc"}))
        assert [g["id"] for g in body["groups"]] == [GREETINGS, VERBS], sort_by


def test_groups_ten_a_page_sorted_and_falling_back_to_name(
    client: TestClient, services: Services
) -> None:
    for number in range(10):
        services.inventory.create_group(f"Extra {number}", [])
    first = ok(client.get("/groups", params={"sort_by": "name", "order": "desc"}))
    assert (len(first["groups"]), first["total_pages"]) == (10, 2)
    assert first["groups"][0]["group_name"] == "Extra 9"
    unknown = ok(client.get("/groups", params={"sort_by": "colour", "order": "desc", "page": 2}))
    assert unknown["current_page"] == 2
    # 12 groups by name ascending: the second page holds the last two.
    assert [g["group_name"] for g in unknown["groups"]] == ["Extra 8", "Extra 9"]
    assert ok(client.get("/groups", params={"page": 3}))["groups"] == []


def test_one_group(client: TestClient) -> None:
    assert ok(client.get(f"/groups/{VERBS}")) == {
        "id": VERBS,
        "group_name": "Core Verbs",
        "word_count": 6,
    }
    error(client.get("/groups/77"), 404)


def test_group_words_ten_a_page(client: TestClient, services: Services) -> None:
    seeded = ok(client.get(f"/groups/{VERBS}/words"))
    assert set(seeded) == {"words", "total_pages", "current_page"}
    verbs = [1, 6, 7, 8, 9, 10]
    assert [w["kanji"] for w in seeded["words"]] == sorted(kanji_of(verbs))
    assert all(set(word) == WORD_KEYS for word in seeded["words"])
    add_words(services, 5, [VERBS])
    first = ok(client.get(f"/groups/{VERBS}/words", params={"sort_by": "romaji"}))
    second = ok(client.get(f"/groups/{VERBS}/words", params={"sort_by": "romaji", "page": 2}))
    assert (len(first["words"]), len(second["words"]), first["total_pages"]) == (10, 1, 2)
    romaji = [w["romaji"] for w in first["words"] + second["words"]]
    assert romaji == sorted(romaji)
    fallback = ok(client.get(f"/groups/{VERBS}/words", params={"sort_by": "bogus", "page": 2}))
    by_kanji = sorted(kanji_of(verbs) + [f"ことば{number:03d}" for number in range(5)])
    assert [w["kanji"] for w in fallback["words"]] == by_kanji[10:]
    error(client.get("/groups/77/words"), 404)


def test_group_words_raw_carries_every_word_with_parts(client: TestClient) -> None:
    body = ok(client.get(f"/groups/{GREETINGS}/words/raw"))
    assert (body["group_id"], body["group_name"]) == (GREETINGS, "Basic Greetings")
    assert [w["id"] for w in body["words"]] == [1, 2, 3, 4, 5]
    assert body["words"][0] == {
        "id": 1,
        "kanji": "こんにちは",
        "romaji": "konnichiwa",
        "english": "hello; good afternoon",
        # the typing app's own shape: it joins the syllables and types against them
        "parts": [{"kanji": "こんにちは", "romaji": ["kon", "ni", "chi", "wa"]}],
    }
    # a word stored without parts is one part, the whole word
    assert body["words"][1]["parts"] == [{"kanji": "おはよう", "romaji": ["o", "ha", "you"]}]
    error(client.get("/groups/77/words/raw"), 404)


def test_raw_parts_take_the_typing_apps_shape_from_any_stored_parts(
    client: TestClient,
) -> None:
    stored = {
        # the seeds' shape: one part per kanji, with its reading and romaji
        "郵便局": [
            {"text": "郵", "reading": "ゆう", "romaji": "yuu"},
            {"text": "便", "reading": "びん", "romaji": "bin"},
            {"text": "局", "reading": "きょく", "romaji": "kyoku"},
        ],
        # already in the typing app's shape (as its own data files are): kept
        "切手": [{"kanji": "切", "romaji": ["kit"]}, {"kanji": "手", "romaji": ["te"]}],
        # parts that say nothing usable: the whole word instead
        "禁煙": [{"note": "no text or romaji"}],
    }
    romaji = {"郵便局": "yuubinkyoku", "切手": "kitte", "禁煙": "kin'en"}
    group = ok(client.post("/api/groups", json={"name": "Raw parts"}), 201)["id"]
    word_ids = [
        ok(
            client.post(
                "/api/words",
                json={
                    "japanese": japanese,
                    "romaji": romaji[japanese],
                    "english": "x",
                    "parts": parts,
                },
            ),
            201,
        )["id"]
        for japanese, parts in stored.items()
    ]
    ok(client.post(f"/api/groups/{group}/words", json={"word_ids": word_ids}))
    words = {w["kanji"]: w["parts"] for w in ok(client.get(f"/groups/{group}/words/raw"))["words"]}
    assert words["郵便局"] == [
        {"kanji": "郵", "romaji": ["yuu"]},
        {"kanji": "便", "romaji": ["bin"]},
        {"kanji": "局", "romaji": ["kyo", "ku"]},
    ]
    assert words["切手"] == [{"kanji": "切", "romaji": ["kit"]}, {"kanji": "手", "romaji": ["te"]}]
    assert words["禁煙"] == [{"kanji": "禁煙", "romaji": ["kin'", "en"]}]


def test_group_sessions_newest_first(client: TestClient, clock: FixedClock) -> None:
    empty = ok(client.get(f"/groups/{GREETINGS}/study_sessions"))
    assert empty == {"study_sessions": [], "total_pages": 1, "current_page": 1}
    older = start_session(client, GREETINGS, TYPING)
    answer(client, older, 1, True)
    clock.advance(minutes=5)
    newer = start_session(client, GREETINGS, FLASHCARDS)
    start_session(client, VERBS, TYPING)  # another group's: not listed
    body = ok(client.get(f"/groups/{GREETINGS}/study_sessions"))
    assert [s["id"] for s in body["study_sessions"]] == [newer, older]
    assert body["study_sessions"][1] == {
        "id": older,
        "group_id": GREETINGS,
        "group_name": "Basic Greetings",
        "study_activity_id": TYPING,
        "activity_id": TYPING,
        "activity_name": "Typing Tutor",
        "start_time": START,
        "end_time": START,
        "review_items_count": 1,
    }
    ascending = ok(
        client.get(
            f"/groups/{GREETINGS}/study_sessions", params={"sort_by": "start_time", "order": "asc"}
        )
    )
    assert [s["id"] for s in ascending["study_sessions"]] == [older, newer]
    fallback = ok(client.get(f"/groups/{GREETINGS}/study_sessions", params={"sort_by": "?"}))
    assert [s["id"] for s in fallback["study_sessions"]] == [newer, older]
    error(client.get("/groups/77/study_sessions"), 404)


def test_group_sessions_ten_a_page(client: TestClient) -> None:
    ids = [start_session(client) for _ in range(11)]
    first = ok(client.get(f"/groups/{GREETINGS}/study_sessions"))
    second = ok(client.get(f"/groups/{GREETINGS}/study_sessions", params={"page": 2}))
    assert (len(first["study_sessions"]), first["total_pages"]) == (10, 2)
    # Same start time: newest first by id.
    assert [s["id"] for s in second["study_sessions"]] == [ids[0]]


# -- study sessions and reviews -------------------------------------------------------------------


def sessions_total(client: TestClient) -> int:
    total: int = ok(client.get("/api/study-sessions"))["total"]
    return total


SESSION_REFUSALS: list[tuple[Any, int]] = [
    ({"group_id": GREETINGS}, 400),
    ({"study_activity_id": TYPING}, 400),
    ({}, 400),
    ([GREETINGS, TYPING], 400),
    ({"group_id": "one", "study_activity_id": TYPING}, 400),
    ({"group_id": 10**30, "study_activity_id": TYPING}, 400),
    ({"group_id": 77, "study_activity_id": TYPING}, 404),
    ({"group_id": 0, "study_activity_id": TYPING}, 404),
    ({"group_id": GREETINGS, "study_activity_id": 77}, 404),
]


def test_create_session_refusals_write_nothing(client: TestClient) -> None:
    for body, status in SESSION_REFUSALS:
        response = client.post("/study_sessions", json=body)
        assert response.status_code == status, body
        error(response, status)
    assert sessions_total(client) == 0


def test_create_session_refuses_a_body_that_is_not_json(client: TestClient) -> None:
    response = client.post(
        "/study_sessions", content=b"group_id=1", headers={"content-type": "application/json"}
    )
    assert "JSON" in error(response, 400)
    assert "study_activity_id" in error(client.post("/study_sessions", json={"group_id": 1}), 400)
    assert sessions_total(client) == 0


def test_create_session_then_it_is_listed(client: TestClient) -> None:
    session_id = start_session(client, VERBS, FLASHCARDS)
    body = ok(client.get("/api/study-sessions"))
    assert body == {
        "items": [
            {
                "id": session_id,
                "group_id": VERBS,
                "group_name": "Core Verbs",
                "activity_id": FLASHCARDS,
                "activity_name": "Flashcards",
                "start_time": START,
                "end_time": None,
                "review_items_count": 0,
            }
        ],
        "total": 1,
        "page": 1,
        "per_page": 10,
        "total_pages": 1,
    }


def test_typing_app_review_is_stored_and_counted(client: TestClient, clock: FixedClock) -> None:
    session_id = start_session(client)
    clock.advance(seconds=30)
    stored = answer(client, session_id, 2, True)
    assert stored == {
        "id": stored["id"],
        "word_id": 2,
        "study_session_id": session_id,
        "correct": True,
        "created_at": "2026-01-15T09:00:30+00:00",
    }
    answer(client, session_id, 2, False)
    word = ok(client.get("/words/2"))["word"]
    assert (word["correct_count"], word["wrong_count"]) == (1, 1)
    session = ok(client.get(f"/api/study-sessions/{session_id}"))["session"]
    assert (session["review_items_count"], session["end_time"]) == (2, "2026-01-15T09:00:30+00:00")


def test_frontend_batch_review_stores_all(client: TestClient) -> None:
    session_id = start_session(client)
    batch = {
        "reviews": [
            {"word_id": 1, "is_correct": True},
            {"word_id": 3, "is_correct": False},
            {"word_id": 1, "is_correct": True},
        ]
    }
    body = ok(client.post(f"/study_sessions/{session_id}/review", json=batch), 201)
    assert body["study_session_id"] == session_id
    assert [(r["word_id"], r["correct"]) for r in body["reviews"]] == [
        (1, True),
        (3, False),
        (1, True),
    ]
    assert len({r["id"] for r in body["reviews"]}) == 3
    detail = ok(client.get(f"/api/study-sessions/{session_id}"))
    assert [(w["id"], w["correct_count"], w["wrong_count"]) for w in detail["words"]] == [
        (1, 2, 0),
        (3, 0, 1),
    ]


def test_batch_with_one_bad_word_writes_nothing(client: TestClient) -> None:
    session_id = start_session(client)
    batch = {"reviews": [{"word_id": 1, "is_correct": True}, {"word_id": 999, "is_correct": True}]}
    assert "999" in error(client.post(f"/study_sessions/{session_id}/review", json=batch), 404)
    assert ok(client.get("/words/1"))["word"]["correct_count"] == 0
    detail = ok(client.get(f"/api/study-sessions/{session_id}"))
    assert (detail["session"]["review_items_count"], detail["words"], detail["total"]) == (0, [], 0)
    assert ok(client.get("/dashboard/stats"))["total_words_studied"] == 0


ODD_REVIEW_BODIES: list[Any] = [
    {"word_id": 1},
    {"correct": True},
    {},
    {"reviews": []},
    {"reviews": [{"word_id": 1}]},
    {"reviews": [{"word_id": 1, "is_correct": True}, {"is_correct": False}]},
    {"reviews": [{"word_id": 1, "is_correct": True}], "word_id": 1, "correct": True},
    {"reviews": "all of them"},
    {"word_id": "x", "correct": True},
    {"word_id": 1, "correct": "perhaps"},
    [1, 2],
]


def test_odd_review_bodies_are_400_and_write_nothing(client: TestClient) -> None:
    session_id = start_session(client)
    for body in ODD_REVIEW_BODIES:
        response = client.post(f"/study_sessions/{session_id}/review", json=body)
        assert response.status_code == 400, body
        error(response, 400)
    detail = ok(client.get(f"/api/study-sessions/{session_id}"))
    assert (detail["session"]["review_items_count"], detail["words"]) == (0, [])
    assert ok(client.get("/dashboard/stats"))["total_words_studied"] == 0


def test_review_refusals(client: TestClient, clock: FixedClock) -> None:
    error(client.post("/study_sessions/999/review", json={"word_id": 1, "correct": True}), 404)
    session_id = start_session(client)
    not_json = client.post(
        f"/study_sessions/{session_id}/review",
        content=b"{word_id: 1",
        headers={"content-type": "application/json"},
    )
    error(not_json, 400)
    clock.advance(minutes=31)  # idle past SESSION_TIMEOUT_MINUTES: a business rule, so 400
    assert "expired" in error(
        client.post(f"/study_sessions/{session_id}/review", json={"word_id": 1, "correct": True}),
        400,
    )


def test_sessions_list_newest_first_and_paged(client: TestClient, clock: FixedClock) -> None:
    ids = []
    for _ in range(3):
        ids.append(start_session(client))
        clock.advance(minutes=1)
    body = ok(client.get("/api/study-sessions", params={"per_page": 2, "page": 2}))
    assert ([s["id"] for s in body["items"]], body["total"], body["total_pages"]) == (
        [ids[0]],
        3,
        2,
    )
    assert (body["page"], body["per_page"]) == (2, 2)
    assert all(set(item) == SESSION_KEYS for item in body["items"])
    odd = ok(client.get("/api/study-sessions", params={"per_page": "many", "page": "x"}))
    assert ([s["id"] for s in odd["items"]], odd["per_page"], odd["page"]) == (ids[::-1], 10, 1)
    huge = ok(client.get("/api/study-sessions", params={"per_page": 10**6}))
    assert huge["per_page"] == 100  # MAX_PAGE_SIZE
    assert ok(client.get("/api/study-sessions", params={"page": 5}))["items"] == []


def test_one_session_counts_within_that_session(client: TestClient) -> None:
    first = start_session(client)
    answer(client, first, 1, True)
    answer(client, first, 1, True)
    second = start_session(client, VERBS, FLASHCARDS)
    answer(client, second, 1, False)
    answer(client, second, 6, True)
    body = ok(client.get(f"/api/study-sessions/{second}"))
    assert body["session"] == {
        "id": second,
        "group_id": VERBS,
        "group_name": "Core Verbs",
        "activity_id": FLASHCARDS,
        "activity_name": "Flashcards",
        "start_time": START,
        "end_time": START,
        "review_items_count": 2,
    }
    assert body["words"] == [
        {
            "id": 1,
            "kanji": "こんにちは",
            "romaji": "konnichiwa",
            "english": "hello; good afternoon",
            "correct_count": 0,
            "wrong_count": 1,
        },
        {
            "id": 6,
            "kanji": "食べる",
            "romaji": "taberu",
            "english": "to eat",
            "correct_count": 1,
            "wrong_count": 0,
        },
    ]
    assert (body["total"], body["page"], body["per_page"], body["total_pages"]) == (2, 1, 10, 1)
    paged = ok(client.get(f"/api/study-sessions/{second}", params={"per_page": 1, "page": 2}))
    assert ([w["id"] for w in paged["words"]], paged["total_pages"]) == ([6], 2)
    error(client.get("/api/study-sessions/999"), 404)
    error(client.get("/api/study-sessions/abc"), 404)


def test_reset_clears_the_history(client: TestClient) -> None:
    session_id = start_session(client)
    answer(client, session_id, 1, True)
    body = ok(client.post("/api/study-sessions/reset"))
    assert body == {"message": "Study history has been reset"}
    assert sessions_total(client) == 0
    assert ok(client.get("/words/1"))["word"]["correct_count"] == 0
    assert ok(client.get("/dashboard/recent-session")) is None
    assert ok(client.get("/words"))["total_words"] == 10  # the inventory stays


# -- study activities -----------------------------------------------------------------------------


def test_activities_are_a_bare_array_with_absolute_urls(client: TestClient) -> None:
    assert ok(client.get("/api/study-activities")) == [
        {
            "id": TYPING,
            "title": "Typing Tutor",
            "launch_url": "http://localhost:8081/?mode=typing",
            "preview_url": "http://testserver/static/typing.png",
        },
        {
            "id": FLASHCARDS,
            "title": "Flashcards",
            "launch_url": "http://localhost:8082/",
            "preview_url": "http://testserver/apps/thumbnails/activity.svg",
        },
    ]


def test_a_relative_launch_url_is_made_absolute(client: TestClient, services: Services) -> None:
    with services.context.db.write() as connection:
        activity_repo.upsert_activity(
            connection,
            {"name": "Local app", "launch_url": "/apps/local?x=1"},
            services.context.now_stored(),
        )
    listed = ok(client.get("/api/study-activities"))[-1]
    assert listed["launch_url"] == "http://testserver/apps/local?x=1"
    launch = ok(client.get(f"/api/study-activities/{listed['id']}/launch"))
    assert launch["activity"]["launch_url"] == "http://testserver/apps/local?x=1"


def test_one_activity(client: TestClient) -> None:
    assert ok(client.get(f"/api/study-activities/{TYPING}")) == {
        "id": TYPING,
        "title": "Typing Tutor",
        "launch_url": "http://localhost:8081/?mode=typing",
        "preview_url": "http://testserver/static/typing.png",
        "description": "Type the romaji of each word",
    }
    assert "77" in error(client.get("/api/study-activities/77"), 404)


def test_activity_sessions(client: TestClient, clock: FixedClock) -> None:
    typing_old = start_session(client, GREETINGS, TYPING)
    clock.advance(minutes=1)
    start_session(client, GREETINGS, FLASHCARDS)
    typing_new = start_session(client, VERBS, TYPING)
    body = ok(client.get(f"/api/study-activities/{TYPING}/sessions"))
    assert [s["id"] for s in body["items"]] == [typing_new, typing_old]
    assert body["items"][0]["activity_id"] == TYPING
    assert (body["total"], body["page"], body["per_page"], body["total_pages"]) == (2, 1, 10, 1)
    paged = ok(client.get(f"/api/study-activities/{TYPING}/sessions", params={"per_page": 1}))
    assert ([s["id"] for s in paged["items"]], paged["total_pages"]) == ([typing_new], 2)
    error(client.get("/api/study-activities/77/sessions"), 404)


def test_launch_form(client: TestClient) -> None:
    assert ok(client.get(f"/api/study-activities/{FLASHCARDS}/launch")) == {
        "activity": {
            "id": FLASHCARDS,
            "title": "Flashcards",
            "launch_url": "http://localhost:8082/",
            "preview_url": "http://testserver/apps/thumbnails/activity.svg",
        },
        "groups": [
            {"id": GREETINGS, "name": "Basic Greetings"},
            {"id": VERBS, "name": "Core Verbs"},
        ],
    }
    assert sessions_total(client) == 0  # the form only reads; POST /study_sessions starts one
    error(client.get("/api/study-activities/77/launch"), 404)


# -- dashboard ------------------------------------------------------------------------------------


def test_recent_session_is_null_then_the_latest(client: TestClient, clock: FixedClock) -> None:
    response = client.get("/dashboard/recent-session")
    assert (response.status_code, response.content) == (200, b"null")
    start_session(client)
    clock.advance(minutes=2)
    latest = start_session(client, VERBS, FLASHCARDS)
    for word_id, correct in [(6, True), (7, False), (8, True)]:
        answer(client, latest, word_id, correct)
    assert ok(client.get("/dashboard/recent-session")) == {
        "id": latest,
        "group_id": VERBS,
        "activity_name": "Flashcards",
        "created_at": "2026-01-15T09:02:00+00:00",
        "correct_count": 2,
        "wrong_count": 1,
    }


def test_stats_on_the_seeds(client: TestClient) -> None:
    assert ok(client.get("/dashboard/stats")) == {
        "total_vocabulary": 10,
        "total_words_studied": 0,
        "mastered_words": 0,
        "success_rate": 0.0,
        "total_sessions": 0,
        "active_groups": 0,
        "current_streak": 0,
    }


class TestStatsAfterStudy:
    # Mastery is the learning engine's: FSRS stability at or above this many days. Low enough
    # here that a few right answers reach it and a lapsing word does not.
    @pytest.fixture
    def settings_overrides(self) -> dict[str, Any]:
        return {"srs_mastery_stability_days": 1.0}

    def test_stats_after_study(
        self, client: TestClient, clock: FixedClock, services: Services
    ) -> None:
        yesterday = start_session(client)
        answer(client, yesterday, 1, True)
        clock.advance(days=1)
        today = start_session(client, VERBS, TYPING)
        # Words 6 and 8 only right answers; word 7 as often wrong as right (it lapses).
        answers = [(6, True)] * 3 + [(7, True)] * 3 + [(7, False)] * 3 + [(8, True)] * 2
        batch = {"reviews": [{"word_id": w, "is_correct": c} for w, c in answers]}
        ok(client.post(f"/study_sessions/{today}/review", json=batch), 201)
        assert ok(client.get("/dashboard/stats")) == {
            "total_vocabulary": 10,
            "total_words_studied": 4,
            "mastered_words": 3,  # words 1, 6 and 8
            "success_rate": 0.75,  # 9 of 12 answers right, as a fraction
            "total_sessions": 2,
            "active_groups": 2,
            "current_streak": 2,
        }
        assert services.analytics.mastery().mastered == 3  # the same rule as /analytics


# -- the mount itself -----------------------------------------------------------------------------


def test_spec_mounts_are_unchanged_beside_it(client: TestClient) -> None:
    assert client.get("/api/words").json()["items"][0].keys() >= {"japanese"}
    assert client.get("/api/v1/words").json()["status"] == "success"
    refused = client.post("/api/v1/study_sessions", json={"group_id": 1})
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "VALIDATION_FAILED"
    # Their own path with a hyphen lives under /api without taking the spec's underscore one.
    assert "items" in client.get("/api/study_sessions").json()


class TestSwitchedOff:
    @pytest.fixture
    def settings_overrides(self) -> dict[str, Any]:
        return {"legacy_api_enabled": False}

    def test_the_mount_is_gone_and_the_spec_stays(self, client: TestClient) -> None:
        for path in ("/words", "/groups/1/words/raw", "/api/study-sessions", "/dashboard/stats"):
            assert client.get(path).status_code == 404, path
        created = client.post("/study_sessions", json=session_body())
        assert created.status_code == 404
        assert client.get("/api/v1/words").status_code == 200
        paths = client.get("/openapi.json").json()["paths"]
        assert "/words" not in paths and "/api/words" in paths
