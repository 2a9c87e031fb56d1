"""A token's life: created on its page (shown once, stored hashed), used (last used at /
from, at most one write a minute), refused when expired, revoked, from another address or
without the scope, rate-limited, revoked by its owner or the system admin."""

import datetime
import hashlib
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from zhaoshang.api.models import ApiToken

pytestmark = pytest.mark.django_db


def test_an_officer_creates_a_token_that_is_shown_once_and_stored_as_a_digest(personas, client_for, call):
    client = client_for(personas.officer_a)
    form = client.get(reverse("api:token_create")).content.decode()
    assert "项目（写入）" in form and "统计报表（读取）" in form
    token_field = re.search(r'name="token" value="([0-9a-f]+)"', form).group(1)
    answer = client.post(
        reverse("api:token_create"),
        {"name": "县大数据局共享平台", "scopes": ["projects:read", "stats:read"], "days": "90", "token": token_field},
    )
    page = answer.content.decode()
    secret = re.search(r'value="(zs_[^"]+)"', page).group(1)
    assert "离开本页后将无法再次查看" in page and "no-store" in answer["Cache-Control"]
    stored = ApiToken.objects.get()
    assert stored.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(ApiToken.objects.values().get())
    assert stored.scopes == ["projects:read", "stats:read"]
    assert abs((stored.expires_at - timezone.now()) - datetime.timedelta(days=90)) < datetime.timedelta(minutes=1)
    # The list shows the prefix, never the token; a second POST of the same form makes no second token.
    listing = client.get(reverse("api:token_list")).content.decode()
    assert f"zs_{stored.prefix}_…" in listing and secret not in listing and "从未使用" in listing
    client.post(
        reverse("api:token_create"),
        {"name": "县大数据局共享平台", "scopes": ["projects:read"], "days": "90", "token": token_field},
    )
    assert ApiToken.objects.count() == 1
    assert call(secret, "get", "/api/v1/me").json()["token_name"] == "县大数据局共享平台"


def test_the_creation_form_refuses_bad_input_in_chinese(personas, client_for):
    client = client_for(personas.officer_a)
    page = client.post(
        reverse("api:token_create"), {"name": "", "days": "90", "allowed_networks": "10.0.0.0/33"}
    ).content.decode()
    problems = re.findall(r'invalid-feedback d-block">([^<]*)<', page)
    assert problems == [
        "请填写名称。",
        "请选择权限范围。",
        "「10.0.0.0/33」不是有效的 IP 地址或网段（例如 10.12.0.0/16）。",
    ]
    assert ApiToken.objects.count() == 0


def test_a_leader_is_offered_no_write_scope_and_the_auditor_no_business_data(personas, client_for):
    from zhaoshang.api.forms import scope_choices

    assert "projects:write" not in dict(scope_choices(personas.leader))
    assert "projects:read" in dict(scope_choices(personas.leader))
    assert dict(scope_choices(personas.auditor)) == {}
    assert list(dict(scope_choices(personas.sysadmin))) == ["units:read", "users:read"]


def test_use_is_recorded_at_most_once_a_minute(personas, token_for, call):
    token = token_for(personas.officer_a)
    call(token, "get", "/api/v1/me", REMOTE_ADDR="10.1.2.3")
    stored = ApiToken.objects.get()
    assert stored.last_used_ip == "10.1.2.3" and stored.last_used_at is not None
    first = stored.last_used_at
    call(token, "get", "/api/v1/me", REMOTE_ADDR="10.1.2.3")
    stored.refresh_from_db()
    assert stored.last_used_at == first  # within the minute: not written again
    ApiToken._base_manager.filter(pk=stored.pk).update(last_used_at=first - datetime.timedelta(minutes=2))
    call(token, "get", "/api/v1/me", REMOTE_ADDR="10.1.2.3")
    stored.refresh_from_db()
    assert stored.last_used_at > first


def test_refusals_say_why_in_chinese(personas, token_for, call):
    expired = token_for(personas.officer_a)
    ApiToken._base_manager.filter(user=personas.officer_a).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    cases = {
        "token_expired": (expired, {}),
        "token_invalid": ("zs_nothing_here", {}),
        "ip_not_allowed": (
            token_for(personas.officer_a, allowed_networks="10.12.0.0/16"),
            {"REMOTE_ADDR": "192.168.1.5"},
        ),
        "scope_missing": (token_for(personas.officer_a, scopes=["units:read"]), {}),
    }
    for code, (token, extra) in cases.items():
        answer = call(token, "get", "/api/v1/projects", **extra)
        assert answer.json()["code"] == code
        assert answer.status_code == (401 if code.startswith("token") else 403)
        assert re.search(r"[\u4e00-\u9fff]", answer.json()["message"])
    inside = token_for(personas.officer_a, allowed_networks="10.12.0.0/16")
    assert call(inside, "get", "/api/v1/projects", REMOTE_ADDR="10.12.9.9").status_code == 200
    assert call(None, "get", "/api/v1/projects").json()["code"] == "unauthenticated"
    # A read scope does not let a token write.
    from zhaoshang.projects.tests.factories import project

    mine = project(personas.officer_a, personas.town_a)
    reader = token_for(personas.officer_a, scopes=["projects:read"])
    body = {"date": "2024-05-06", "kind": "call", "content": "电话沟通"}
    answer = call(reader, "post", f"/api/v1/projects/{mine.pk}/follow-ups", body)
    assert answer.status_code == 403 and answer.json()["message"] == "该令牌没有「项目（写入）」权限。"


def test_the_owner_revokes_a_token_and_it_stops_at_once(personas, token_for, call, client_for):
    token = token_for(personas.officer_a)
    assert call(token, "get", "/api/v1/me").status_code == 200
    stored = ApiToken.objects.get()
    client = client_for(personas.officer_a)
    assert client.post(reverse("api:token_revoke", args=[stored.pk])).status_code == 302
    stored.refresh_from_db()
    assert stored.revoked_by == personas.officer_a and stored.revoked_at is not None
    answer = call(token, "get", "/api/v1/me")
    assert answer.status_code == 401 and answer.json()["code"] == "token_revoked"
    assert "已吊销" in client.get(reverse("api:token_list")).content.decode()


def test_the_system_admin_lists_and_revokes_anyones_token_and_others_cannot(personas, token_for, client_for, call):
    token = token_for(personas.officer_b)
    stored = ApiToken.objects.get()
    client = client_for(personas.officer_a)
    assert client.post(reverse("api:token_revoke", args=[stored.pk])).status_code == 404
    assert "河口镇填报员" not in client.get(reverse("api:token_list")).content.decode()
    client = client_for(personas.sysadmin)
    assert "河口镇填报员" in client.get(reverse("api:token_list")).content.decode()
    assert client.post(reverse("api:token_revoke", args=[stored.pk])).status_code == 302
    stored.refresh_from_db()
    assert stored.revoked_by == personas.sysadmin
    assert call(token, "get", "/api/v1/me").json()["code"] == "token_revoked"


def test_creating_and_revoking_are_audited_without_the_secret(personas, token_for, client_for):
    from zhaoshang.core.models import AuditLog

    token = token_for(personas.officer_a)
    client_for(personas.officer_a).post(reverse("api:token_revoke", args=[ApiToken.objects.get().pk]))
    rows = AuditLog.objects.filter(object_type="api.apitoken").order_by("id")
    assert [row.action for row in rows] == ["create", "update"]
    assert token not in str(rows[0].changes) and rows[0].changes["digest"][1] == "******"


def test_the_rate_limit_answers_429_with_retry_after(personas, token_for, call, settings):
    from django.core.cache import cache

    cache.clear()
    settings.API_RATE_LIMIT_PER_MINUTE = 3
    token = token_for(personas.officer_a)
    assert [call(token, "get", "/api/v1/me").status_code for _ in range(3)] == [200, 200, 200]
    answer = call(token, "get", "/api/v1/me")
    assert answer.status_code == 429 and answer.json()["code"] == "rate_limited"
    assert 1 <= int(answer["Retry-After"]) <= 61
    assert "每分钟最多 3 次" in answer.json()["message"]
    # Per token: another token of the same user has its own allowance.
    assert call(token_for(personas.officer_a), "get", "/api/v1/me").status_code == 200
    cache.clear()
