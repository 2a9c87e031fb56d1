"""Service accounts for machine clients, as the system admin sets one up for the county's
data-sharing platform: created on the user page, tokens issued and revoked on the token
pages, held to the role rules (三权分立), never signed in on the pages."""

import re

import pytest
from django.urls import reverse

from zhaoshang.accounts.choices import Role
from zhaoshang.accounts.models import User
from zhaoshang.accounts.services import create_user
from zhaoshang.api.models import ApiToken
from zhaoshang.api.services import create_token
from zhaoshang.core.choices import AuditAction
from zhaoshang.core.context import acting_as
from zhaoshang.core.models import AuditLog
from zhaoshang.projects.tests.factories import project

pytestmark = pytest.mark.django_db


def service_account(personas, role=Role.OFFICER, unit=None, username="gxpt"):
    with acting_as(personas.sysadmin):
        return create_user(
            username=username, name="城关镇数据共享平台", role=role, unit=unit or personas.town_a, service_account=True
        )[0]


def test_the_system_admin_creates_one_and_issues_its_token(personas, client_for, call):
    project(personas.officer_a, personas.town_a, name="城关镇的项目")
    project(personas.officer_b, personas.town_b, name="河口镇的项目")
    client = client_for(personas.sysadmin)
    answer = client.post(
        reverse("accounts:user_create"),
        {
            "username": "gxpt",
            "name": "城关镇数据共享平台",
            "role": "officer",
            "unit": personas.town_a.pk,
            "is_service_account": "on",
        },
    )
    account = User.objects.get(username="gxpt")
    assert account.is_service_account and not account.has_usable_password() and not account.must_change_password
    assert answer.status_code == 302 and answer["Location"] == f"{reverse('api:token_create')}?for={account.pk}"
    form = client.get(answer["Location"]).content.decode()
    assert "为服务账号「城关镇数据共享平台」签发令牌" in form and "项目（写入）" in form
    once = re.search(r'name="token" value="([0-9a-f]+)"', form).group(1)
    page = client.post(
        answer["Location"], {"name": "数据共享平台", "scopes": ["projects:read"], "days": "90", "token": once}
    ).content.decode()
    secret = re.search(r'value="(zs_[^"]+)"', page).group(1)
    token = ApiToken.objects.get()
    assert token.user == account
    # It reads as its role and unit do: town A's projects, not town B's.
    names = [row["name"] for row in call(secret, "get", "/api/v1/projects").json()["results"]]
    assert names == ["城关镇的项目"]
    # Both steps are in the audit log under the system admin's name.
    created = AuditLog.objects.filter(action=AuditAction.CREATE, user=personas.sysadmin)
    assert {row.object_type for row in created} >= {"accounts.user", "api.apitoken"}
    # Listed on the token page, and revoked there.
    listing = client.get(reverse("api:token_list")).content.decode()
    assert 'data-testid="service-accounts"' in listing and "签发令牌" in listing
    client.post(reverse("api:token_revoke", args=[token.pk]))
    assert call(secret, "get", "/api/v1/projects").status_code == 401


def test_a_service_account_cannot_sign_in_on_the_pages(personas, client):
    account = service_account(personas)
    account.set_password(personas.password)  # even with a password set by some other way
    account.save()
    answer = client.post(reverse("accounts:login"), {"username": "gxpt", "password": personas.password})
    assert answer.status_code == 200 and "用户名或密码错误" in answer.content.decode()
    assert "_auth_user_id" not in client.session
    # A session made for it some other way is not honoured either.
    client.force_login(account)
    assert client.get(reverse("core:home")).status_code == 302
    assert AuditLog.objects.filter(action=AuditAction.LOGIN_FAILED, username="gxpt").exists()


def test_its_password_cannot_be_reset(personas, client_for):
    account = service_account(personas)
    answer = client_for(personas.sysadmin).post(reverse("accounts:user_reset_password", args=[account.pk]), follow=True)
    assert "服务账号没有密码" in answer.content.decode()
    assert not User.objects.get(pk=account.pk).has_usable_password()


def test_a_service_account_with_the_auditor_role_gets_no_business_data(personas, client_for, call):
    project(personas.officer_a, personas.town_a)
    account = service_account(personas, role=Role.AUDITOR, unit=None, username="audit-feed")
    form = client_for(personas.sysadmin).get(f"{reverse('api:token_create')}?for={account.pk}").content.decode()
    assert "项目（读取）" not in form
    with acting_as(personas.sysadmin), pytest.raises(Exception, match="不能使用"):
        create_token(personas.sysadmin, owner=account, name="x", scopes=["projects:read"], days=30)
    # Even a token holding a business scope (made before a role change) reads nothing.
    with acting_as(personas.bureau):
        raw = create_token(personas.bureau, name="x", scopes=["projects:read"], days=30).secret
    ApiToken._base_manager.filter(user=personas.bureau).update(user=account)
    for path in ("/api/v1/projects", "/api/v1/feeds/projects"):
        answer = call(raw, "get", path)
        assert answer.status_code == 403 and answer.json()["code"] == "role_forbidden"


def test_a_service_account_cannot_be_a_system_admin(personas, client_for):
    page = (
        client_for(personas.sysadmin)
        .post(reverse("accounts:user_create"), {"username": "robot", "role": "sysadmin", "is_service_account": "on"})
        .content.decode()
    )
    assert "服务账号不能是系统管理员" in page
    assert not User.objects.filter(username="robot").exists()


def test_only_the_system_admin_issues_tokens_for_a_service_account(personas, client_for):
    account = service_account(personas)
    for persona in (personas.officer_a, personas.bureau, personas.auditor):
        assert client_for(persona).get(f"{reverse('api:token_create')}?for={account.pk}").status_code == 404
    with acting_as(personas.bureau), pytest.raises(Exception, match="只有系统管理员"):
        create_token(personas.bureau, owner=account, name="x", scopes=["projects:read"], days=30)
    # A person is not a service account: the system admin cannot issue tokens in their name.
    url = f"{reverse('api:token_create')}?for={personas.officer_a.pk}"
    assert client_for(personas.sysadmin).get(url).status_code == 404
