"""The portal page at `/`, used as a learner would: in Chromium, by mouse and by keyboard.

The `portal` server is shared by every browser test of the run, so each test counts what it
changes against what it saw before, in study sessions of its own.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import APIRequestContext, Browser, Page, expect

from tests.reliability.server import Server

Screenshot = Callable[[Page, str], Path]
PHONE = {"width": 375, "height": 812}
GROUP = "JLPT N5 - Verbs"


def api_get(request: APIRequestContext, path: str, **params: Any) -> Any:
    response = request.get(f"/api/v1{path}", params=params)
    assert response.ok, f"{path}: {response.status}"
    return response.json()["data"]


def answer(request: APIRequestContext, session_id: int, word_id: int, correct: bool) -> None:
    response = request.post(
        f"/api/v1/study_sessions/{session_id}/words/{word_id}/review",
        data={"correct": correct, "duration_ms": 1800},
    )
    assert response.status == 201, response.text()


def open_dashboard(page: Page) -> None:
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")
    expect(page.locator("main")).not_to_have_attribute("aria-busy", "true")


def stat(page: Page, name: str) -> int:
    return int(page.locator(f'[data-stat="{name}"]').inner_text().rstrip("%"))


def todays_bar(page: Page, today: str) -> int:
    bar = page.locator(f'#chart-progress rect.bar[data-date="{today}"]')
    return int(bar.get_attribute("data-value") or "-1")


def test_dashboard_launch_answer_and_come_back(page: Page, screenshot: Screenshot) -> None:
    today = api_get(page.request, "/analytics/streaks")["today"]
    open_dashboard(page)
    # the landmarks and labels a screen reader moves by
    expect(page.get_by_role("banner")).to_be_visible()
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    for title in (
        "Answers and accuracy per day",
        "Words falling due per day",
        "Retention by days since",
        "FSRS calibration",
    ):
        expect(page.get_by_role("img", name=re.compile(title))).to_be_visible()
    answers_before = stat(page, "answers")
    sessions_before = stat(page, "sessions")
    bar_before = todays_bar(page, today)
    assert bar_before >= 0
    screenshot(page, "dashboard-before")

    groups = api_get(page.request, "/groups", per_page=100)
    verbs = next(group for group in groups if group["name"] == GROUP)
    page.get_by_label("Group", exact=True).select_option(
        label=f"{GROUP} ({verbs['word_count']} words)"
    )
    expect(page.locator(".launch-due")).to_contain_text("due now in this group")
    page.get_by_role("radio", name=re.compile("Flashcards")).check()
    page.get_by_role("button", name="Launch").click()
    page.wait_for_url(re.compile(r"/apps/flashcards/\?group_id=\d+&session_id=\d+"))
    launched = re.search(r"group_id=(\d+)&session_id=(\d+)", page.url)
    assert launched is not None
    group_id, session_id = int(launched[1]), int(launched[2])
    session = api_get(page.request, f"/study_sessions/{session_id}")
    assert session["group_id"] == group_id and session["group_name"] == GROUP
    assert session["activity_name"] == "Flashcards"
    screenshot(page, "flashcards-launched")

    # ten cards by keyboard in the launched app: Space shows the English, 2 knew it, 1 did not
    knew = [card % 4 != 0 for card in range(10)]  # 3 of the 10 not known
    for card, knew_it in enumerate(knew, start=1):
        expect(page.locator("#progress")).to_have_text(f"Card {card} of 10")
        expect(page.locator("#english")).to_be_hidden()
        page.keyboard.press("Space")
        expect(page.locator("#english")).to_be_visible()
        page.keyboard.press("2" if knew_it else "1")
    expect(page.locator("#result-counts")).to_have_text("7 right, 3 wrong, 10 words seen")
    screenshot(page, "flashcards-result")

    # back as a learner goes back: the browser may show the page from its cache, then updated
    page.go_back()
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")
    expect(page.locator('[data-stat="answers"]')).to_have_text(str(answers_before + 10))
    assert stat(page, "sessions") == sessions_before + 1
    assert todays_bar(page, today) == bar_before + 10
    # the launchpad remembers the choice
    expect(page.get_by_label("Group", exact=True)).to_have_value(str(group_id))
    expect(page.get_by_role("radio", name=re.compile("Flashcards"))).to_be_checked()
    screenshot(page, "dashboard-after")


def test_the_dashboard_shows_the_learning_path(page: Page, screenshot: Screenshot) -> None:
    request = page.request
    before = api_get(request, "/learning_path")
    assert before["current_level"] == "N5"  # 500 N5 words learned is out of any test's reach
    groups = api_get(request, "/groups", per_page=100)
    group_id = next(group["id"] for group in groups if group["name"] == GROUP)
    queue = api_get(request, "/review_queue", group_id=group_id, limit=1)
    word_id = next(item["word_id"] for item in queue["items"] if item["kind"] == "new")
    session = request.post(
        "/api/v1/study_sessions", data={"group_id": group_id, "study_activity_id": 1}
    )
    assert session.status == 201
    learned = request.post(
        f"/api/v1/study_sessions/{session.json()['data']['id']}/words/{word_id}/review",
        data={"grade": "easy", "duration_ms": 2000},
    )
    assert learned.status == 201, learned.text()
    path = api_get(request, "/learning_path")
    assert path["completed_words"] == before["completed_words"] + 1
    milestone = path["next_milestone"]

    open_dashboard(page)
    panel = page.get_by_role("region", name="Learning path")
    expect(panel.locator('[data-path="current"]')).to_have_text(
        f"Current level: JLPT N5 · {path['completed_words']} of 671 words learned"
    )
    expect(panel.locator('[data-path="milestone"]')).to_have_text(
        f"Next milestone: 500 words learned ({milestone['current']} so far)"
    )
    bar = panel.get_by_role("progressbar", name=re.compile("^Next milestone"))
    assert float(bar.get_attribute("value") or "-1") == pytest.approx(milestone["progress"])
    expect(panel.locator('[data-level="N5"]')).to_have_attribute("data-status", "current")
    expect(panel.locator('[data-level="N4"]')).to_contain_text("locked · 0 of 637 words learned")
    screenshot(page, "learning-path")


def test_search_a_word_and_see_its_history(page: Page, screenshot: Screenshot) -> None:
    request = page.request
    groups = api_get(request, "/groups", per_page=100)
    group_id = next(group["id"] for group in groups if group["name"] == GROUP)
    word = next(w for w in api_get(request, "/words", q="taberu") if w["japanese"] == "食べる")
    before = api_get(request, f"/words/{word['id']}/reviews")
    started = request.post(
        "/api/v1/study_sessions", data={"group_id": group_id, "study_activity_id": 1}
    )
    assert started.status == 201
    session_id = started.json()["data"]["id"]
    answer(request, session_id, word["id"], correct=False)
    answer(request, session_id, word["id"], correct=True)

    page.goto("/#/words")
    search = page.get_by_label("Search Japanese, romaji or English")
    expect(search).to_be_focused()
    search.fill("taberu")
    search.press("Enter")
    expect(page.locator(".result-count")).to_have_text("1 word matches “taberu”")
    screenshot(page, "words-search")
    page.get_by_role("link", name="食べる").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("食べる")
    expect(page.locator(".subtitle")).to_have_text("taberu · to eat")
    recall = page.locator("#recall-now")
    expect(recall).to_have_text(re.compile(r"^\d+%$"))
    detail = api_get(request, f"/words/{word['id']}")
    assert recall.inner_text() == f"{round(detail['srs']['retrievability'] * 100)}%"
    rows = page.locator("table.history tbody tr")
    expect(rows).to_have_count(min(25, len(before) + 2))
    # newest first: the right answer, then the wrong one, both in this session's group
    expect(rows.nth(0).locator("td").nth(1)).to_have_text("✓ right")
    expect(rows.nth(1).locator("td").nth(1)).to_have_text("✗ wrong")
    expect(rows.nth(0)).to_contain_text("Typing Tutor")
    expect(rows.nth(0)).to_contain_text(GROUP)
    screenshot(page, "word-history")

    page.get_by_role("link", name=GROUP).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(GROUP)
    expect(page.locator("table.words tbody tr").first).to_be_visible()
    # the session just used is listed among the group's recent ones
    expect(page.locator("#group-sessions-heading + div tbody tr").first).to_contain_text(
        "Typing Tutor"
    )
    screenshot(page, "group")
    # the group's own launchpad starts a session of this group
    page.get_by_role("radio", name=re.compile("Typing Tutor")).check()
    page.get_by_role("button", name="Launch").click()
    page.wait_for_url(re.compile(rf"/apps/typing/\?group_id={group_id}&session_id=\d+"))


def test_keyboard_only(page: Page, screenshot: Screenshot) -> None:
    open_dashboard(page)
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")
    page.keyboard.press("Shift+Tab")
    expect(page.get_by_role("link", name="API")).to_be_focused()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    expect(page.get_by_role("link", name="Words", exact=True)).to_be_focused()
    page.keyboard.press("Enter")
    # the new view takes the focus: straight into the search field
    search = page.get_by_label("Search Japanese, romaji or English")
    expect(search).to_be_focused()
    page.keyboard.type("nomu")
    page.keyboard.press("Enter")
    expect(page.locator(".result-count")).to_contain_text("“nomu”")
    # from the results' heading: the search field, the sort, the button, then the first word
    expect(page.get_by_role("heading", level=1)).to_be_focused()
    for _ in range(4):
        page.keyboard.press("Tab")
    expect(page.locator("table.words tbody a").first).to_be_focused()
    page.keyboard.press("Enter")
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_be_focused()
    expect(heading).to_have_attribute("lang", "ja")
    screenshot(page, "keyboard-word")


def test_phone_sized_screen(page: Page, screenshot: Screenshot) -> None:
    page.set_viewport_size(PHONE)
    open_dashboard(page)
    screenshot(page, "phone-dashboard")
    no_sideways_scroll = "document.documentElement.scrollWidth <= window.innerWidth"
    assert page.evaluate(no_sideways_scroll)
    # each chart drew itself to the phone's width
    expect(page.locator("svg.chart")).to_have_count(4)
    edges = page.evaluate(
        """() => [...document.querySelectorAll("svg.chart")].map((chart) => {
            const box = chart.getBoundingClientRect();
            return [box.left, box.right];
        })"""
    )
    assert all(left >= 0 and right <= PHONE["width"] for left, right in edges), edges
    page.goto("/#/words?q=ta")
    expect(page.locator("table.words tbody tr").first).to_be_visible()
    assert page.evaluate(no_sideways_scroll)
    screenshot(page, "phone-words")
    page.locator("table.words tbody a").first.click()
    expect(page.locator("#recall-now")).to_be_visible()
    assert page.evaluate(no_sideways_scroll)
    screenshot(page, "phone-word")


def test_unknown_word_says_so(page: Page, screenshot: Screenshot, page_problems: Any) -> None:
    page_problems.allow("/api/v1/words/99999999")
    page.goto("/#/words/99999999")
    expect(page.get_by_role("heading", level=1)).to_have_text("Not found")
    expect(page.get_by_role("alert")).to_contain_text("99999999")
    page.get_by_role("link", name="Back to the dashboard").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")
    screenshot(page, "not-found")


# axe-core's WCAG 2 A and AA rules (colour contrast, names of controls and images, landmarks,
# headings, language), run on each view at both sizes.
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
VIEWS = ["/", "/#/words?q=ta", "/#/words/1", "/#/groups", "/#/groups/1"]


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_every_view_passes_axe(page: Page, size: str) -> None:
    if size == "phone":
        page.set_viewport_size(PHONE)
    axe = Axe()
    for view in VIEWS:
        page.goto(view)
        expect(page.locator("main h1")).to_be_visible()
        expect(page.locator("main")).not_to_have_attribute("aria-busy", "true")
        page.locator("details.figures").evaluate_all("(all) => all.forEach((d) => (d.open = true))")
        results = axe.run(page, options=AXE_OPTIONS)
        assert results.violations_count == 0, f"{view}:\n{results.generate_report()}"


def test_charts_draw_what_they_are_given(page: Page) -> None:
    """charts.js on made-up figures, in the browser: bar heights, the ratio line, empty states."""
    open_dashboard(page)
    drawn = page.evaluate(
        """async () => {
            const { dailyBars, ratioPoints } = await import("/portal/charts.js");
            const box = document.createElement("div");
            box.style.width = "600px";
            document.body.append(box);
            const days = [
                { date: "2026-01-01", reviews: 10, accuracy: 0.5 },
                { date: "2026-01-02", reviews: 0, accuracy: null },
                { date: "2026-01-03", reviews: 20, accuracy: 1 },
            ];
            const bars = dailyBars(box, {
                title: "t", description: "d", days, value: (d) => d.reviews,
                ratio: (d) => d.accuracy, valueName: "Answers", ratioName: "Right",
                emptyText: "none",
            });
            const numbers = (nodes, name) => [...nodes].map((node) => +node.getAttribute(name));
            const heights = numbers(bars.querySelectorAll("rect.bar"), "height");
            const line = bars.querySelector("path.line-ratio").getAttribute("d");
            const tips = [...bars.querySelectorAll("rect.bar title")].map((t) => t.textContent);
            const width = +bars.getAttribute("width");
            const named = bars.getAttribute("aria-labelledby").split(" ").map(
                (id) => document.getElementById(id).textContent);
            const empty = dailyBars(box, {
                title: "t", description: "d", days: days.map((d) => ({ ...d, reviews: 0 })),
                value: (d) => d.reviews, valueName: "Answers", emptyText: "Nothing yet",
            });
            const emptyText = empty.querySelector(".no-data").textContent;
            const points = ratioPoints(box, {
                title: "c", description: "d", xScale: (p) => p, xTicksAt: [0, 1],
                xFormat: String, xName: "x", yName: "y", emptyText: "none", diagonal: true,
                points: [
                    { x: 0.2, y: 0.4, weight: 1, label: "a" },
                    { x: 0.8, y: 0.9, weight: 4, label: "b" },
                ],
            });
            const radii = numbers(points.querySelectorAll("circle.dot-main"), "r");
            const reference = points.querySelectorAll("line.line-reference").length;
            box.remove();
            return { heights, line, tips, width, named, emptyText, radii, reference };
        }"""
    )
    low, none, high = drawn["heights"]
    assert none == 0 and high == pytest.approx(2 * low, rel=0.01)
    # the accuracy line skips the day without answers: two separate moves, no line through it
    assert drawn["line"].count("M") == 2 and "L" not in drawn["line"]
    assert drawn["tips"][0] == "Jan 1: 10 answers, 50% right"
    assert drawn["width"] == 600
    assert drawn["named"] == ["t", "d"]
    assert drawn["emptyText"] == "Nothing yet"
    light, heavy = drawn["radii"]
    assert heavy > light  # a dot's size follows its number of answers
    assert drawn["reference"] == 1


def test_a_burst_cut_short_by_the_rate_limit_is_asked_again(
    browser: Browser, start_portal: Callable[..., Server], screenshot: Screenshot
) -> None:
    """Rate limits on, a burst of 4 a second: the dashboard's ten reads all land all the same."""
    limited = start_portal(
        RATE_LIMIT_ENABLED="true", RATE_LIMIT_REQUESTS="1000", RATE_LIMIT_BURST="4"
    )
    context = browser.new_context(base_url=limited.base_url)
    try:
        page = context.new_page()
        statuses: list[int] = []
        page.on("response", lambda r: statuses.append(r.status) if "/api/v1/" in r.url else None)
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        open_dashboard(page)
        expect(page.locator("svg.chart")).to_have_count(4)
        # a read refused late may still be waiting out its Retry-After: give it the time the
        # page itself allows (3 tries, 5 s at most each)
        deadline = time.monotonic() + 20
        while statuses.count(200) + statuses.count(304) < 10 and time.monotonic() < deadline:
            page.wait_for_timeout(100)
        expect(page.get_by_role("alert")).to_have_count(0)
        screenshot(page, "dashboard-rate-limited")
    finally:
        context.close()
    assert 429 in statuses, "the burst limit was not reached: the test proves nothing"
    assert statuses.count(200) + statuses.count(304) >= 10
    assert errors == []
