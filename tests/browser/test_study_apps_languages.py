"""The built-in study apps in the learner's language: a browser set to Japanese, Chinese or
English gets every text of the app in that language, with "session started" when studying
starts and "session completed" with the number of words at the end."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.browser.conftest import ACTION_TIMEOUT_MS, PageProblems, Screenshot, watch
from tests.browser.test_study_apps import Portal, answer_card, session_of
from tests.reliability.server import Server


@pytest.fixture(scope="module")
def api(portal: Server) -> Iterator[Portal]:
    client = Portal(portal)
    yield client
    client.http.close()


def _context(
    browser: Browser, portal: Server, locale: str, problems: PageProblems
) -> BrowserContext:
    created = browser.new_context(
        base_url=portal.base_url, locale=locale, viewport={"width": 1024, "height": 768}
    )
    created.set_default_timeout(ACTION_TIMEOUT_MS)
    created.on("page", lambda opened: watch(opened, problems))
    return created


@pytest.fixture
def japanese(
    browser: Browser, portal: Server, page_problems: PageProblems
) -> Iterator[BrowserContext]:
    context = _context(browser, portal, "ja-JP", page_problems)
    yield context
    context.close()
    assert not page_problems.problems, "\n".join(page_problems.problems)


@pytest.fixture
def chinese(
    browser: Browser, portal: Server, page_problems: PageProblems
) -> Iterator[BrowserContext]:
    context = _context(browser, portal, "zh-CN", page_problems)
    yield context
    context.close()
    assert not page_problems.problems, "\n".join(page_problems.problems)


def test_flashcards_in_japanese_from_start_to_the_result(
    japanese: BrowserContext, api: Portal, screenshot: Screenshot
) -> None:
    page = japanese.new_page()
    url, session_id = api.launch("flashcards", "JLPT N4 - i-Adjectives")
    page.goto(url)
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    expect(page).to_have_title("フラッシュカード · lang-portal")
    expect(page.locator("h1")).to_have_text("フラッシュカード")
    expect(page.locator("#session-notice")).to_have_text("学習セッションを開始しました")
    expect(page.locator("#progress")).to_have_text("カード 1 / 10")
    expect(page.locator("#reveal")).to_have_text("英語を表示 Space")
    expect(page.locator(".hint")).to_contain_text("で英語、")
    expect(page.locator(".hint kbd")).to_have_count(8)  # the key caps kept in the sentence
    page.keyboard.press("Space")
    expect(page.get_by_role("group", name="どのくらい覚えていましたか？")).to_be_visible()
    expect(page.locator("#good")).to_have_text("✓ わかった 3")
    expect(page.locator("#english")).to_have_attribute("lang", "en")
    screenshot(page, "card")
    page.keyboard.press("3")
    for card in range(2, 11):
        expect(page.locator("#progress")).to_have_text(f"カード {card} / 10")
        answer_card(page, knew_it=card % 3 != 0)

    expect(page.locator("#result")).to_be_visible()
    expect(page.locator("#result-complete")).to_have_text("10個の単語を学習しました！")
    expect(page.locator("#result-counts")).to_have_text("正解 7、不正解 3、学習した単語 10 個")
    expect(page.locator("#result-title")).to_have_text("セッションの結果")
    expect(page.locator("#result-again")).to_have_text("もう一度学習する")
    expect(page.locator("#result-words tr").first).to_contain_text("に復習")
    screenshot(page, "result")
    assert api.reviews(session_id) == 10


def test_typing_in_chinese_right_wrong_and_the_end(
    chinese: BrowserContext, api: Portal, screenshot: Screenshot
) -> None:
    page = chinese.new_page()
    url, session_id = api.launch("typing", "JLPT N4 - na-Adjectives")
    words = api.get(f"/study_sessions/{session_id}/next_words", limit=10)["items"]
    page.goto(url)
    expect(page.locator("html")).to_have_attribute("lang", "zh")
    expect(page.locator("#session-notice")).to_have_text("学习会话已开始")
    expect(page.locator("#progress")).to_have_text("第 1 个单词，共 10 个")
    expect(page.get_by_label("请用罗马字输入")).to_be_focused()
    answer = page.locator("#answer")
    feedback = page.locator("#feedback")
    answer.fill(words[0]["romaji"])
    answer.press("Enter")
    expect(feedback).to_have_text(f"✓ 正确：{words[0]['romaji']}")
    expect(page.locator("#check")).to_have_text("下一个")
    answer.press("Enter")
    answer.fill("zzz")
    answer.press("Enter")
    expect(feedback).to_have_text(f"✗ 不太对：正确答案是 {words[1]['romaji']}")
    screenshot(page, "wrong")
    answer.press("Enter")
    page.get_by_role("button", name="改为显示日语").click()
    expect(page.locator("#prompt")).to_have_text(words[2]["japanese"])
    expect(page.get_by_role("button", name="改为显示英语")).to_be_visible()
    for word in words[2:]:
        answer.fill(word["romaji"])
        answer.press("Enter")
        answer.press("Enter")
    expect(page.locator("#result-complete")).to_have_text("会话完成！您学习了10个单词")
    expect(page.locator("#result-counts")).to_have_text("答对 9 个，答错 1 个，共学习 10 个单词")
    screenshot(page, "result")


def test_a_missing_session_is_said_in_japanese_and_a_new_one_starts(
    japanese: BrowserContext, api: Portal, page_problems: PageProblems
) -> None:
    page = japanese.new_page()
    group = api.group_id("JLPT N4 - Nouns and Other Words")
    page_problems.allow("/study_sessions/876543")
    page.goto(f"/apps/flashcards/?group_id={group}&session_id=876543")
    expect(page.locator("#problem-title")).to_have_text("この学習セッションは存在しません")
    expect(page.locator("#problem-text")).to_have_text(
        "削除されたか、リンクが間違っている可能性があります。"
    )
    page.get_by_role("button", name="新しいセッションを始める").click()
    expect(page.locator("#session-notice")).to_have_text("学習セッションを開始しました")
    expect(page.locator("#progress")).to_have_text("カード 1 / 10")
    assert api.get(f"/study_sessions/{session_of(page.url)}")["group_id"] == group


def test_an_error_from_the_server_is_shown_in_the_learners_language(
    chinese: BrowserContext, api: Portal, page_problems: PageProblems
) -> None:
    """A refusal the app shows as the server put it: the server's message, in Chinese."""
    page = chinese.new_page()
    url, session_id = api.launch("typing", "JLPT N4 - People and Family")
    api.expire(session_id)
    page_problems.allow(f"/study_sessions/{session_id}/next_words")  # its 422
    page.goto(url)
    expect(page.locator("#problem-title")).to_have_text("此学习会话已过期")
    expect(page.get_by_role("button", name="开始新的会话")).to_be_focused()
    body = page.evaluate(
        "async (id) => (await fetch(`/api/v1/study_sessions/${id}/next_words`)).json()",
        session_id,
    )
    assert body["error"]["code"] == "SESSION_EXPIRED"
    assert body["error"]["message"].startswith(f"学习会话 {session_id} 已因")


def test_english_is_the_default_with_the_spec_messages(page: Page, api: Portal) -> None:
    url, _ = api.launch("flashcards", "JLPT N5 - Nouns and Other Words")
    page.goto(url)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#session-notice")).to_have_text("Study session started")
    for _ in range(10):
        answer_card(page, knew_it=True)
    expect(page.locator("#result-complete")).to_have_text("Session completed! You learned 10 words")
