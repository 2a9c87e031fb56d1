"""Every role signs in through the real form and sees its own home, in Chinese, with no
console errors and every vendored asset loaded."""

import pytest

from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HOME_TITLES = {
    "officer_a": "单位填报员工作台",
    "bureau": "招商局工作台",
    "leader": "领导工作台",
    "sysadmin": "系统管理员工作台",
    "auditor": "审计员工作台",
}


@pytest.mark.parametrize("username", list(HOME_TITLES))
def test_each_role_signs_in_and_sees_its_own_home(page, personas, username):
    sign_in(page, username, personas.password)
    assert HOME_TITLES[username] in page.inner_text("[data-testid=home-title]")
    assert page.inner_text("[data-testid=current-user]").strip()
    assert page.evaluate("typeof window.htmx") == "object", "vendored htmx did not load"
    assert page.problems.errors == []


def test_five_wrong_passwords_lock_the_account(page, personas):
    for _ in range(5):
        sign_in(page, "officer_a", "Wrong-Password-1")
    sign_in(page, "officer_a", personas.password)
    assert "账号已锁定" in page.inner_text("[data-testid=login-error]")


def test_chinese_text_renders_with_a_cjk_font(page, personas):
    page.goto(f"{page.base_url}/accounts/login/")
    # A CJK glyph is as wide as it is tall; a missing font renders boxes or nothing.
    width = page.evaluate(
        """() => { const s = document.createElement('span'); s.style.fontSize = '20px';
        s.textContent = '招商引资'; document.body.appendChild(s); return s.getBoundingClientRect().width; }"""
    )
    assert width > 60
    assert page.evaluate("document.fonts.check('16px \"WenQuanYi Micro Hei\"')")


def test_the_sidebar_shows_user_management_to_the_system_admin_only(page, personas):
    sign_in(page, "sysadmin", personas.password)
    assert page.locator("aside >> text=用户管理").count() == 1
    page.context.clear_cookies()
    sign_in(page, "officer_a", personas.password)
    assert page.locator("aside >> text=用户管理").count() == 0
