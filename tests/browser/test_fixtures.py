"""The browser fixtures themselves: what they report as a problem, and what they let pass."""

from __future__ import annotations

from playwright.sync_api import Browser, Page

from tests.browser.conftest import PageProblems, watch
from tests.reliability.server import Server


def test_a_clean_page_passes(page: Page) -> None:
    response = page.goto("/health")
    assert response is not None and response.status == 200
    assert '"healthy"' in page.content()


def test_failed_requests_and_errors_are_reported_unless_allowed(
    browser: Browser, portal: Server
) -> None:
    context = browser.new_context(base_url=portal.base_url)
    try:
        strict, lenient = PageProblems(), PageProblems()
        lenient.allow("/aborted-on-purpose")
        lenient.allow("/no-such-path")
        for problems in (strict, lenient):
            page = context.new_page()
            watch(page, problems)
            page.route("**/aborted-on-purpose", lambda route: route.abort())
            page.goto("/health")
            page.evaluate(
                """async () => {
                    await fetch('/aborted-on-purpose').catch(() => {});
                    await fetch('/no-such-path');
                    setTimeout(() => { throw new Error('thrown on purpose'); });
                }"""
            )
            page.wait_for_function("() => true")
            page.wait_for_timeout(100)
            page.close()
    finally:
        context.close()
    report = "\n".join(strict.problems)
    assert "request failed: GET" in report and "/aborted-on-purpose" in report
    assert "HTTP 404: GET" in report and "/no-such-path" in report
    assert "console error: Failed to load resource" in report
    assert "page error: thrown on purpose" in report
    assert lenient.problems == ["page error: thrown on purpose"]
