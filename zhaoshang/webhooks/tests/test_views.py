"""The 事件推送 pages by persona: a town officer creates a subscription for their own town and
reads its secret once; the delivery log is paged, newest first, in Chinese and local time;
who may not manage subscriptions gets 404; create and delete are audited, the secret and
the address masked."""

import datetime
import json
from datetime import timedelta

import pytest
from django.urls import reverse

from zhaoshang.core.models import AuditLog
from zhaoshang.webhooks.choices import DeliveryStatus
from zhaoshang.webhooks.models import Delivery, Subscription
from zhaoshang.webhooks.tests.conftest import HOOK

pytestmark = pytest.mark.django_db


def form_data(personas, receiver, **overrides):
    data = {
        "name": "城关镇数据平台",
        "unit": personas.town_a.pk,
        "target_url": receiver.url(HOOK),
        "event_types": ["stage.verified", "project.created"],
        "payload_version": 1,
        "active": "on",
        "token": "f" * 32,
    }
    data.update(overrides)
    return data


def test_a_town_officer_creates_a_subscription_and_reads_its_secret_once(personas, receiver, client_for):
    client = client_for(personas.officer_a)
    page = client.get(reverse("webhooks:create"))
    assert page.status_code == 200
    units = page.context["form"].fields["unit"].queryset
    assert set(units) == {personas.town_a}  # their own town; nothing else, no bureau scope
    response = client.post(reverse("webhooks:create"), form_data(personas, receiver))
    assert response.status_code == 200 and "no-cache" in response["Cache-Control"]
    subscription = Subscription.objects.get()
    html = response.content.decode()
    assert subscription.secret.startswith("whsec_") and subscription.secret in html
    assert "离开本页后将无法再次查看" in html and "def verify(" in html
    assert (subscription.unit, subscription.created_by) == (personas.town_a, personas.officer_a)
    # Back → 保存 again: the first subscription stands, and its secret is not shown again.
    again = client.post(reverse("webhooks:create"), form_data(personas, receiver))
    assert again.status_code == 302 and Subscription.objects.count() == 1
    for url in (reverse("webhooks:list"), reverse("webhooks:deliveries", args=[subscription.pk])):
        shown = client.get(url).content.decode()
        assert subscription.secret not in shown
    assert "城关镇数据平台" in client.get(reverse("webhooks:list")).content.decode()


def test_create_and_delete_are_audited_with_the_credentials_masked(personas, receiver, client_for):
    client = client_for(personas.officer_a)
    client.post(reverse("webhooks:create"), form_data(personas, receiver))
    subscription = Subscription.objects.get()
    page = client.get(reverse("webhooks:delete", args=[subscription.pk]))
    assert page.status_code == 200 and "城关镇数据平台" in page.content.decode()
    assert Subscription.objects.exists()  # a GET only asks
    response = client.post(reverse("webhooks:delete", args=[subscription.pk]))
    assert response.status_code == 302 and not Subscription.objects.exists()
    rows = AuditLog.objects.filter(object_type="webhooks.subscription").order_by("id")
    assert [(row.action, row.username) for row in rows] == [("create", "officer_a"), ("delete", "officer_a")]
    text = json.dumps([row.changes for row in rows], ensure_ascii=False)
    assert subscription.secret not in text and "127.0.0.1" not in text and "******" in text


def test_an_address_outside_the_allowed_hosts_is_refused_in_chinese_and_nothing_saved(personas, receiver, client_for):
    client = client_for(personas.officer_a)
    response = client.post(
        reverse("webhooks:create"), form_data(personas, receiver, target_url="http://192.168.1.10:8080/hook")
    )
    assert response.status_code == 200
    assert (
        "出于安全考虑，事件推送只能发送到允许的主机：127.0.0.1；「192.168.1.10」不在其中。" in response.content.decode()
    )
    assert not Subscription.objects.exists()


def test_an_officer_must_name_a_unit_and_the_bureau_may_subscribe_to_everything(personas, receiver, client_for):
    refused = client_for(personas.officer_a).post(reverse("webhooks:create"), form_data(personas, receiver, unit=""))
    assert refused.status_code == 200 and not Subscription.objects.exists()
    assert "这个字段是必填项" in refused.content.decode() or "请选择所属单位" in refused.content.decode()
    other_town = client_for(personas.officer_a).post(
        reverse("webhooks:create"), form_data(personas, receiver, unit=personas.town_b.pk)
    )
    assert other_town.status_code == 200 and not Subscription.objects.exists()
    made = client_for(personas.bureau).post(reverse("webhooks:create"), form_data(personas, receiver, unit=""))
    assert made.status_code == 200
    assert Subscription.objects.get().owner_label == "招商局（全部单位）"


def test_editing_keeps_the_address_when_left_empty_and_the_secret_always(personas, receiver, client_for, subscribe):
    subscription, secret = subscribe(personas.officer_a, personas.town_a, ["stage.verified"])
    client = client_for(personas.officer_a)
    page = client.get(reverse("webhooks:edit", args=[subscription.pk])).content.decode()
    assert f'value="{receiver.url(HOOK)}"' not in page and secret not in page
    data = form_data(personas, receiver, target_url="", name="改名后的平台", version=subscription.version)
    response = client.post(reverse("webhooks:edit", args=[subscription.pk]), data)
    assert response.status_code == 302
    subscription.refresh_from_db()
    assert (subscription.name, subscription.target_url, subscription.secret) == (
        "改名后的平台",
        receiver.url(HOOK),
        secret,
    )


@pytest.mark.parametrize("who", ["leader", "sysadmin", "auditor"])
def test_who_configures_nothing_gets_404(personas, receiver, client_for, subscribe, who):
    subscription, _ = subscribe(personas.bureau, None, ["stage.verified"])
    client = client_for(getattr(personas, who))
    for url in (
        reverse("webhooks:list"),
        reverse("webhooks:create"),
        reverse("webhooks:deliveries", args=[subscription.pk]),
        reverse("webhooks:edit", args=[subscription.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("webhooks:test", args=[subscription.pk])).status_code == 404
    assert "事件推送" not in client.get(reverse("core:home")).content.decode()


def test_the_bureaus_subscription_is_not_a_towns_to_manage(personas, receiver, client_for, subscribe):
    subscription, _ = subscribe(personas.bureau, None, ["stage.verified"])
    client = client_for(personas.county_officer)
    assert client.get(reverse("webhooks:deliveries", args=[subscription.pk])).status_code == 404
    assert "事件推送" in client.get(reverse("core:home")).content.decode()


def test_the_delivery_log_pages_newest_first_in_chinese_and_local_time(personas, receiver, client_for, subscribe):
    subscription, _ = subscribe(personas.officer_a, personas.town_a, ["stage.verified"])
    start = datetime.datetime(2026, 3, 1, 1, 30, tzinfo=datetime.UTC)  # 09:30 in Beijing
    Delivery.objects.bulk_create(
        Delivery(
            subscription=subscription,
            event_id=f"00000000-0000-4000-8000-{n:012d}",
            event_type="stage.verified",
            payload={"version": 1},
            status=DeliveryStatus.SUCCEEDED if n % 2 else DeliveryStatus.ABANDONED,
            attempts=1 if n % 2 else 6,
            last_status=200 if n % 2 else 500,
            last_error="" if n % 2 else "对方返回 HTTP 500。",
            created_at=start + timedelta(minutes=n),
        )
        for n in range(60)
    )
    client = client_for(personas.officer_a)
    url = reverse("webhooks:deliveries", args=[subscription.pk])
    first = client.get(url)
    rows = first.context["rows"]
    assert len(rows) == 50 and rows[0].created_at == start + timedelta(minutes=59)
    html = first.content.decode()
    assert "2026-03-01 10:29" in html  # 01:29 UTC shown as Beijing time
    assert "成功" in html and "放弃" in html and "对方返回 HTTP 500。" in html and "重新发送" in html
    assert "succeeded" not in html.replace('"succeeded"', "")
    second = client.get(url, {"page": 2})
    assert len(second.context["rows"]) == 10
    abandoned = Delivery.objects.filter(subscription=subscription, status=DeliveryStatus.ABANDONED).first()
    response = client.post(reverse("webhooks:resend", args=[abandoned.pk]))
    assert response.status_code == 302
    abandoned.refresh_from_db()
    assert (abandoned.status, abandoned.attempts) == (DeliveryStatus.PENDING, 0)
    # A delivery that went through is not sent again.
    succeeded = Delivery.objects.filter(subscription=subscription, status=DeliveryStatus.SUCCEEDED).first()
    client.post(reverse("webhooks:resend", args=[succeeded.pk]))
    succeeded.refresh_from_db()
    assert succeeded.status == DeliveryStatus.SUCCEEDED and succeeded.attempts == 1


def test_the_test_button_logs_a_delivery(personas, receiver, client_for, subscribe, django_capture_on_commit_callbacks):
    subscription, _ = subscribe(personas.officer_a, personas.town_a, ["stage.verified"])
    client = client_for(personas.officer_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("webhooks:test", args=[subscription.pk]))
    assert response.status_code == 302
    page = client.get(reverse("webhooks:deliveries", args=[subscription.pk])).content.decode()
    assert "测试事件" in page and "成功" in page
    assert len(receiver.received) == 1
