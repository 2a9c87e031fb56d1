"""A town officer creates an API token on its page, and the API's documentation page runs
Swagger UI under the site's real Content-Security-Policy (no bypass) and calls the API with
that token."""

import pytest

from tests.browser.conftest import PageProblems, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def create_token(page, personas) -> str:
    sign_in(page, "officer_a", personas.password)
    page.goto(f"{page.base_url}/api/tokens/new/")
    page.fill("#id_name", "城关镇看板")
    page.check("input[value='projects:read']")
    page.check("input[value='units:read']")
    page.click("text=创建令牌")
    page.wait_for_selector("[data-testid=new-token]")
    return page.input_value("[data-testid=new-token]")


def test_an_officer_creates_a_token_and_sees_it_listed_without_its_secret(page, personas):
    secret = create_token(page, personas)
    assert secret.startswith("zs_")
    page.click("text=我已保存，返回令牌列表")
    row = page.inner_text("[data-testid=token]")
    assert "城关镇看板" in row and "项目（读取）" in row and "有效" in row and secret not in page.content()
    assert page.problems.errors == []


def test_the_documentation_page_runs_under_the_csp_and_calls_the_api(page, browser, personas):
    secret = create_token(page, personas)
    # A context of its own that enforces the CSP (the shared fixture bypasses it for axe).
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
    docs = context.new_page()
    problems = PageProblems(docs)
    violations = []
    docs.on("console", lambda message: "Content Security Policy" in message.text and violations.append(message.text))
    docs.goto(f"{page.base_url}/accounts/login/")
    docs.fill("#id_username", "officer_a")
    docs.fill("#id_password", personas.password)
    docs.click("button[type=submit]")
    docs.wait_for_load_state("networkidle")
    docs.goto(f"{page.base_url}/api/v1/docs")
    docs.wait_for_selector(".swagger-ui .info .title")
    assert "招商引资综合管理平台 API" in docs.inner_text(".swagger-ui .info .title")
    docs.click("button.authorize")
    docs.fill(".modal-ux input[type=text], .modal-ux input[type=password]", secret)
    docs.click(".modal-ux button.authorize")
    docs.click(".modal-ux button.btn-done")
    docs.click(".opblock-summary-path[data-path='/api/v1/me']")
    docs.click("button.try-out__btn")
    docs.click("button.execute")
    docs.wait_for_selector(".responses-wrapper .live-responses-table")
    assert "officer_a" in docs.inner_text(".responses-wrapper .live-responses-table")
    assert violations == [] and problems.errors == []
    context.close()
