"""SECURITY.md, item by item, as tests."""

import datetime
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import timezone

import zhaoshang.settings as project_settings
from zhaoshang.accounts.choices import Role
from zhaoshang.accounts.models import Unit, User
from zhaoshang.core.access import UnitScoped
from zhaoshang.core.models import AuditLog

ROOT = Path(__file__).resolve().parents[3]


def test_argon2_is_the_first_password_hasher():
    assert project_settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    env = {
        **os.environ,
        "ZHAOSHANG_DEBUG": "0",
        "ZHAOSHANG_HTTPS": "1",
        "ZHAOSHANG_SECRET_KEY": "x7#kP2@vQ9!mZ4$wR8^tY1&uI6*oL3(eN5)aS0-dF+gH=jK_bC" * 2,
        "ZHAOSHANG_SECRET_KEYS": "Q2hhbmdlIG1lOiB0aGlzIGlzIGEgdGVzdCBrZXkgISE=",
        "ZHAOSHANG_ALLOWED_HOSTS": "zs.example.gov.cn",
        "ZHAOSHANG_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "zhaoshang.settings",
    }
    for name in ("DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"):
        env.pop(name, None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_sessions_end_after_30_idle_minutes():
    assert django_settings.SESSION_COOKIE_AGE == 30 * 60
    assert django_settings.SESSION_REFRESH_SECONDS == 60


def _session_expiry(client):
    from django.contrib.sessions.models import Session

    return Session.objects.get(session_key=client.session.session_key).expire_date


@pytest.mark.django_db
def test_the_idle_expiry_slides_with_activity_but_is_written_once_a_minute(personas, client_for, monkeypatch):
    import zhaoshang.core.middleware as middleware

    clock = {"now": 1_800_000_000.0}
    monkeypatch.setattr(middleware.time, "time", lambda: clock["now"])
    client = client_for(personas.officer_a)
    assert client.get(reverse("projects:list")).status_code == 200
    first = _session_expiry(client)
    # Within the minute: no session write, no new cookie.
    clock["now"] += 30
    response = client.get(reverse("projects:list"))
    assert django_settings.SESSION_COOKIE_NAME not in response.cookies
    assert _session_expiry(client) == first
    # A minute after the last write the expiry moves on: the user is active.
    clock["now"] += 31
    response = client.get(reverse("projects:list"))
    assert django_settings.SESSION_COOKIE_NAME in response.cookies
    assert _session_expiry(client) > first


@pytest.mark.django_db
def test_business_rules_give_the_system_admin_and_the_auditor_nothing(personas):
    rule = UnitScoped("unit")
    for user in (personas.sysadmin, personas.auditor):
        for action in ("view", "add", "change", "delete", "export", "verify"):
            assert not rule.allows(user, action)
    assert rule.filter(User.objects.all(), personas.sysadmin, "view").count() == 0


@pytest.mark.django_db
def test_the_auditor_cannot_touch_units_users_or_reference_data(personas):
    from zhaoshang.reference.models import Holiday

    for model in (Unit, User, Holiday):
        assert not model.access.allows(personas.auditor, "change")
    assert Unit.objects.restrict(personas.auditor).count() == 0
    assert AuditLog.objects.restrict(personas.sysadmin).count() == 0
    assert AuditLog.objects.restrict(personas.bureau).count() == 0


@pytest.mark.django_db
def test_no_account_is_a_django_superuser_or_holds_two_roles(personas):
    user = User(username="root", role=Role.SYSADMIN, is_superuser=True, is_staff=True)
    user.set_password("Whatever-123")
    user.save()
    user.refresh_from_db()
    assert (user.is_superuser, user.is_staff) == (False, False)
    assert {field.name for field in User._meta.get_fields()} >= {"role"}
    assert not hasattr(User, "roles")  # one role field, never a set


@pytest.mark.django_db
def test_a_password_older_than_90_days_must_be_changed(personas, client, settings):
    user = personas.officer_a
    user.password_changed_at = timezone.now() - datetime.timedelta(days=91)
    user.save()
    client.force_login(user)
    assert client.get(reverse("core:home"))["Location"] == reverse("accounts:password_change")
    settings.PASSWORD_MAX_AGE_DAYS = 0
    assert client.get(reverse("core:home")).status_code == 200


@pytest.mark.django_db
def test_pages_are_sent_with_protective_headers(personas, client):
    client.force_login(personas.officer_a)
    response = client.get(reverse("core:home"))
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Request-ID"]


@pytest.mark.django_db
def test_a_fresh_database_has_no_default_accounts():
    assert User.objects.count() == 0


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get(reverse("core:home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.django_db
def test_a_login_redirect_never_leaves_the_site(personas, client):
    response = client.post(
        reverse("accounts:login") + "?next=https://evil.example/",
        {"username": "officer_a", "password": personas.password},
    )
    assert response["Location"] == reverse("core:home")
