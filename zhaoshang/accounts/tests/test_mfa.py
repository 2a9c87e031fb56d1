"""The second factor (两步验证): an authenticator's code after the password, recovery codes,
mandatory per role, removal by the system admin for a lost phone — each step audited."""

import time

import pytest
from django.urls import reverse
from django_otp.oath import TOTP

from zhaoshang.accounts import mfa
from zhaoshang.accounts.models import Authenticator
from zhaoshang.core.models import AuditLog

pytestmark = pytest.mark.django_db


def code_for(device) -> str:
    """The authenticator's current code. A code is accepted once (no replay), so each call
    stands for a later 30-second window: the device forgets the last step it accepted."""
    Authenticator.objects.filter(pk=device.pk).update(last_step=-1)
    totp = TOTP(device.bin_key, 30, 0, 6, 0)
    totp.time = time.time()
    return f"{totp.token():06d}"


def test_a_code_is_accepted_once(personas, client):
    device, _ = bind(client, personas.officer_a, personas.password)
    code = code_for(device)
    sign_in(client, personas.officer_a, personas.password)
    assert client.post(reverse("accounts:mfa_verify"), {"code": code}).status_code == 302
    client.post(reverse("accounts:logout"))
    sign_in(client, personas.officer_a, personas.password)
    assert "验证码错误" in client.post(reverse("accounts:mfa_verify"), {"code": code}).content.decode()


def sign_in(client, user, password):
    return client.post(reverse("accounts:login"), {"username": user.username, "password": password})


def bind(client, user, password) -> tuple[Authenticator, list[str]]:
    """Sign in and bind an authenticator through the pages, as a user would."""
    sign_in(client, user, password)
    client.get(reverse("accounts:mfa_setup"))
    device = Authenticator.objects.get(user=user, confirmed=False)
    response = client.post(reverse("accounts:mfa_setup"), {"code": code_for(device)})
    assert response.status_code == 302 and response.url == reverse("accounts:mfa_codes")
    codes_page = client.get(reverse("accounts:mfa_codes")).content.decode()
    codes = [code for code in _codes_in(codes_page)]
    assert len(codes) == 10
    client.post(reverse("accounts:logout"))
    device.refresh_from_db()
    return device, codes


def _codes_in(page: str) -> list[str]:
    import re

    block = page.split('data-testid="recovery-codes"', 1)[1].split("</ul>", 1)[0]
    return re.findall(r"<li[^>]*>([A-Z0-9]{5}-[A-Z0-9]{5})</li>", block)


def test_without_a_second_factor_a_user_signs_in_with_the_password_alone(personas, client):
    sign_in(client, personas.officer_a, personas.password)
    assert client.get(reverse("projects:list")).status_code == 200


def test_binding_shows_a_qr_code_and_the_secret_and_is_audited(personas, client):
    sign_in(client, personas.officer_a, personas.password)
    page = client.get(reverse("accounts:mfa_setup")).content.decode()
    assert "<svg" in page and 'data-testid="mfa-secret"' in page
    device, _ = bind(client, personas.officer_a, personas.password)
    assert device.confirmed
    assert AuditLog.objects.filter(action="mfa_change", detail__contains="启用两步验证").exists()


def test_a_wrong_code_at_binding_is_refused_in_chinese_and_binds_nothing(personas, client):
    sign_in(client, personas.officer_a, personas.password)
    client.get(reverse("accounts:mfa_setup"))
    response = client.post(reverse("accounts:mfa_setup"), {"code": "000000"})
    assert "验证码不正确" in response.content.decode()
    assert not Authenticator.objects.filter(user=personas.officer_a, confirmed=True).exists()


def test_after_the_password_no_page_opens_until_the_code_is_given(personas, client):
    device, _ = bind(client, personas.officer_a, personas.password)
    sign_in(client, personas.officer_a, personas.password)
    response = client.get(reverse("projects:list"))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:mfa_verify"))
    # htmx fragments and exports are gated too.
    fragment = client.get(reverse("projects:list"), HTTP_HX_REQUEST="true")
    assert fragment.status_code == 204 and fragment["HX-Redirect"].startswith(reverse("accounts:mfa_verify"))
    response = client.post(reverse("accounts:mfa_verify") + "?next=/projects/", {"code": code_for(device)})
    assert response.status_code == 302 and response.url == "/projects/"
    assert client.get(reverse("projects:list")).status_code == 200


def test_a_wrong_code_is_refused_in_chinese_and_audited(personas, client):
    bind(client, personas.officer_a, personas.password)
    sign_in(client, personas.officer_a, personas.password)
    response = client.post(reverse("accounts:mfa_verify"), {"code": "123456"})
    assert "验证码错误" in response.content.decode()
    assert AuditLog.objects.filter(action="mfa_failed", username="officer_a").exists()
    assert client.get(reverse("projects:list")).status_code == 302


def test_a_recovery_code_opens_the_session_once(personas, client):
    _, codes = bind(client, personas.officer_a, personas.password)
    sign_in(client, personas.officer_a, personas.password)
    assert client.post(reverse("accounts:mfa_verify"), {"code": codes[0].lower()}).status_code == 302
    assert client.get(reverse("projects:list")).status_code == 200
    assert AuditLog.objects.filter(action="mfa_recovery", detail__contains="剩余 9").exists()
    client.post(reverse("accounts:logout"))
    sign_in(client, personas.officer_a, personas.password)
    response = client.post(reverse("accounts:mfa_verify"), {"code": codes[0]})
    assert "验证码错误" in response.content.decode()


def test_recovery_codes_are_not_stored_readable(personas, client):
    _, codes = bind(client, personas.officer_a, personas.password)
    stored = list(personas.officer_a.recovery_codes.values_list("digest", flat=True))
    assert len(stored) == 10
    assert not any(code.replace("-", "") in digest for code in codes for digest in stored)


def test_a_role_that_requires_it_must_bind_an_authenticator_first(personas, client, settings):
    settings.ZHAOSHANG_MFA_REQUIRED_ROLES = ["bureau"]
    sign_in(client, personas.bureau, personas.password)
    response = client.get(reverse("projects:list"))
    assert response.status_code == 302 and response.url == reverse("accounts:mfa_setup")
    assert "必须启用两步验证" in client.get(reverse("accounts:mfa_setup")).content.decode()
    # Other roles are not held up.
    other = client.__class__()
    sign_in(other, personas.officer_a, personas.password)
    assert other.get(reverse("projects:list")).status_code == 200


def test_a_required_second_factor_cannot_be_turned_off_by_its_user(personas, client, settings):
    settings.ZHAOSHANG_MFA_REQUIRED_ROLES = ["officer"]
    device, _ = bind(client, personas.officer_a, personas.password)
    sign_in(client, personas.officer_a, personas.password)
    client.post(reverse("accounts:mfa_verify"), {"code": code_for(device)})
    client.post(reverse("accounts:mfa_remove_own"), {"code": code_for(device)})
    assert mfa.has_second_factor(personas.officer_a)


def test_an_optional_second_factor_is_turned_off_with_a_current_code(personas, client):
    device, _ = bind(client, personas.officer_a, personas.password)
    sign_in(client, personas.officer_a, personas.password)
    client.post(reverse("accounts:mfa_verify"), {"code": code_for(device)})
    client.post(reverse("accounts:mfa_remove_own"), {"code": code_for(device)})
    assert not mfa.has_second_factor(personas.officer_a)
    assert AuditLog.objects.filter(action="mfa_change", detail__contains="本人解除").exists()


def test_the_system_admin_removes_a_lost_phones_second_factor_with_a_reason(personas, client):
    bind(client, personas.officer_a, personas.password)
    client.force_login(personas.sysadmin)
    url = reverse("accounts:user_reset_mfa", args=[personas.officer_a.pk])
    client.post(url, {"reason": ""})
    assert mfa.has_second_factor(personas.officer_a)
    client.post(url, {"reason": "手机丢失，已电话核实本人"})
    assert not mfa.has_second_factor(personas.officer_a)
    row = AuditLog.objects.filter(action="mfa_change", detail__contains="手机丢失").get()
    assert row.object_id == str(personas.officer_a.pk)


@pytest.mark.parametrize("persona", ["bureau", "leader", "officer_a", "auditor"])
def test_only_the_system_admin_removes_someone_elses_second_factor(personas, client, persona):
    bind(client, personas.officer_b, personas.password)
    client.force_login(getattr(personas, persona))
    client.post(reverse("accounts:user_reset_mfa", args=[personas.officer_b.pk]), {"reason": "x"})
    assert mfa.has_second_factor(personas.officer_b)


def test_the_profile_says_whether_the_second_factor_is_on(personas, client):
    client.force_login(personas.officer_a)
    assert "启用两步验证" in client.get(reverse("accounts:profile")).content.decode()


def test_the_authenticators_shared_secret_is_not_readable_in_the_database(personas, client):
    from django.db import connection

    device, _ = bind(client, personas.officer_a, personas.password)
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM accounts_authenticator WHERE id = %s", [device.pk])
        (stored,) = cursor.fetchone()
    assert len(device.secret) == 40 and device.secret not in stored  # a database copy does not give the codes
    device.refresh_from_db()
    assert sign_in(client, personas.officer_a, personas.password).status_code == 302
    assert client.post(reverse("accounts:mfa_verify"), {"code": code_for(device)}).status_code == 302
