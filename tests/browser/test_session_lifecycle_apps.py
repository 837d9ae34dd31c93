"""The study apps and the session lifecycle, as a learner meets it in Chromium: a finished
session is completed, a quiet learner is warned, an expired session is said so (and resumed in
its grace period), and a completed one is not studied again."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from contextlib import closing

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_study_apps import Portal, answer_card, session_of
from tests.reliability.server import Server


@pytest.fixture(scope="module")
def api(portal: Server) -> Iterator[Portal]:
    client = Portal(portal)
    yield client
    client.http.close()


def idle_for(portal: Portal, session_id: int, minutes: int) -> None:
    """Moves the session's times back, as if the learner had been away that long."""
    shift = f"-{minutes} minutes"
    with closing(sqlite3.connect(portal.server.database_path, timeout=10)) as connection:
        connection.execute(
            "UPDATE study_sessions SET"
            " created_at = strftime('%Y-%m-%dT%H:%M:%fZ', created_at, ?),"
            " ended_at = strftime('%Y-%m-%dT%H:%M:%fZ', ended_at, ?) WHERE id = ?",
            (shift, shift, session_id),
        )
        connection.commit()


def wait_for_reviews(page: Page, portal: Portal, session_id: int, count: int) -> None:
    """The answers are sent in the background: wait until the server has `count`."""
    for _ in range(100):
        if portal.reviews(session_id) == count:
            return
        page.wait_for_timeout(100)
    assert portal.reviews(session_id) == count


def state_of(portal: Portal, session_id: int) -> str:
    return str(portal.get(f"/study_sessions/{session_id}")["state"])


def test_finishing_the_flashcards_completes_the_session(page: Page, api: Portal) -> None:
    url, session_id = api.launch("flashcards", "JLPT N4 - i-Adjectives")
    page.goto(url)
    expect(page.locator("#progress")).to_have_text(re.compile(r"Card 1 of \d+"))
    cards = int((page.locator("#progress").text_content() or "").rsplit(" ", 1)[1])
    assert state_of(api, session_id) == "created"
    for _ in range(cards):
        answer_card(page, knew_it=True)
    expect(page.locator("#result")).to_be_visible()
    expect(page.locator("#result-accuracy")).to_have_text("100 %")
    assert state_of(api, session_id) == "completed"
    assert api.result(session_id)["word_metrics"]["total_words"] == cards


def test_a_quiet_learner_is_warned_then_told_the_session_expired_and_resumes_it(
    page: Page, api: Portal
) -> None:
    url, session_id = api.launch("flashcards", "JLPT N4 - na-Adjectives")
    page.clock.install()  # the page's timers, moved on by the test instead of waited for
    page.goto(url)
    answer_card(page, knew_it=True)
    expect(page.locator("#progress")).to_have_text(re.compile(r"Card 2 of"))
    warning = page.locator("#idle-warning")
    expect(warning).to_be_hidden()

    page.clock.fast_forward("25:01")  # SESSION_WARNING_MINUTES without an answer
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("Without an answer this session expires at")
    answer_card(page, knew_it=False)  # an answer: the warning goes, the clock starts again
    expect(warning).to_be_hidden()
    expect(page.locator("#progress")).to_have_text(re.compile(r"Card 3 of"))
    wait_for_reviews(page, api, session_id, 2)

    page.clock.fast_forward("25:01")
    expect(warning).to_be_visible()
    idle_for(api, session_id, 31)  # the server's side of the same half hour away
    page.clock.fast_forward("05:01")  # past SESSION_TIMEOUT_MINUTES: the app asks the server
    expect(page.locator("#problem-title")).to_have_text("This study session has expired")
    expect(page.locator("#problem-text")).to_contain_text("can still be resumed until")
    assert state_of(api, session_id) == "expired"

    page.locator("#problem-action").click()  # within the grace period
    expect(page.locator("#study")).to_be_visible()
    expect(warning).to_be_hidden()
    assert state_of(api, session_id) == "active"
    answer_card(page, knew_it=True)
    expect(page.locator("#progress")).to_have_text(re.compile(r"Card 4 of"))
    wait_for_reviews(page, api, session_id, 3)


def test_a_completed_session_is_not_studied_again(page: Page, api: Portal) -> None:
    url, session_id = api.launch("typing", "JLPT N4 - Katakana Loanwords")
    response = httpx.post(f"{api.server.base_url}/api/v1/study_sessions/{session_id}/complete")
    assert response.status_code == 200, response.text
    page.goto(url)
    expect(page.locator("#problem-title")).to_have_text("This study session is finished")
    action = page.locator("#problem-action")
    expect(action).to_have_text("Start a new session")
    action.click()
    page.wait_for_url(lambda address: session_of(address) != session_id)
    new_session = session_of(page.url)
    assert state_of(api, new_session) == "created"
    expect(page.locator("#study")).to_be_visible()
