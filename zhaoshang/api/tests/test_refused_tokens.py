"""Failed token attempts are security events, where the auditor reads refused access and
sees failed logins: invalid, expired, revoked, from an address not allowed, without the
scope. A flood writes a row now and then with a count, not a row per request."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from zhaoshang.api.models import ApiToken
from zhaoshang.core import security
from zhaoshang.core.models import SecurityEvent

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_pending_counts(monkeypatch):
    monkeypatch.setattr(security, "_pending", {})


def test_each_kind_of_refused_token_is_a_security_event_with_its_reason(personas, token_for, call):
    invalid = call("zs_deadbeef_not-a-real-token", "get", "/api/v1/projects")
    assert invalid.status_code == 401
    expired = token_for(personas.officer_a)
    ApiToken._base_manager.filter(prefix=expired.split("_")[1]).update(
        expires_at=timezone.now() - datetime.timedelta(1)
    )
    revoked = token_for(personas.officer_a)
    ApiToken._base_manager.filter(prefix=revoked.split("_")[1]).update(revoked_at=timezone.now())
    fenced = token_for(personas.officer_a, allowed_networks="10.12.0.0/16")
    narrow = token_for(personas.officer_a, scopes=["units:read"])
    assert call(expired, "get", "/api/v1/projects").status_code == 401
    assert call(revoked, "get", "/api/v1/projects").status_code == 401
    assert call(fenced, "get", "/api/v1/projects", REMOTE_ADDR="192.0.2.7").status_code == 403
    assert call(narrow, "get", "/api/v1/projects").status_code == 403
    events = {(event.username, event.status, event.reason.split("（")[0]) for event in SecurityEvent.objects.all()}
    assert events == {
        ("", 401, "API 令牌无效"),
        ("officer_a", 401, "API 令牌已过期"),
        ("officer_a", 401, "API 令牌已吊销"),
        ("officer_a", 403, "API 令牌来源地址不允许"),
        ("officer_a", 403, "API 令牌缺少权限范围"),
    }
    scope = SecurityEvent.objects.get(reason__startswith="API 令牌缺少")
    assert scope.reason.endswith("：「项目（读取）」") and scope.path == "/api/v1/projects"
    assert SecurityEvent.objects.get(reason__startswith="API 令牌来源").ip == "192.0.2.7"


def test_the_auditor_sees_them_beside_failed_logins(personas, client_for, call):
    call("zs_deadbeef_nope", "get", "/api/v1/projects")
    client = client_for(personas.auditor)
    home = client.get(reverse("core:home")).content.decode()
    assert "今日登录失败" in home and "今日 API 令牌被拒绝" in home
    assert 'data-testid="refused-tokens-today">1<' in home
    page = client.get(reverse("core:security_events"), {"kind": "token"}).content.decode()
    assert "API 令牌无效" in page and "令牌被拒绝" in page
    # Only the auditor: the system admin and business users get 404, as for the audit log.
    assert client_for(personas.sysadmin).get(reverse("core:security_events")).status_code == 404


def test_a_flood_of_bad_tokens_writes_one_row_now_and_then_with_the_count(personas, call, monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(security.time, "monotonic", lambda: clock[0])
    for n in range(50):  # an id probe with a bad token: one route, one row
        call("zs_deadbeef_nope", "get", f"/api/v1/projects/{n + 1}")
    event = SecurityEvent.objects.get()
    assert event.count == 1 and event.path == "/api/v1/projects/<project_id>"
    clock[0] += security.TOKEN_WRITE_SECONDS + 1
    call("zs_deadbeef_nope", "get", "/api/v1/projects/99")
    event.refresh_from_db()
    assert event.count == 51 and SecurityEvent.objects.count() == 1
