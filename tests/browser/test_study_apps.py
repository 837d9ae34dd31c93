"""The built-in study apps, used as a learner uses them, in Chromium against a real server."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import closing
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Route, expect

from tests.browser.conftest import PageProblems, PortalStarter, Screenshot, watch
from tests.reliability.server import Server


class Portal:
    """The API of the running server, as the tests check what the apps stored."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.http = httpx.Client(base_url=server.base_url, timeout=10)

    def get(self, path: str, **params: Any) -> Any:
        response = self.http.get("/api/v1" + path, params=params)
        assert response.status_code == 200, response.text
        return response.json()["data"]

    def group_id(self, name: str) -> int:
        groups = {group["name"]: group["id"] for group in self.get("/groups", per_page=100)}
        return groups[name]

    def activity_id(self, launch_url: str) -> int:
        activities = self.get("/study_activities")
        return next(item["id"] for item in activities if item["launch_url"] == launch_url)

    def launch(self, app: str, group: str) -> tuple[str, int]:
        """What the launchpad does: a new session of the app for the group, and its URL."""
        activity = self.activity_id(f"/apps/{app}/")
        response = self.http.post(
            f"/api/v1/study_activities/{activity}/launch", json={"group_id": self.group_id(group)}
        )
        assert response.status_code == 201, response.text
        data = response.json()["data"]
        return data["launch_url"], data["study_session_id"]

    def result(self, session_id: int) -> Any:
        return self.get(f"/study_sessions/{session_id}/result")

    def reviews(self, session_id: int) -> int:
        return int(self.get(f"/study_sessions/{session_id}")["review_items_count"])

    def stored_answers(self, session_id: int) -> list[tuple[str | None, int | None]]:
        """(grade, duration_ms) of each answer of the session, in order."""
        names = {1: "again", 2: "hard", 3: "good", 4: "easy"}
        with closing(sqlite3.connect(self.server.database_path)) as connection:
            rows = connection.execute(
                "SELECT grade, duration_ms FROM word_review_items WHERE study_session_id = ?"
                " ORDER BY id",
                (session_id,),
            ).fetchall()
        return [(names.get(grade), duration) for grade, duration in rows]

    def expire(self, session_id: int) -> None:
        """Makes the session idle for an hour (past SESSION_TIMEOUT_MINUTES)."""
        with closing(sqlite3.connect(self.server.database_path, timeout=10)) as connection:
            connection.execute(
                "UPDATE study_sessions SET created_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now',"
                " '-1 hour'), ended_at = CASE WHEN ended_at IS NULL THEN NULL ELSE"
                " strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-1 hour') END WHERE id = ?",
                (session_id,),
            )
            connection.commit()


@pytest.fixture(scope="module")
def api(portal: Server) -> Iterator[Portal]:
    client = Portal(portal)
    yield client
    client.http.close()


def session_of(url: str) -> int:
    return int(parse_qs(urlsplit(url).query)["session_id"][0])


GRADE_KEYS = {"again": "1", "hard": "2", "good": "3", "easy": "4"}


def answer_card(page: Page, knew_it: bool, grade: str | None = None) -> None:
    """One flashcard by keyboard: Space reveals the English, then 1-4 grades it (again, hard,
    good, easy); `knew_it` alone is good or again."""
    expect(page.locator("#reveal")).to_be_visible()  # the card is up, its keys listened to
    expect(page.locator("#english")).to_be_hidden()
    page.keyboard.press("Space")
    expect(page.locator("#english")).to_be_visible()
    page.keyboard.press(GRADE_KEYS[grade or ("good" if knew_it else "again")])


# -- Flashcards ---------------------------------------------------------------------------------


def test_flashcards_ten_cards_by_keyboard_then_the_result(
    page: Page, api: Portal, screenshot: Screenshot
) -> None:
    url, session_id = api.launch("flashcards", "JLPT N4 - Verbs")
    page.goto(url)
    expect(page.locator("#progress")).to_have_text("Card 1 of 10")
    expect(page.locator("#group")).to_have_text("JLPT N4 - Verbs")
    first = api.get(f"/study_sessions/{session_id}/next_words", limit=10)["items"][0]
    expect(page.locator("#japanese")).to_have_text(first["japanese"])
    screenshot(page, "card")

    page.keyboard.press("r")  # the reading on demand: kana from the word's parts, and romaji
    expect(page.locator("#reading")).to_be_visible()
    expect(page.locator("#romaji")).to_have_text(first["romaji"])
    expect(page.locator("#kana")).not_to_be_empty()
    page.keyboard.press("Space")
    expect(page.locator("#english")).to_have_text(first["english"])
    screenshot(page, "revealed")
    page.keyboard.press("ArrowRight")  # good

    grades = ["good", "again", "hard", "easy", "again", "good", "good", "again", "easy", "hard"]
    for card, grade in enumerate(grades[1:], start=2):
        expect(page.locator("#progress")).to_have_text(f"Card {card} of 10")
        answer_card(page, knew_it=grade != "again", grade=grade)

    expect(page.locator("#result")).to_be_visible()
    expect(page.locator("#result-accuracy")).to_have_text("70 %")
    expect(page.locator("#result-counts")).to_have_text("7 right, 3 wrong, 10 words seen")
    expect(page.locator("#result-words tr")).to_have_count(10)
    expect(page.locator("#result-words tr").first).to_contain_text("due ")
    screenshot(page, "result")

    result = api.result(session_id)
    assert (result["reviews"], result["correct"], result["wrong"]) == (10, 7, 3)
    stored = api.stored_answers(session_id)
    assert [grade for grade, _ in stored] == grades  # FSRS's grades, as given
    assert all(duration is not None and duration > 0 for _, duration in stored)
    # what was not known is due again soon; what was, days away
    due = {word["word_id"]: word["due"] for word in result["words"]}
    wrong_words = {w["word_id"] for w in result["words"] if w["wrong_count"]}
    assert len(wrong_words) == 3
    assert max(due[w] for w in wrong_words) < min(due[w] for w in due if w not in wrong_words)


# -- Typing -------------------------------------------------------------------------------------

HEPBURN_VARIANTS = [("ou", "ō"), ("shi", "si"), ("tsu", "tu"), ("chi", "ti"), ("fu", "hu")]


def a_variant_of(romaji: str) -> str:
    """Another usual spelling of the same romaji (ō for ou, si for shi, ... or capitals)."""
    for usual, variant in HEPBURN_VARIANTS:
        if usual in romaji:
            return romaji.replace(usual, variant).upper()
    return romaji.upper()


def test_typing_right_wrong_and_a_hepburn_variant(
    page: Page, api: Portal, screenshot: Screenshot
) -> None:
    url, session_id = api.launch("typing", "JLPT N5 - Food and Drink")
    words = api.get(f"/study_sessions/{session_id}/next_words", limit=10)["items"]
    assert len(words) == 10
    page.goto(url)
    answer = page.locator("#answer")
    feedback = page.locator("#feedback")

    expect(page.locator("#prompt")).to_have_text(words[0]["english"])
    answer.fill(words[0]["romaji"])
    screenshot(page, "typed")
    answer.press("Enter")
    expect(feedback).to_have_text(f"✓ Right: {words[0]['romaji']}")
    expect(page.locator("#hint-japanese")).to_have_text(words[0]["japanese"])
    answer.press("Enter")

    expect(page.locator("#prompt")).to_have_text(words[1]["english"])
    answer.fill("zzz")
    answer.press("Enter")
    expect(feedback).to_have_text(f"✗ Not quite: it is {words[1]['romaji']}")
    expect(feedback).to_have_class("feedback wrong")
    screenshot(page, "wrong")
    answer.press("Enter")

    page.get_by_role("button", name="Show the Japanese instead").click()
    expect(page.locator("#prompt")).to_have_text(words[2]["japanese"])
    variant = a_variant_of(words[2]["romaji"])
    assert variant != words[2]["romaji"]
    answer.fill(variant)
    answer.press("Enter")
    expect(feedback).to_have_text(f"✓ Right: {words[2]['romaji']}")
    screenshot(page, "variant")
    answer.press("Enter")

    for word in words[3:]:
        expect(page.locator("#prompt")).to_have_text(word["japanese"])
        answer.fill(word["romaji"])
        answer.press("Enter")
        expect(feedback).to_contain_text("✓ Right")
        answer.press("Enter")

    expect(page.locator("#result-counts")).to_have_text("9 right, 1 wrong, 10 words seen")
    expect(page.locator("#result-accuracy")).to_have_text("90 %")
    result = api.result(session_id)
    assert (result["reviews"], result["correct"], result["wrong"]) == (10, 9, 1)
    wrong = [w["word_id"] for w in result["words"] if w["wrong_count"]]
    assert wrong == [words[1]["word_id"]]


# The one rule for romaji (apps/common/romaji.js), run where it runs: in the browser.
ROMAJI_CASES = [
    # (typed, expected, counts)
    ("toukyou", "toukyou", True),
    ("tōkyō", "toukyou", True),
    ("tookyoo", "toukyou", True),
    ("tohkyoh", "toukyou", True),
    ("Tou Kyou", "toukyou", True),
    ("tokyo", "toukyou", False),  # a short vowel is another word
    ("ojisan", "ojiisan", False),
    ("susi", "sushi", True),
    ("tikatetu", "chikatetsu", True),
    ("huzi", "fuji", True),
    ("syasin", "shashin", True),
    ("zya", "ja", True),
    ("kinen", "kin'en", True),
    ("kinnen", "kin'en", True),
    ("kin'en", "kin'en", True),
    ("shimbun", "shinbun", True),
    ("honn", "hon", True),
    ("kon'nichiwa", "konnichiwa", True),
    ("konichiwa", "konnichiwa", False),
    ("maccha", "matcha", True),
    ("gyūniku", "gyuuniku", True),
    ("oo-kii", "ookii", True),
    ("kite", "kitte", False),
    ("shi", "chi", False),
    ("", "neko", False),
    ("NEKO", "neko", True),
]


def test_the_romaji_rule(page: Page) -> None:
    page.goto("/apps/typing/")  # no session: the page offers a group; the module is loaded
    expect(page.locator("#problem-title")).to_have_text("Pick a group to study")
    verdicts = page.evaluate(
        """async (cases) => {
            const { romajiMatches } = await import("/apps/common/romaji.js");
            return cases.map(([typed, expected]) => romajiMatches(typed, expected));
        }""",
        [[typed, expected] for typed, expected, _ in ROMAJI_CASES],
    )
    wrong = [
        case for case, verdict in zip(ROMAJI_CASES, verdicts, strict=True) if verdict != case[2]
    ]
    assert wrong == []


# -- answers never lost or doubled --------------------------------------------------------------


def test_a_network_failure_mid_session_loses_and_doubles_nothing(
    page: Page, api: Portal, page_problems: PageProblems, screenshot: Screenshot
) -> None:
    page_problems.allow("/review")  # the answers aborted on purpose below
    url, session_id = api.launch("flashcards", "JLPT N5 - i-Adjectives")
    page.goto(url)
    given = 0
    for _ in range(3):
        answer_card(page, knew_it=True)
        given += 1
    expect(page.locator("#sync")).to_be_empty()
    assert api.reviews(session_id) == 3

    # The network fails: the first answer reaches the server but its reply is lost; the next
    # two never leave the browser.
    lost_replies: list[str] = []

    def reply_lost(route: Route) -> None:
        if not lost_replies:
            response = route.fetch()
            lost_replies.append(f"{response.status} {route.request.headers['idempotency-key']}")
        route.abort("connectionreset")

    page.route("**/words/*/review", reply_lost)
    for _ in range(3):
        answer_card(page, knew_it=False)
        given += 1
    expect(page.locator("#sync")).to_have_text("3 answers waiting to be sent…")
    screenshot(page, "offline")
    for _ in range(200):  # the route's handler runs while Playwright waits
        if lost_replies:
            break
        page.wait_for_timeout(25)
    assert lost_replies and lost_replies[0].startswith("201 ")
    assert api.reviews(session_id) == 4  # stored once, though the app does not know it

    # The page is closed and opened again once the network is back: nothing waits in memory.
    page.unroute("**/words/*/review")
    page.reload()
    expect(page.locator("#sync")).to_be_empty()
    assert api.reviews(session_id) == given  # the lost reply's answer was not stored twice

    while page.locator("#study").is_visible():
        answer_card(page, knew_it=True)
        given += 1
    expect(page.locator("#result-accuracy")).not_to_be_empty()
    screenshot(page, "result")
    result = api.result(session_id)
    assert result["reviews"] == given
    assert result["wrong"] == 3
    assert sum(w["correct_count"] + w["wrong_count"] for w in result["words"]) == given


# -- sessions that cannot take answers ----------------------------------------------------------


def test_an_expired_session_says_so_and_starts_a_new_one(
    page: Page, api: Portal, page_problems: PageProblems, screenshot: Screenshot
) -> None:
    url, session_id = api.launch("typing", "JLPT N5 - na-Adjectives")
    api.expire(session_id)
    page_problems.allow(f"/study_sessions/{session_id}/next_words")  # its 422
    page.goto(url)
    expect(page.locator("#problem-title")).to_have_text("This study session has expired")
    screenshot(page, "expired")
    button = page.get_by_role("button", name="Start a new session")
    expect(button).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#study")).to_be_visible()
    new_session = session_of(page.url)
    assert new_session != session_id
    session = api.get(f"/study_sessions/{new_session}")
    assert (session["group_id"], session["activity_name"]) == (
        api.group_id("JLPT N5 - na-Adjectives"),
        "Typing Tutor",
    )


def test_a_session_that_does_not_exist_says_so(
    page: Page, api: Portal, page_problems: PageProblems
) -> None:
    group = api.group_id("JLPT N5 - Numbers and Time")
    page_problems.allow("/study_sessions/987654")
    page.goto(f"/apps/flashcards/?group_id={group}&session_id=987654")
    expect(page.locator("#problem-title")).to_have_text("This study session does not exist")
    page.get_by_role("button", name="Start a new session").click()
    expect(page.locator("#progress")).to_have_text("Card 1 of 10")
    assert api.get(f"/study_sessions/{session_of(page.url)}")["group_id"] == group


def test_answers_refused_by_an_expired_session_go_into_the_new_one(
    page: Page, api: Portal, page_problems: PageProblems, screenshot: Screenshot
) -> None:
    url, session_id = api.launch("flashcards", "JLPT N5 - People and Family")
    page.goto(url)
    answer_card(page, knew_it=True)
    expect(page.locator("#sync")).to_be_empty()
    api.expire(session_id)  # the learner left the page open for an hour
    page_problems.allow(f"/study_sessions/{session_id}/words/")  # the refused answer's 422
    answer_card(page, knew_it=False)
    expect(page.locator("#problem-title")).to_have_text("This study session has expired")
    expect(page.locator("#problem-text")).to_contain_text(
        "1 answer not yet recorded will go into the new session"
    )
    screenshot(page, "held")
    page.get_by_role("button", name="Start a new session").click()
    expect(page.locator("#study")).to_be_visible()
    expect(page.locator("#sync")).to_be_empty()
    new_session = session_of(page.url)
    assert api.reviews(session_id) == 1
    assert api.result(new_session)["wrong"] == 1 and api.reviews(new_session) == 1


# -- an app on another origin, launched from the launchpad ---------------------------------------

# What the school's typing app does against the legacy mount: load the group's words with their
# parts, join each part's romaji syllables, and post an answer as JSON (so with a preflight).
EXTERNAL_APP = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Typing app elsewhere</title></head>
<body><pre id="out">running</pre>
<script>
const query = new URLSearchParams(location.search);
const api = query.get("api");
(async () => {
  const raw = await (await fetch(`${api}/groups/${query.get("group_id")}/words/raw`)).json();
  const word = raw.words[0];
  const typed = word.parts.map((part) => part.romaji.join("")).join("");
  const response = await fetch(`${api}/study_sessions/${query.get("session_id")}/review`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ word_id: word.id, correct: typed === word.romaji }),
  });
  const review = await response.json();
  document.getElementById("out").textContent =
    JSON.stringify({ status: response.status, typed, romaji: word.romaji, review });
})().catch((error) => {
  document.getElementById("out").textContent = `failed: ${error}`;
});
</script></body></html>
"""


class _ExternalApp(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path.startswith("/typing/"):
            body = EXTERNAL_APP.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        else:
            self.send_response(204)  # the favicon: nothing, and no error on the console
            self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def external_origin() -> Iterator[str]:
    """A second loopback server, another origin, serving the app page."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _ExternalApp)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


def test_an_app_on_another_origin_calls_the_legacy_mount_once_registered(
    context: BrowserContext,
    api: Portal,
    external_origin: str,
    page_problems: PageProblems,
    screenshot: Screenshot,
) -> None:
    group = api.group_id("JLPT N4 - Katakana Loanwords")

    def start_session(activity_id: int) -> int:
        started = api.http.post(
            "/study_sessions", json={"group_id": group, "study_activity_id": activity_id}
        )
        assert started.status_code == 201, started.text
        return int(started.json()["session_id"])

    def open_app(session_id: int) -> Page:
        page = context.new_page()
        page.goto(
            f"{external_origin}/typing/?group_id={group}&session_id={session_id}"
            f"&api={api.server.base_url}"
        )
        expect(page.locator("#out")).not_to_have_text("running")
        return page

    # Not registered yet: the browser refuses it the API's answers.
    page_problems.allow(api.server.base_url + "/groups/")
    refused = open_app(start_session(api.activity_id("/apps/typing/")))
    expect(refused.locator("#out")).to_have_text("failed: TypeError: Failed to fetch")
    refused.close()
    # Chromium says why on the console: those lines are expected, and nothing else.
    assert page_problems.problems, "the refusal left no trace"
    assert all("CORS policy" in line for line in page_problems.problems), page_problems.problems
    page_problems.problems.clear()
    page_problems.allowed.clear()

    imported = api.http.post(
        "/api/v1/import/history",
        json={
            "format_version": 1,
            "study_activities": [
                {"name": "Typing app elsewhere", "launch_url": f"{external_origin}/typing/"}
            ],
            "groups": [],
            "words": [],
            "study_sessions": [],
        },
    )
    assert imported.status_code == 201, imported.text
    listed = api.http.get("/api/study-activities").json()
    activity = next(item for item in listed if item["title"] == "Typing app elsewhere")
    assert activity["launch_url"] == f"{external_origin}/typing/"

    session_id = start_session(activity["id"])
    page = open_app(session_id)
    screenshot(page, "external-app")
    outcome = json.loads(page.locator("#out").inner_text())
    assert outcome["status"] == 201
    assert outcome["typed"] == outcome["romaji"]  # the parts' syllables join to the word
    assert outcome["review"]["correct"] is True
    assert api.reviews(session_id) == 1


def test_answers_over_the_rate_limit_wait_for_it_and_are_all_stored(
    browser: Browser, start_portal: PortalStarter, screenshot: Screenshot
) -> None:
    # five answers a second: a learner answering faster meets 429 with a Retry-After
    limited = start_portal(
        RATE_LIMIT_ENABLED="true",
        RATE_LIMIT_DURATION="1",
        RATE_LIMIT_REQUESTS="1000",
        RATE_LIMIT_BURST="0",
        RATE_LIMIT_WRITE_REQUESTS="5",
        RATE_LIMIT_STUDY_SESSION_REQUESTS="0",
    )
    client = Portal(limited)
    problems = PageProblems()
    problems.allow("/review")  # the 429s
    problems.allow("/complete")  # completing the session is a write that waits its turn too
    context = browser.new_context(base_url=limited.base_url)
    try:
        page = context.new_page()
        watch(page, problems)
        limited_answers: list[str] = []
        page.on(
            "response",
            lambda response: (
                limited_answers.append(response.headers.get("retry-after", "?"))
                if response.status == 429
                else None
            ),
        )
        url, session_id = client.launch("flashcards", "JLPT N5 - Verbs")
        page.goto(url)
        for card in range(10):
            answer_card(page, knew_it=card < 6)
        expect(page.locator("#result-status")).to_have_text("Recording your answers…")
        screenshot(page, "rate-limited")
        expect(page.locator("#result-counts")).to_have_text("6 right, 4 wrong, 10 words seen")
        assert client.reviews(session_id) == 10
        assert client.get(f"/study_sessions/{session_id}")["state"] == "completed"
        assert limited_answers and all(int(wait) >= 1 for wait in limited_answers)
    finally:
        context.close()
        client.http.close()
    assert problems.problems == []
