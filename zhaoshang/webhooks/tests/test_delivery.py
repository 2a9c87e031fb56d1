"""Signed deliveries to a real local HTTP server: the documented check verifies them,
failures are retried with the documented pauses and then given up, and an address outside
the allowed hosts is refused at save and again before each try."""

import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from zhaoshang.projects.services import StageClaim, submit_stage, verify_event
from zhaoshang.projects.tests.factories import company, project
from zhaoshang.webhooks.choices import DeliveryStatus
from zhaoshang.webhooks.models import Delivery
from zhaoshang.webhooks.services import BACKOFF, MAX_ATTEMPTS, resend, send_due, send_test_event

pytestmark = pytest.mark.django_db

DOCS = Path(__file__).resolve().parents[3] / "docs" / "api.md"


def documented_verify():
    """The Python snippet of docs/api.md's "Webhooks" section, as a receiver would paste it."""
    section = DOCS.read_text(encoding="utf-8").split("## Webhooks", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    namespace = {}
    exec(code, namespace)  # noqa: S102 - our own documentation, run to prove it works
    return namespace["verify"]


def signed_stage(personas):
    item = project(personas.officer_a, personas.town_a, name="城关镇电容器项目", investor=company(unit=personas.town_a))
    return submit_stage(personas.officer_a, item, StageClaim(stage="signed", date=timezone.localdate(), amount=50000))


def test_a_verification_arrives_signed_and_the_documented_snippet_verifies_it(
    personas, receiver, subscribe, django_capture_on_commit_callbacks
):
    subscription, secret = subscribe(personas.officer_a, personas.town_a, ["stage.verified"])
    event = signed_stage(personas)
    with django_capture_on_commit_callbacks(execute=True):
        verify_event(personas.bureau, event)

    (request,) = receiver.received
    headers, body = request["headers"], request["body"]
    assert headers["X-Zhaoshang-Event"] == "stage.verified"
    delivery = Delivery.objects.get(subscription=subscription)
    assert headers["X-Zhaoshang-Delivery"] == str(delivery.pk)
    verify = documented_verify()
    assert verify(secret, headers["X-Zhaoshang-Signature"], body)
    assert not verify(secret, headers["X-Zhaoshang-Signature"], body + b" ")  # a changed body fails
    assert not verify("whsec_other", headers["X-Zhaoshang-Signature"], body)

    payload = json.loads(body)
    assert payload["version"] == 1 and payload["type"] == "stage.verified" and payload["id"] == delivery.event_id
    assert payload["occurred_at"].endswith("+08:00")
    data = payload["data"]
    assert data["object"] == "stage_event" and data["id"] == event.pk
    assert data["amount"] == "50000" and data["status_label"] == "审核通过"
    assert data["project"]["name"] == "城关镇电容器项目"
    assert data["unit"] == {"code": "SFX-CG", "name": "城关镇"}
    assert data["url"] == f"https://zs.example.gov.cn/projects/{event.project_id}/"
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status) == (DeliveryStatus.SUCCEEDED, 1, 200)


def test_the_page_shows_the_same_snippet_as_the_docs():
    snippet = (Path(__file__).resolve().parents[3] / "templates/webhooks/_verify_snippet.txt").read_text("utf-8")
    assert snippet in DOCS.read_text(encoding="utf-8")


def test_a_500_is_retried_after_1_5_30_minutes_2_and_12_hours_then_given_up(
    personas, receiver, subscribe, django_capture_on_commit_callbacks
):
    receiver.status = 500
    subscription, _ = subscribe(personas.bureau, None, ["stage.submitted"])
    with django_capture_on_commit_callbacks(execute=True):
        signed_stage(personas)
    delivery = Delivery.objects.get(subscription=subscription)
    assert (delivery.status, delivery.attempts, delivery.last_status) == (DeliveryStatus.FAILED, 1, 500)
    assert delivery.last_error == "对方返回 HTTP 500。"
    pauses = []
    for _ in range(MAX_ATTEMPTS - 1):
        before = delivery.next_attempt_at
        assert not send_due(now=before - timedelta(seconds=1))  # not due yet: not tried
        pauses.append(before - delivery.last_attempt_at)
        send_due(now=before)
        delivery.refresh_from_db()
    assert [round(p.total_seconds() / 60) for p in pauses] == [1, 5, 30, 120, 720]
    assert pauses == list(BACKOFF)
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == (DeliveryStatus.ABANDONED, 6, None)
    assert delivery.get_status_display() == "放弃"
    assert len(receiver.received) == MAX_ATTEMPTS
    # 重新发送 starts again, with the same event id; this time the receiver is back.
    receiver.status = 204
    with django_capture_on_commit_callbacks(execute=True):
        resend(personas.bureau, delivery)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status) == (DeliveryStatus.SUCCEEDED, 1, 204)
    bodies = {json.loads(r["body"])["id"] for r in receiver.received}
    assert bodies == {delivery.event_id}


def test_a_slow_receiver_times_out_and_is_retried(
    personas, receiver, subscribe, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_TIMEOUT_SECONDS = 1
    receiver.pause = 2
    subscription, _ = subscribe(personas.officer_a, personas.town_a, ["stage.submitted"])
    with django_capture_on_commit_callbacks(execute=True):
        signed_stage(personas)
    delivery = Delivery.objects.get(subscription=subscription)
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.last_error == "连接超时（1 秒）。" and delivery.last_status is None
    assert delivery.next_attempt_at == delivery.last_attempt_at + timedelta(minutes=1)
    receiver.pause = 0
    send_due(now=delivery.next_attempt_at)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SUCCEEDED, 2)


def test_a_host_not_allowed_is_refused_at_save_in_chinese(personas, receiver, subscribe):
    with pytest.raises(ValidationError) as refused:
        subscribe(personas.officer_a, personas.town_a, ["stage.verified"], url="http://10.0.0.8/hooks")
    (message,) = refused.value.message_dict["target_url"]
    assert message.startswith("出于安全考虑，事件推送只能发送到允许的主机：127.0.0.1；「10.0.0.8」不在其中。")
    assert not Delivery.objects.exists()


def test_a_host_removed_from_the_allowed_list_is_not_posted_to_any_more(
    personas, receiver, subscribe, settings, django_capture_on_commit_callbacks
):
    subscription, _ = subscribe(personas.officer_a, personas.town_a, ["stage.submitted"])
    settings.WEBHOOK_ALLOWED_HOSTS = ["data.example.gov.cn"]
    with django_capture_on_commit_callbacks(execute=True):
        signed_stage(personas)
    delivery = Delivery.objects.get(subscription=subscription)
    assert receiver.received == []
    assert delivery.status == DeliveryStatus.FAILED
    assert "事件推送只能发送到允许的主机：data.example.gov.cn；「127.0.0.1」不在其中" in delivery.last_error


def test_a_redirect_is_not_followed(personas, receiver, subscribe, django_capture_on_commit_callbacks):
    receiver.status = 302
    subscription, _ = subscribe(personas.officer_a, personas.town_a, ["stage.submitted"])
    with django_capture_on_commit_callbacks(execute=True):
        send_test_event(personas.officer_a, subscription)
    delivery = Delivery.objects.get(subscription=subscription)
    assert (delivery.status, delivery.last_status) == (DeliveryStatus.FAILED, 302)
    assert len(receiver.received) == 1


def test_the_test_event_is_signed_and_logged(personas, receiver, subscribe, django_capture_on_commit_callbacks):
    subscription, secret = subscribe(personas.officer_a, personas.town_a, ["stage.verified"])
    with django_capture_on_commit_callbacks(execute=True):
        send_test_event(personas.officer_a, subscription)
    (request,) = receiver.received
    assert request["headers"]["X-Zhaoshang-Event"] == "webhook.test"
    assert documented_verify()(secret, request["headers"]["X-Zhaoshang-Signature"], request["body"])
    delivery = Delivery.objects.get(subscription=subscription)
    assert delivery.event_label == "测试事件" and delivery.status == DeliveryStatus.SUCCEEDED
