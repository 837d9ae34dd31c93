"""Pages tested in a real browser: Debian's Chromium driven by Playwright, against a real server.

* `portal`: one `lang-portal serve` process for the whole run, on a free loopback port, with a
  fresh temporary database seeded from `seeds/` (tests that count things start their own study
  sessions on a group of their own, so they do not disturb each other).
  `start_portal(**env)` starts another one.
* `page`: a new browser context (fresh storage) whose base URL is the portal. The test fails on
  any console error, uncaught page error, failed request or HTTP error response, except those
  declared with `page_problems.allow(url_part)`. A screenshot of every page still open is saved
  at the end of the test into `test-output/screenshots/`; `screenshot(name)` saves one sooner.

Nothing is downloaded at test time: the browser is the system's (`CHROMIUM_PATH`, default
/usr/bin/chromium; `.ci/run` installs Debian's `chromium` when it is missing).
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Playwright,
    Request,
    Response,
    expect,
    sync_playwright,
)

from lang_portal.settings import PROJECT_ROOT
from tests.reliability.server import Server, running_server

CHROMIUM_PATH = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOT_DIR = PROJECT_ROOT / "test-output" / "screenshots"
# Long enough for a loaded 2-core machine, short enough that a broken page fails quickly.
ACTION_TIMEOUT_MS = 10_000
expect.set_options(timeout=ACTION_TIMEOUT_MS)

PortalStarter = Callable[..., Server]


class Screenshot(Protocol):
    def __call__(self, page: Page, name: str, *, full_page: bool = True) -> Path: ...


@pytest.fixture(scope="session")
def start_portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PortalStarter]:
    """Starts a `lang-portal serve` with a fresh database; extra keyword arguments are env vars."""
    with ExitStack() as stack:

        def start(**env: str) -> Server:
            database = tmp_path_factory.mktemp("portal") / "portal.db"
            return stack.enter_context(running_server(database, workers=1, **env))

        yield start


@pytest.fixture(scope="session")
def portal(start_portal: PortalStarter) -> Server:
    # Every test studies new words of its own group; the daily allowance is the whole run's.
    return start_portal(SRS_NEW_WORDS_PER_DAY="10000")


@pytest.fixture(scope="session")
def playwright_driver() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright_driver: Playwright) -> Iterator[Browser]:
    if not CHROMIUM_PATH.exists():
        pytest.fail(f"no browser at {CHROMIUM_PATH}: `apt-get install -y chromium` (.ci/run does)")
    launched = playwright_driver.chromium.launch(
        executable_path=str(CHROMIUM_PATH), headless=True, args=CHROMIUM_ARGS
    )
    yield launched
    launched.close()


@dataclass
class PageProblems:
    """What went wrong in the pages of one test, minus what the test said it expects."""

    problems: list[str] = field(default_factory=list)
    allowed: list[str] = field(default_factory=list)

    def allow(self, url_part: str) -> None:
        """Expect failures of requests whose URL contains `url_part` (e.g. an aborted POST)."""
        self.allowed.append(url_part)

    def _is_allowed(self, url: str) -> bool:
        return any(part in url for part in self.allowed)

    def on_console(self, message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        url = str(message.location.get("url", ""))
        # Chromium reports a failed fetch on the console too, located at the request's URL.
        if re.match(r"Failed to load resource", message.text) and self._is_allowed(url):
            return
        self.problems.append(f"console error: {message.text} ({url})")

    def on_page_error(self, error: Exception) -> None:
        self.problems.append(f"page error: {error}")

    def on_request_failed(self, request: Request) -> None:
        if not self._is_allowed(request.url):
            self.problems.append(
                f"request failed: {request.method} {request.url}: {request.failure}"
            )

    def on_response(self, response: Response) -> None:
        if response.status >= 400 and not self._is_allowed(response.url):
            self.problems.append(
                f"HTTP {response.status}: {response.request.method} {response.url}"
            )


@pytest.fixture
def page_problems() -> PageProblems:
    return PageProblems()


def _screenshot_stem(request: pytest.FixtureRequest) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid.split("tests/browser/")[-1])


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    """Emptied once per run, so that what it holds is this run's pages."""
    shutil.rmtree(SCREENSHOT_DIR, ignore_errors=True)
    SCREENSHOT_DIR.mkdir(parents=True)
    return SCREENSHOT_DIR


@pytest.fixture
def screenshot(request: pytest.FixtureRequest, screenshot_dir: Path) -> Iterator[Screenshot]:
    stem = _screenshot_stem(request)
    taken: list[Path] = []

    def take(page: Page, name: str, *, full_page: bool = True) -> Path:
        path = screenshot_dir / f"{stem}--{len(taken) + 1:02d}-{name}.png"
        page.screenshot(path=path, full_page=full_page)
        taken.append(path)
        return path

    yield take


def watch(page: Page, problems: PageProblems) -> None:
    """Reports every problem of `page` to `problems` (done for each page of a `context`)."""
    page.on("console", problems.on_console)
    page.on("pageerror", problems.on_page_error)
    page.on("requestfailed", problems.on_request_failed)
    page.on("response", problems.on_response)


@pytest.fixture
def context(
    browser: Browser,
    portal: Server,
    page_problems: PageProblems,
    screenshot: Screenshot,
) -> Iterator[BrowserContext]:
    created = browser.new_context(base_url=portal.base_url, viewport={"width": 1024, "height": 768})
    created.set_default_timeout(ACTION_TIMEOUT_MS)
    created.on("page", lambda opened: watch(opened, page_problems))
    yield created
    for index, open_page in enumerate(created.pages):
        if not open_page.is_closed():
            # the window only: a long page's full height costs seconds, for a last look
            screenshot(open_page, f"end-{index}", full_page=False)
    created.close()
    assert not page_problems.problems, "\n".join(page_problems.problems)


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()
