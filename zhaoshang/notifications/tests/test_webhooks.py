"""Group robots: signed the way DingTalk checks it, delivered to a (local) robot, retried
when it fails without disturbing anyone's work, refused when the address is not allowed,
and their credentials never shown or logged."""

import base64
import datetime
import hashlib
import hmac
import json
import logging
import urllib.parse

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from zhaoshang.core.models import AuditLog
from zhaoshang.notifications.choices import DeliveryChannel, DeliveryStatus
from zhaoshang.notifications.models import Delivery, UnitWebhook
from zhaoshang.notifications.services import backoff, notify, notify_unit, save_webhook, send_due, send_test_message
from zhaoshang.notifications.tests.conftest import SECRET
from zhaoshang.notifications.webhooks import DeliveryError, check_url, mask_url

pytestmark = pytest.mark.django_db


def expected_sign(secret: str, timestamp: str) -> str:
    """DingTalk's documented recipe, written out again here rather than imported."""
    string_to_sign = f"{timestamp}\n{secret}".encode()
    digest = hmac.new(secret.encode("utf-8"), string_to_sign, digestmod=hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def test_a_dingtalk_message_is_signed_and_sent_as_markdown(
    personas, robot, make_webhook, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://zs.example.gov.cn"
    make_webhook(personas.bureau, personas.town_a, robot.url())
    with django_capture_on_commit_callbacks(execute=True):
        notify_unit(
            personas.town_a,
            "warning",
            "签约未开工：安泰电容器项目",
            body="已超过约定开工日期 30 天。",
            url="/projects/7/",
        )
    (request,) = robot.received
    path, _, query = request["path"].partition("?")
    params = urllib.parse.parse_qs(query)
    assert path == "/robot/send"
    assert params["access_token"] == ["tok3n-abcdef123456"]
    timestamp = params["timestamp"][0]
    assert abs(int(timestamp) - timezone.now().timestamp() * 1000) < 60_000
    # parse_qs undoes the URL-encoding; the value must then be exactly the base64 signature.
    assert params["sign"] == [expected_sign(SECRET, timestamp)]
    assert "%2B" in query or "%2F" in query or "%3D" in query  # the signature went URL-encoded
    body = json.loads(request["body"])
    assert body["msgtype"] == "markdown"
    assert body["markdown"]["title"] == "【预警】签约未开工：安泰电容器项目"
    assert "已超过约定开工日期 30 天。" in body["markdown"]["text"]
    assert "[查看详情](https://zs.example.gov.cn/projects/7/)" in body["markdown"]["text"]
    assert "招商引资综合管理平台" in body["markdown"]["text"]  # matches a 关键词 of "招商"
    delivery = Delivery.objects.get(channel=DeliveryChannel.WEBHOOK)
    assert (delivery.status, delivery.attempts, delivery.last_error) == (DeliveryStatus.SENT, 1, "")


def test_a_wecom_message_carries_its_key_and_markdown_content(
    personas, robot, make_webhook, django_capture_on_commit_callbacks
):
    make_webhook(
        personas.bureau, personas.town_a, robot.url("/cgi-bin/webhook/send?key=abc-123-key"), kind="wecom", secret=""
    )
    with django_capture_on_commit_callbacks(execute=True):
        notify([personas.officer_a], "assignment", "交办：协调用地指标", unit=personas.town_a)
    (request,) = robot.received
    assert request["path"] == "/cgi-bin/webhook/send?key=abc-123-key"
    body = json.loads(request["body"])
    assert body["msgtype"] == "markdown"
    assert body["markdown"]["content"].startswith("**【交办督办】交办：协调用地指标**")


def test_a_generic_hook_gets_json_signed_in_a_header(personas, robot, make_webhook, django_capture_on_commit_callbacks):
    make_webhook(personas.bureau, personas.town_a, robot.url("/hooks/zs"), kind="generic", secret="s3cret-generic")
    with django_capture_on_commit_callbacks(execute=True):
        notify([], "round_opened", "7月调度已开启", unit=personas.town_a)
    (request,) = robot.received
    headers = {name.lower(): value for name, value in request["headers"].items()}
    signed = headers["x-zhaoshang-timestamp"].encode() + b"." + request["body"]
    assert (
        headers["x-zhaoshang-signature"] == "sha256=" + hmac.new(b"s3cret-generic", signed, hashlib.sha256).hexdigest()
    )
    assert json.loads(request["body"])["title"] == "7月调度已开启"


def test_a_robot_gets_one_message_however_many_people_are_told(
    personas, robot, make_webhook, django_capture_on_commit_callbacks
):
    make_webhook(personas.bureau, personas.town_a, robot.url())
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            [personas.officer_a, personas.county_officer, personas.bureau], "assignment", "交办", unit=personas.town_a
        )
    assert len(robot.received) == 1


def test_a_robot_forwards_only_its_kinds_and_nothing_when_disabled(
    personas, robot, make_webhook, django_capture_on_commit_callbacks
):
    hook = make_webhook(personas.bureau, personas.town_a, robot.url(), kinds=["assignment"])
    with django_capture_on_commit_callbacks(execute=True):
        notify_unit(personas.town_a, "warning", "预警")
        notify_unit(personas.town_b, "assignment", "河口镇的交办")  # another unit's robot, none here
    assert robot.received == []
    hook.enabled = False
    save_webhook(personas.bureau, hook)
    with django_capture_on_commit_callbacks(execute=True):
        notify_unit(personas.town_a, "assignment", "交办")
    assert robot.received == [] and Delivery.objects.count() == 0


def test_a_failing_robot_is_retried_with_growing_pauses_then_given_up(
    personas, robot, make_webhook, settings, django_capture_on_commit_callbacks
):
    settings.NOTIFY_MAX_ATTEMPTS = 3
    make_webhook(personas.bureau, personas.town_a, robot.url())
    robot.status = 500
    with django_capture_on_commit_callbacks(execute=True):
        created = notify_unit(personas.town_a, "warning", "签约未开工")
    assert len(created) == 1  # the inbox is not affected by the robot
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_error) == (
        DeliveryStatus.PENDING,
        1,
        "对方返回 HTTP 500。",
    )
    assert delivery.next_attempt_at > timezone.now() + datetime.timedelta(seconds=50)
    assert send_due().sent == 0 and Delivery.objects.get().attempts == 1  # not due yet
    later = timezone.now() + backoff(1) + datetime.timedelta(seconds=1)
    send_due(now=later)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.PENDING, 2)
    assert delivery.next_attempt_at - later >= backoff(2) - datetime.timedelta(seconds=5)
    robot.reply = {"errcode": 310000, "errmsg": "sign not match"}
    robot.status = 200
    send_due(now=later + datetime.timedelta(hours=1))
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, 3)
    assert delivery.last_error == "机器人拒绝了消息（错误码 310000：sign not match）。"
    assert len(robot.received) == 3


def test_a_delivery_comes_through_on_retry(personas, robot, make_webhook, django_capture_on_commit_callbacks):
    make_webhook(personas.bureau, personas.town_a, robot.url())
    robot.status = 503
    with django_capture_on_commit_callbacks(execute=True):
        notify_unit(personas.town_a, "warning", "签约未开工")
    robot.status = 200
    result = send_due(now=timezone.now() + datetime.timedelta(minutes=2))
    assert result.sent == 1 and Delivery.objects.get().status == DeliveryStatus.SENT


def test_an_unreachable_robot_says_so_in_chinese(
    personas, robot, make_webhook, settings, django_capture_on_commit_callbacks
):
    import socket

    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()  # nothing listens there now
    make_webhook(personas.bureau, personas.town_a, f"http://127.0.0.1:{port}/robot/send?access_token=x1")
    with django_capture_on_commit_callbacks(execute=True):
        notify_unit(personas.town_a, "warning", "签约未开工")
    assert Delivery.objects.get().last_error == "连接被拒绝。"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://10.0.0.8/robot/send?access_token=x", "只能发送到允许的主机"),
        ("http://169.254.169.254/latest/meta-data?access_token=x", "只能发送到允许的主机"),
        ("https://oapi.dingtalk.com.evil.example/robot/send?access_token=x", "只能发送到允许的主机"),
        ("file:///etc/passwd", "只能以 https:// 或 http:// 开头"),
        ("ftp://oapi.dingtalk.com/robot/send?access_token=x", "只能以 https:// 或 http:// 开头"),
        ("https://user:pw@oapi.dingtalk.com/robot/send?access_token=x", "不能包含用户名或密码"),
        ("https://oapi.dingtalk.com/robot/send", "access_token"),
        ("https://", "缺少主机名"),
    ],
)
def test_addresses_outside_the_allowed_hosts_are_refused_in_chinese(personas, url, message):
    with pytest.raises(ValidationError) as error:
        save_webhook(personas.bureau, UnitWebhook(unit=personas.town_a, name="群", kind="dingtalk", url=url))
    assert message in " ".join(error.value.messages)
    assert UnitWebhook.objects.count() == 0


def test_the_vendors_robot_hosts_are_allowed_by_default():
    check_url("https://oapi.dingtalk.com/robot/send?access_token=abc", "dingtalk")
    check_url("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc", "wecom")


def test_a_host_removed_from_the_allowed_list_is_not_posted_to_any_more(personas, robot, make_webhook, settings):
    hook = make_webhook(personas.bureau, personas.town_a, robot.url())
    settings.WEBHOOK_ALLOWED_HOSTS = ["oapi.dingtalk.com"]
    with pytest.raises(DeliveryError, match="只能发送到允许的主机"):
        send_test_message(personas.bureau, hook)
    assert robot.received == []


def test_a_redirect_is_not_followed(personas, robot, make_webhook):
    hook = make_webhook(personas.bureau, personas.town_a, robot.url())
    robot.status = 302
    with pytest.raises(DeliveryError, match="HTTP 302"):
        send_test_message(personas.bureau, hook)


def test_the_test_message_reaches_the_robot(personas, robot, make_webhook):
    hook = make_webhook(personas.bureau, personas.town_a, robot.url())
    send_test_message(personas.bureau, hook)
    assert "测试消息" in json.loads(robot.received[0]["body"])["markdown"]["title"]


def test_credentials_are_masked_in_the_audit_log(personas, robot, make_webhook):
    hook = make_webhook(personas.bureau, personas.town_a, robot.url())
    hook.secret = "SECanother-secret-987654"
    save_webhook(personas.bureau, hook)
    rows = AuditLog.objects.filter(object_type="notifications.unitwebhook")
    assert rows.count() == 2
    text = json.dumps([row.changes for row in rows], ensure_ascii=False)
    for credential in (SECRET, "SECanother-secret-987654", "tok3n-abcdef123456"):
        assert credential not in text
    assert "******" in text


def test_credentials_never_reach_the_application_log_or_the_outbox(
    personas, robot, make_webhook, caplog, django_capture_on_commit_callbacks
):
    make_webhook(personas.bureau, personas.town_a, robot.url())
    robot.reply = {"errcode": 300001, "errmsg": "token tok3n-abcdef123456 is not exist"}
    with caplog.at_level(logging.DEBUG), django_capture_on_commit_callbacks(execute=True):
        notify_unit(personas.town_a, "warning", "签约未开工")
    delivery = Delivery.objects.get()
    assert "tok3n-abcdef123456" not in delivery.last_error and "******" in delivery.last_error
    assert caplog.records, "the failure is logged"
    assert "tok3n" not in caplog.text and SECRET not in caplog.text


def test_masked_addresses_keep_the_host_and_hide_tokens():
    assert mask_url("https://oapi.dingtalk.com/robot/send?access_token=abcdef1234567890") == (
        "https://oapi.dingtalk.com/robot/send?access_token=abcd****90"
    )
    assert "****" in mask_url("https://hooks.example.com/hook/0123456789abcdef0123")
