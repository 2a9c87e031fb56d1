"""Two-step sign-in as a user meets it: bind an authenticator from 个人信息, keep the
recovery codes, then sign in with the password and the code (desktop and phone width)."""

import base64
import time

import pytest
from django_otp.oath import TOTP

from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def current_code(secret_text: str) -> str:
    key = base64.b32decode(secret_text.replace(" ", "") + "=" * (-len(secret_text.replace(" ", "")) % 8))
    totp = TOTP(key, 30, 0, 6, 0)
    totp.time = time.time()
    return f"{totp.token():06d}"


@pytest.mark.parametrize("width", [1366, 390])
def test_an_officer_binds_an_authenticator_and_signs_in_with_it(page, personas, width):
    from zhaoshang.accounts.models import Authenticator

    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, "officer_a", personas.password)
    page.goto(f"{page.base_url}/accounts/profile/")
    page.click("text=启用两步验证")
    assert page.locator("[data-testid=mfa-qr] svg").count() == 1
    secret = page.inner_text("[data-testid=mfa-secret]")
    page.fill("#id_code", current_code(secret))
    page.click("button:has-text('绑定')")
    codes = page.locator("[data-testid=recovery-codes] li").all_inner_texts()
    assert len(codes) == 10
    page.click("text=已保存，进入系统")
    page.goto(f"{page.base_url}/accounts/profile/")
    assert "已启用" in page.inner_text("[data-testid=mfa-card]")

    # Sign out, sign in again: the password alone opens nothing.
    page.context.clear_cookies()
    sign_in(page, "officer_a", personas.password)
    assert "/accounts/mfa/" in page.url
    page.goto(f"{page.base_url}/projects/")
    assert "/accounts/mfa/" in page.url
    page.fill("#id_code", "000000")
    page.click("button:has-text('验证并进入')")
    assert "验证码错误" in page.inner_text("body")
    Authenticator.objects.filter(user__username="officer_a").update(last_step=-1)  # the next 30-second window
    time.sleep(1.2)  # after a wrong code the next try waits a second (django-otp's throttling)
    page.fill("#id_code", current_code(secret))
    page.click("button:has-text('验证并进入')")
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/projects/")
    assert page.problems.errors == []
