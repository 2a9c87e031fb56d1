"""Browser tests: Debian's Chromium driven by Playwright, against pytest-django's live server.

No browser is downloaded: Playwright launches /usr/bin/chromium. Playwright's sync API runs
an event loop in this thread, so Django's async-safety check is relaxed for these tests.

Every page a test visits is checked with axe-core (WCAG 2.0/2.1 A and AA): after each
``page.goto``, after ``sign_in``, and the page a test ends on. A critical or serious
violation fails the test with the rule, its impact and the elements it found.
"""

import os
import shutil
from pathlib import Path

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
    """Console errors, page errors and failed requests seen while a test ran.

    A request the browser itself cancelled because the page navigated away (the bell's poll,
    the favicon, while a form submits) is not a failure of the application."""

    def __init__(self, page):
        self.errors: list[str] = []
        page.on("console", lambda message: message.type == "error" and self.errors.append(f"console: {message.text}"))
        page.on("pageerror", lambda error: self.errors.append(f"pageerror: {error}"))
        page.on("requestfailed", self._failed)
        page.on(
            "response",
            lambda response: (
                response.status >= 400
                and "/static/" in response.url
                and self.errors.append(f"{response.status}: {response.url}")
            ),
        )

    def _failed(self, request) -> None:
        if "ERR_ABORTED" not in (request.failure or ""):
            self.errors.append(f"failed: {request.url}")


AXE_JS = Path(__file__).parent / "vendor" / "axe.min.js"
# The conformance target (GB/T 37668-2019 follows WCAG 2.0; the brief asks for 2.1 AA).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING_IMPACTS = ("critical", "serious")


def axe_violations(page, tags=AXE_TAGS) -> list[dict]:
    """axe-core's violations on the page as it is now (every impact), for the rules of ``tags``.

    Injected through Playwright rather than a <script> in the page, so it runs under the
    application's Content-Security-Policy (the context bypasses CSP) and is never served."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.add_script_tag(path=str(AXE_JS))
    return page.evaluate(
        """tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})
            .then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => ({target: n.target.join(' '), html: n.html}))})))""",
        list(tags),
    )


def describe_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(
            f"{violation['id']} ({violation['impact']}, {len(violation['nodes'])} elements): {violation['help']}"
        )
        lines.extend(f"    {node['target']}  {node['html'][:160]}" for node in violation["nodes"][:5])
    return "\n".join(lines)


def open_page(browser, live_server, *, width=1366, height=900):
    """A new browser window on the live server, with the checks every test page gets: problems
    recorded, and axe-core run after each ``goto`` (see ``_audit``)."""
    # bypass_csp lets axe be injected into pages served with a Content-Security-Policy.
    context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": height}, bypass_csp=True)
    page = context.new_page()
    page.problems = PageProblems(page)
    page.base_url = live_server.url
    page.audit_accessibility = True  # a test may turn it off for a page it leaves broken on purpose
    page.audited_urls = set()
    navigate = page.goto

    def goto(url, **kwargs):
        response = navigate(url, **kwargs)
        _audit(page)
        return response

    page.goto = goto
    return page


def assert_accessible(page) -> None:
    """Fail on critical or serious axe-core violations on the page as it is now."""
    blocking = [v for v in axe_violations(page) if v["impact"] in BLOCKING_IMPACTS]
    assert not blocking, f"accessibility violations on {page.url}:\n{describe_violations(blocking)}"


def _audit(page) -> None:
    """Check the page once per test and URL; pages that are not HTML (downloads) are skipped."""
    if not getattr(page, "audit_accessibility", False) or page.url in page.audited_urls:
        return
    if page.evaluate("document.contentType") != "text/html":
        return
    page.audited_urls.add(page.url)
    assert_accessible(page)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    # The page fixture checks the last page only when the test itself passed.
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def page(browser, live_server, request):
    page = open_page(browser, live_server)
    context = page.context
    yield page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.passed:
        _audit(page)
    context.close()


def sign_in(page, username, password):
    page.goto(f"{page.base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    _audit(page)
