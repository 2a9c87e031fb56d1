"""Single sign-on through a real OpenID Connect provider run on loopback (oidc-provider):
an officer with an account here signs in through the platform and keeps the role given
here; a platform user without an account here is refused in Chinese and audited."""

import pytest

from tests.oidc.provider import configure, running_provider

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def provider(live_server, settings):
    redirect = f"{live_server.url}/accounts/sso/callback/"
    with running_provider(redirect) as issuer:
        configure(settings, issuer)
        yield issuer


def sign_in_at_platform(page, login: str):
    page.goto(f"{page.base_url}/accounts/login/")
    page.click("[data-testid=sso-login]")
    page.wait_for_selector("input[name=login]")
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", "any")
    page.click("button[type=submit]")
    consent = page.locator("button[type=submit]")
    if "/interaction/" in page.url and consent.count():
        consent.first.click()
    page.wait_for_load_state("networkidle")


def test_an_officer_signs_in_through_the_platform_with_the_role_given_here(page, personas, provider):
    from zhaoshang.core.models import AuditLog

    sign_in_at_platform(page, "officer_a")
    assert page.url.rstrip("/") == page.base_url
    assert "单位填报员工作台" in page.inner_text("[data-testid=home-title]")
    assert AuditLog.objects.filter(action="login", username="officer_a").exists()
    # The town's officer sees only the town: the role and unit came from here, not the token.
    page.goto(f"{page.base_url}/projects/")
    assert page.url.endswith("/projects/")


def test_a_platform_user_without_an_account_here_is_refused_and_audited(page, personas, provider):
    from zhaoshang.core.models import AuditLog

    sign_in_at_platform(page, "stranger")
    assert "/accounts/login/" in page.url
    assert "没有与您的统一身份对应的可用账号" in page.inner_text("body")
    assert AuditLog.objects.filter(action="login_failed", username="stranger", detail__contains="统一身份认证").exists()
