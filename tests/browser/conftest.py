"""Browser tests: Debian's Chromium driven by Playwright, against pytest-django's live server.

No browser is downloaded: Playwright launches /usr/bin/chromium. Playwright's sync API runs
an event loop in this thread, so Django's async-safety check is relaxed for these tests.
"""

import os
import shutil

import pytest

CHROMIUM = os.environ.get("ZHAOSHANG_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: scripts/test installs Debian's chromium package.")
    from playwright.sync_api import sync_playwright

    # Only while a browser runs: Playwright's sync API keeps an event loop in this thread.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield instance
            instance.close()
    finally:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


class PageProblems:
    """Console errors, page errors and failed requests seen while a test ran."""

    def __init__(self, page):
        self.errors: list[str] = []
        page.on("console", lambda message: message.type == "error" and self.errors.append(f"console: {message.text}"))
        page.on("pageerror", lambda error: self.errors.append(f"pageerror: {error}"))
        page.on("requestfailed", lambda request: self.errors.append(f"failed: {request.url}"))
        page.on(
            "response",
            lambda response: (
                response.status >= 400
                and "/static/" in response.url
                and self.errors.append(f"{response.status}: {response.url}")
            ),
        )


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.problems = PageProblems(page)
    page.base_url = live_server.url
    yield page
    context.close()


def sign_in(page, username, password):
    page.goto(f"{page.base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
