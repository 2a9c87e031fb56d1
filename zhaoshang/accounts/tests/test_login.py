"""Signing in: lockout by user name, audit of logins, forced password change."""

import datetime

from django.urls import reverse
from django.utils import timezone

from zhaoshang.accounts.services import lockout_until
from zhaoshang.core.models import AuditLog


def login(client, username, password):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def test_a_user_signs_in_and_the_login_is_audited(personas, client):
    response = login(client, "officer_a", personas.password)
    assert response.status_code == 302
    assert AuditLog.objects.filter(action="login", username="officer_a").count() == 1


def test_a_wrong_password_says_so_in_chinese_and_is_audited(personas, client):
    response = login(client, "officer_a", "wrong-Password1")
    assert "用户名或密码错误" in response.content.decode()
    assert AuditLog.objects.filter(action="login_failed", username="officer_a").count() == 1


def test_an_unknown_user_gets_the_same_message_as_a_wrong_password(personas, client):
    response = login(client, "nobody", "wrong-Password1")
    assert "用户名或密码错误" in response.content.decode()


def test_five_wrong_passwords_lock_the_account_even_for_the_right_password(personas, client):
    for _ in range(5):
        login(client, "officer_a", "wrong-Password1")
    response = login(client, "officer_a", personas.password)
    assert response.status_code == 200
    assert "账号已锁定" in response.content.decode()
    assert not client.session.get("_auth_user_id")


def test_the_lock_is_by_user_name_so_another_user_can_still_sign_in(personas, client):
    for _ in range(5):
        login(client, "officer_a", "wrong-Password1")
    assert login(client, "officer_b", personas.password).status_code == 302


def test_the_lock_ends_after_fifteen_minutes(personas, client):
    for _ in range(5):
        login(client, "officer_a", "wrong-Password1")
    until = lockout_until("officer_a")
    assert until is not None
    assert lockout_until("officer_a", now=until + datetime.timedelta(seconds=1)) is None
    assert datetime.timedelta(minutes=14) < until - timezone.now() <= datetime.timedelta(minutes=15)


def test_four_failures_then_a_success_resets_the_count(personas, client):
    for _ in range(4):
        login(client, "officer_a", "wrong-Password1")
    assert login(client, "officer_a", personas.password).status_code == 302
    client.logout()
    login(client, "officer_a", "wrong-Password1")
    assert lockout_until("officer_a") is None


def test_a_disabled_user_is_signed_out_at_the_next_request(personas, client):
    from zhaoshang.accounts.services import set_active

    client.force_login(personas.officer_a)
    assert client.get(reverse("core:home")).status_code == 200
    set_active(personas.officer_a, False)
    response = client.get(reverse("core:home"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_logout_is_audited_and_ends_the_session(personas, client):
    client.force_login(personas.officer_a)
    client.post(reverse("accounts:logout"))
    assert AuditLog.objects.filter(action="logout", username="officer_a").exists()
    assert client.get(reverse("core:home")).status_code == 302


def test_an_account_created_by_an_administrator_must_change_its_password_first(personas, client):
    from zhaoshang.accounts.choices import Role
    from zhaoshang.accounts.services import create_user

    _user, password = create_user(username="newcomer", role=Role.OFFICER, unit=personas.town_a)
    assert login(client, "newcomer", password).status_code == 302
    response = client.get(reverse("core:home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_change")
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": password, "new_password1": "Xin-Mima-2026", "new_password2": "Xin-Mima-2026"},
    )
    assert response.status_code == 302
    assert client.get(reverse("core:home")).status_code == 200


def test_a_simple_new_password_is_refused_with_the_policy_in_chinese(personas, client):
    client.force_login(personas.officer_a)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": personas.password, "new_password1": "abcdefgh", "new_password2": "abcdefgh"},
    )
    assert response.status_code == 200
    assert "至少 3 类" in response.content.decode()
