"""Browser tests: headless Chromium driven by Playwright's sync API against `live_server`.

Debian's Chromium is used (never `playwright install`); CI installs it with
`make chromium`. Each test gets isolated browser contexts from `new_page`, so
two people (or a logged-out visitor) can use the site side by side.
"""

import contextlib
import os
import re
from collections.abc import Callable, Generator, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Page,
    Response,
    expect,
    sync_playwright,
)
from playwright.sync_api import Error as PlaywrightError

# Playwright's sync API keeps an asyncio loop running in the main thread (in a
# greenlet) for as long as the browser is open, so Django takes every ORM call
# made from the tests (factories, graph.add_edge, the test database flush) for
# a call from async code and refuses it. Nothing here is actually concurrent.
# Set before any test touches the database; the browser lives for the whole
# session, so later test modules need it too.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

NewPage = Callable[..., Page]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    # Remember each phase's outcome on the item so fixtures can tell, at teardown,
    # whether the test failed (and save screenshots of what the browser showed).
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.skip(
            f"browser tests need Chromium at {CHROMIUM}: install it with `make chromium` "
            "(apt-get install chromium), or point E2E_CHROMIUM at another binary"
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        expect.set_options(timeout=5_000)
        yield browser
        browser.close()


@pytest.fixture
def new_page(
    browser: Browser, live_server: Any, request: pytest.FixtureRequest
) -> Generator[NewPage]:
    """Open a page in a fresh, isolated browser context (own cookies: own session).

    `new_page()` is a logged-out visitor; `new_page(java_script_enabled=False)`
    a browser without JavaScript. Relative URLs resolve against the live server.
    At teardown the test fails if the server answered 5xx or a page threw a
    JavaScript error; on failure every page is saved to test-artifacts/.
    """
    contexts: list[BrowserContext] = []
    problems: list[str] = []

    def on_response(response: Response) -> None:
        if response.status >= 500:
            problems.append(f"{response.status} from {response.request.method} {response.url}")

    def make(**options: Any) -> Page:
        context = browser.new_context(
            base_url=live_server.url,
            locale="en-US",
            viewport={"width": 1280, "height": 900},
            **options,
        )
        context.set_default_timeout(5_000)
        context.on("response", on_response)
        page = context.new_page()
        page.on("pageerror", lambda exc: problems.append(f"JavaScript error: {exc}"))
        contexts.append(context)
        return page

    yield make

    call = getattr(request.node, "rep_call", None)
    if call is not None and call.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.nodeid)
        for i, context in enumerate(contexts):
            for j, page in enumerate(context.pages):
                # Best effort: a crashed page must not hide the test's own failure.
                with contextlib.suppress(PlaywrightError):
                    page.screenshot(path=ARTIFACTS / f"{name}-{i}-{j}.png", full_page=True)
                    (ARTIFACTS / f"{name}-{i}-{j}.html").write_text(page.content())
    for context in contexts:
        context.close()
    assert not problems, "the browser saw errors:\n" + "\n".join(problems)
