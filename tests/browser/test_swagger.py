"""The API's own page: Swagger UI 5 renders the OpenAPI 3.1 document and runs a request."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.browser.conftest import ACTION_TIMEOUT_MS
from tests.reliability.server import Server

Screenshot = Callable[[Page, str], Path]


def _operation_count(portal: Server) -> int:
    with urllib.request.urlopen(f"{portal.base_url}/openapi.json", timeout=10) as response:
        document = json.load(response)
    methods = {"get", "post", "put", "patch", "delete"}
    return sum(1 for item in document["paths"].values() for method in item if method in methods)


def test_swagger_lists_every_operation(page: Page, portal: Server, screenshot: Screenshot) -> None:
    page.goto("/swagger/index.html")
    expect(page.locator(".information-container .title")).to_contain_text("lang-portal API")
    # FastAPI writes OpenAPI 3.1, which Swagger UI 4 could not read
    expect(page.locator(".version-stamp")).to_contain_text("OAS 3.1")
    operations = page.locator(".opblock")
    expect(operations).to_have_count(_operation_count(portal))
    expect(page.get_by_text("Unable to render this definition")).to_have_count(0)
    screenshot(page, "swagger")


def test_swagger_try_it_out_runs_a_get(
    page: Page, screenshot: Screenshot, screenshot_dir: Path
) -> None:
    page.goto("/swagger/index.html")
    # Swagger UI renders every operation before it answers a click: slow on a loaded machine
    page.set_default_timeout(3 * ACTION_TIMEOUT_MS)
    operation = page.locator(".opblock-get").filter(
        has=page.locator(".opblock-summary-path", has_text="/api/v1/analytics/streaks")
    )
    operation.locator(".opblock-summary").click()
    operation.get_by_role("button", name="Try it out").click()
    with page.expect_response("**/api/v1/analytics/streaks") as answered:
        operation.get_by_role("button", name="Execute").click()
    assert answered.value.status == 200
    live = operation.locator(".live-responses-table")
    expect(live.locator("tr.response .response-col_status")).to_have_text("200")
    expect(live.locator("tr.response .response-col_description")).to_contain_text(
        '"status": "success"'
    )
    screenshot(page, "try-it-out")
    # the response alone, readable (the whole page is some 17,000 pixels high)
    live.screenshot(path=screenshot_dir / "test_swagger.py_try-it-out-response.png")


def test_swagger_on_a_phone(page: Page, screenshot: Screenshot) -> None:
    page.set_viewport_size({"width": 375, "height": 812})
    page.goto("/swagger/index.html")
    expect(page.locator(".opblock").first).to_be_visible()
    screenshot(page, "swagger-phone")
