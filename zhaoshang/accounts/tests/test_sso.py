"""Single sign-on's rules without a browser: off unless configured, accounts matched by user
name and never created, a refused or cancelled sign-in told in Chinese. The whole flow
against a real provider is in tests/browser/test_sso.py."""

import pytest
from django.urls import reverse

from zhaoshang.accounts.sso import UnifiedIdentityBackend
from zhaoshang.core.models import AuditLog

pytestmark = pytest.mark.django_db


@pytest.fixture
def sso_on(settings):
    settings.ZHAOSHANG_OIDC_ENABLED = True
    settings.AUTHENTICATION_BACKENDS = [
        "django.contrib.auth.backends.ModelBackend",
        "zhaoshang.accounts.sso.UnifiedIdentityBackend",
    ]
    settings.OIDC_RP_CLIENT_ID = "client"
    settings.OIDC_RP_CLIENT_SECRET = "secret"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = "http://127.0.0.1:9/auth"
    settings.OIDC_OP_TOKEN_ENDPOINT = "http://127.0.0.1:9/token"
    settings.OIDC_OP_USER_ENDPOINT = "http://127.0.0.1:9/me"
    settings.OIDC_OP_JWKS_ENDPOINT = "http://127.0.0.1:9/jwks"


def test_without_configuration_there_is_no_sso_button_and_its_urls_are_404(client):
    assert 'data-testid="sso-login"' not in client.get(reverse("accounts:login")).content.decode()
    assert client.get(reverse("accounts:sso_start")).status_code == 404
    assert client.get(reverse("accounts:sso_callback")).status_code == 404


def test_configured_the_login_page_offers_it_and_sends_the_user_to_the_platform_with_pkce(client, sso_on):
    assert 'data-testid="sso-login"' in client.get(reverse("accounts:login")).content.decode()
    response = client.get(reverse("accounts:sso_start"))
    assert response.status_code == 302
    assert response.url.startswith("http://127.0.0.1:9/auth?")
    assert "code_challenge=" in response.url and "state=" in response.url


def test_a_cancelled_sign_in_comes_back_to_the_login_page_with_a_chinese_message(client, sso_on):
    response = client.get(reverse("accounts:sso_callback"), {"error": "access_denied"}, follow=True)
    assert "统一身份认证登录未成功" in response.content.decode()


def test_accounts_are_matched_by_user_name_and_never_created(personas, settings):
    settings.ZHAOSHANG_OIDC_USERNAME_CLAIM = "preferred_username"
    backend = UnifiedIdentityBackend.__new__(UnifiedIdentityBackend)
    backend.UserModel = type(personas.officer_a)
    claims = {"preferred_username": "officer_a", "sub": "platform-0001"}
    assert list(backend.filter_users_by_claims(claims)) == [personas.officer_a]
    assert backend.create_user({"preferred_username": "newcomer"}) is None
    assert not backend.verify_claims({"sub": "x"})


def test_a_refused_platform_user_is_audited(personas, settings, sso_on):
    backend = UnifiedIdentityBackend()
    backend.get_userinfo = lambda *args: {"preferred_username": "stranger", "sub": "s-1"}
    assert backend.get_or_create_user("token", "id", {"preferred_username": "stranger", "sub": "s-1"}) is None
    assert AuditLog.objects.filter(action="login_failed", username="stranger").exists()


def test_a_deactivated_account_is_refused_through_the_platform(personas, settings, sso_on):
    personas.officer_b.is_active = False
    personas.officer_b.save()
    backend = UnifiedIdentityBackend()
    backend.get_userinfo = lambda *args: {"preferred_username": "officer_b", "sub": "b-1"}
    assert backend.get_or_create_user("token", "id", {"preferred_username": "officer_b", "sub": "b-1"}) is None


def test_an_unreachable_platform_reads_as_a_chinese_message_not_a_server_error(client, sso_on):
    client.get(reverse("accounts:sso_start"))  # puts the state into the session
    state = next(iter(client.session["oidc_states"]))
    response = client.get(reverse("accounts:sso_callback"), {"code": "abc", "state": state}, follow=True)
    assert response.status_code == 200
    assert "暂时无法连接统一身份认证平台" in response.content.decode()


def _platform_sign_in(claims):
    backend = UnifiedIdentityBackend()
    backend.get_userinfo = lambda *args: claims
    return backend.get_or_create_user("token", "id", claims)


def test_the_first_sign_in_binds_the_platform_identity_and_a_reused_user_name_is_refused(personas, sso_on):
    from django.core.management import call_command

    assert _platform_sign_in({"preferred_username": "officer_a", "sub": "zhang-san"}) == personas.officer_a
    personas.officer_a.refresh_from_db()
    assert personas.officer_a.sso_subject == "zhang-san"
    assert AuditLog.objects.filter(detail__contains="绑定统一身份认证身份").exists()
    # The platform gave the name to someone else: the account does not open for them.
    assert _platform_sign_in({"preferred_username": "officer_a", "sub": "li-si"}) is None
    assert AuditLog.objects.filter(action="login_failed", detail__contains="已绑定另一个统一身份认证身份").exists()
    # Nor does the bound identity open a second account under another name.
    assert _platform_sign_in({"preferred_username": "officer_b", "sub": "zhang-san"}) is None
    assert _platform_sign_in({"preferred_username": "officer_a", "sub": "zhang-san"}) == personas.officer_a
    call_command("sso_unbind", "officer_a", reason="统一身份认证平台重建账号")
    assert _platform_sign_in({"preferred_username": "officer_a", "sub": "li-si"}) == personas.officer_a
