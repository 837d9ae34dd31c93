"""The portal page in the learner's language: a browser set to Japanese or Chinese gets the page's
own texts (navigation, headings, figures, charts, tables, errors) in that language from the
catalog, the server's messages in it too, and a language the catalog lacks gets English."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.browser.conftest import ACTION_TIMEOUT_MS, PageProblems, Screenshot, watch
from tests.browser.test_portal import GROUP, api_get
from tests.reliability.server import Server


@pytest.fixture
def localized(
    browser: Browser, portal: Server, page_problems: PageProblems, request: pytest.FixtureRequest
) -> Iterator[BrowserContext]:
    """A browser context whose languages are `request.param` (navigator and Accept-Language)."""
    context = browser.new_context(
        base_url=portal.base_url, locale=request.param, viewport={"width": 1024, "height": 768}
    )
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    context.on("page", lambda opened: watch(opened, page_problems))
    yield context
    context.close()
    assert not page_problems.problems, "\n".join(page_problems.problems)


def _open(context: BrowserContext, hash_path: str, heading: str) -> Page:
    page = context.new_page()
    page.goto(f"/{hash_path}")
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    expect(page.locator("main")).not_to_have_attribute("aria-busy", "true")
    return page


def _no_key_shown(page: Page) -> None:
    """No catalog key left in place of a text (a key the served set lacks shows as itself)."""
    shown = page.evaluate(
        """() => document.body.innerText + " " +
            [...document.querySelectorAll("[aria-label], title, desc, option")]
                .map((node) => node.getAttribute("aria-label") || node.textContent).join(" ")"""
    )
    assert not re.search(r"\bportal\.[a-z_]+\.", shown), shown


@pytest.mark.parametrize("localized", ["ja-JP"], indirect=True)
def test_the_portal_in_japanese(
    localized: BrowserContext, screenshot: Screenshot, page_problems: PageProblems
) -> None:
    page_problems.allow("/api/v1/words/99999999")  # the unknown word, at the end
    page = _open(localized, "", "ダッシュボード")
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    expect(page).to_have_title("ダッシュボード · lang-portal")
    expect(page.get_by_role("navigation", name="メイン")).to_be_visible()
    expect(page.get_by_role("link", name="本文へスキップ")).to_be_attached()
    expect(page.get_by_role("link", name="単語", exact=True)).to_have_attribute("href", "#/words")
    expect(page.get_by_role("heading", name="今日")).to_be_visible()
    expect(
        page.get_by_role("region", name="学習パス").locator('[data-path="current"]')
    ).to_have_text(re.compile(r"^現在のレベル: JLPT N5 · 671 語中 \d+ 語を習得$"))
    expect(page.locator('[data-level="N4"]')).to_contain_text("ロック中 · 637 語中 0 語を習得")
    expect(page.get_by_role("button", name="起動")).to_be_visible()
    expect(page.locator(".launch-due")).to_contain_text("このグループで今すぐ復習する単語")
    expect(page.get_by_role("img", name=re.compile("^1 日ごとの回答数と正解率"))).to_be_visible()
    # the chart's own words (axis names, dates) in Japanese too
    expect(page.locator("#chart-progress .axis-label").first).to_have_text("回答")
    bar_tip = page.locator("#chart-progress rect.bar title").last.text_content() or ""
    assert re.match(r"^\d+月\d+日: 回答 \d+", bar_tip), bar_tip
    page.locator("#chart-progress summary").click()
    expect(page.locator("#chart-progress caption")).to_have_text("1 日ごとの回答")
    _no_key_shown(page)
    screenshot(page, "dashboard-ja")

    page.get_by_role("link", name="単語", exact=True).click()
    search = page.get_by_label("日本語・ローマ字・英語で検索")
    expect(search).to_be_focused()
    search.fill("taberu")
    page.get_by_role("button", name="検索").click()
    expect(page.locator(".result-count")).to_have_text("「taberu」に一致する単語 1 語")
    expect(page).to_have_title("「taberu」 · 単語 · lang-portal")
    expect(page.get_by_role("columnheader", name="英語")).to_be_attached()
    page.get_by_role("link", name="食べる").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("食べる")
    expect(page.get_by_role("heading", name="記憶")).to_be_visible()
    expect(page.locator(".facts dt").first).to_have_text("状態")
    # the word's English is marked as English inside the Japanese page
    expect(page.locator('.facts dd span[lang="en"]')).to_have_text("to eat")
    _no_key_shown(page)
    screenshot(page, "word-ja")

    # a refusal of the server's in its own Japanese, the page's around it
    gone = localized.new_page()
    gone.goto("/#/words/99999999")
    expect(gone.get_by_role("heading", level=1)).to_have_text("見つかりません")
    expect(gone.get_by_role("alert")).to_have_text("単語 99999999 が見つかりません")
    gone.get_by_role("link", name="ダッシュボードに戻る").click()
    expect(gone.get_by_role("heading", level=1)).to_have_text("ダッシュボード")


@pytest.mark.parametrize("localized", ["zh-CN"], indirect=True)
def test_the_portal_in_chinese(
    localized: BrowserContext, screenshot: Screenshot, page_problems: PageProblems
) -> None:
    page_problems.allow("/api/v1/words/99999999")  # the unknown word, at the end
    page = _open(localized, "#/groups", "分组")
    expect(page.locator("html")).to_have_attribute("lang", "zh")
    expect(page).to_have_title("分组 · lang-portal")
    groups = api_get(page.request, "/groups", per_page=100)
    expect(page.locator(".result-count")).to_have_text(f"{len(groups)} 个分组")
    page.get_by_label("筛选分组").fill("N5 - Verbs")
    expect(page.locator(".result-count")).to_have_text(f"{len(groups)} 个分组中的 1 个")
    page.get_by_role("link", name=GROUP).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(GROUP)
    expect(page.locator(".subtitle")).to_have_text(re.compile(r"^\d+ 个单词 · 现在到期 \d+ 个$"))
    expect(page.get_by_role("heading", name="学习这个分组")).to_be_visible()
    expect(page.get_by_role("group", name="学习应用")).to_be_visible()
    expect(page.get_by_role("button", name="启动")).to_be_visible()
    expect(page.get_by_role("heading", name="最近的会话")).to_be_visible()
    _no_key_shown(page)
    screenshot(page, "group-zh")

    dashboard = _open(localized, "", "仪表板")
    expect(dashboard.get_by_role("heading", name="接下来")).to_be_visible()
    expect(dashboard.locator('[data-stat="due"] + .stat-label')).to_have_text("现在到期的单词")
    expect(dashboard.get_by_role("img", name=re.compile("^FSRS 校准"))).to_be_visible()
    _no_key_shown(dashboard)

    missing = localized.new_page()
    missing.goto("/#/words/99999999")
    expect(missing.get_by_role("heading", level=1)).to_have_text("未找到")
    expect(missing.get_by_role("alert")).to_have_text("未找到单词 99999999")
    expect(missing.get_by_role("link", name="返回仪表板")).to_be_visible()


@pytest.mark.parametrize("localized", ["fr-FR"], indirect=True)
def test_a_language_the_catalog_lacks_gets_english(localized: BrowserContext) -> None:
    page = _open(localized, "", "Dashboard")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert page.evaluate("navigator.language") == "fr-FR"
    expect(page.get_by_role("link", name="Skip to content")).to_be_attached()
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    expect(page.get_by_role("heading", name="Learning path")).to_be_visible()
    expect(page.get_by_role("button", name="Launch")).to_be_visible()
    expect(page.locator(".launch-due")).to_contain_text("due now in this group")
    bar_tip = page.locator("#chart-progress rect.bar title").last.text_content() or ""
    assert re.match(r"^[A-Z][a-z]{2} \d+: \d+ answers", bar_tip), bar_tip
    _no_key_shown(page)
