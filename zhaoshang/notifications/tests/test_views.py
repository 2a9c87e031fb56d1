"""The bell, the inbox, preferences and the robots' pages, as each persona uses them; and
the returned-verification flows that now tell the submitter."""

import datetime
import json
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from zhaoshang.core.models import AuditLog
from zhaoshang.funds.models import FundsTranche
from zhaoshang.funds.services import record_tranche
from zhaoshang.notifications.choices import DeliveryStatus
from zhaoshang.notifications.models import Delivery, Notification, NotificationPreference, UnitWebhook
from zhaoshang.notifications.services import notify, save_webhook, unread_count
from zhaoshang.projects.tests.factories import project

pytestmark = pytest.mark.django_db


def test_the_bell_shows_the_unread_count(personas, client_for):
    notify([personas.officer_a], "assignment", "交办：协调用地", url="/projects/")
    notify([personas.officer_a], "warning", "签约未开工")
    client = client_for(personas.officer_a)
    page = client.get(reverse("core:home")).content.decode()
    assert 'data-testid="notification-bell"' in page and reverse("notifications:bell") in page
    response = client.get(reverse("notifications:bell"), headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert 'data-testid="bell-count"' in response.content.decode()
    assert 'data-unread="2"' in response.content.decode()
    assert "no-store" in response["Cache-Control"]


def test_the_bell_costs_one_query(personas, client_for, django_assert_num_queries):
    client = client_for(personas.officer_a)
    client.get(reverse("notifications:bell"))  # warm up
    # The session and its user, then the one count.
    with django_assert_num_queries(3):
        client.get(reverse("notifications:bell"))


def test_the_bells_poll_does_not_keep_an_idle_session_alive(personas, client_for):
    client = client_for(personas.officer_a)
    response = client.get(reverse("notifications:bell"))
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    # while a real page view does slide the session
    assert settings.SESSION_COOKIE_NAME in client.get(reverse("notifications:list")).cookies


def test_an_ended_session_sends_the_page_to_the_login(client, db):
    response = client.get(reverse("notifications:bell"), headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response["HX-Redirect"] == reverse("accounts:login")


def test_the_menu_lists_the_latest_and_opening_one_marks_it_read(personas, client_for):
    (first,) = notify([personas.officer_a], "assignment", "交办：协调用地", url="/projects/")
    client = client_for(personas.officer_a)
    menu = client.get(reverse("notifications:dropdown")).content.decode()
    assert "交办：协调用地" in menu and "1 条未读" in menu
    response = client.get(reverse("notifications:open", args=[first.pk]))
    assert response.status_code == 302 and response["Location"] == "/projects/"
    assert unread_count(personas.officer_a) == 0


def test_nobody_reads_or_marks_another_persons_notification(personas, client_for):
    (mine,) = notify([personas.officer_a], "assignment", "协调城关镇用地指标")
    for other in (personas.bureau, personas.leader, personas.county_officer, personas.sysadmin):
        client = client_for(other)
        assert client.get(reverse("notifications:open", args=[mine.pk])).status_code == 404
        assert client.post(reverse("notifications:mark_read", args=[mine.pk])).status_code == 404
        assert "协调城关镇用地指标" not in client.get(reverse("notifications:list")).content.decode()
    assert unread_count(personas.officer_a) == 1


def test_the_inbox_pages_filters_and_marks_all_read(personas, client_for):
    for number in range(35):
        notify([personas.officer_a], "warning", f"预警 {number}")
    notify([personas.officer_a], "instruction", "王市长批示")
    client = client_for(personas.officer_a)
    page = client.get(reverse("notifications:list")).content.decode()
    assert page.count('data-testid="notification"') == 30 and "共 36 条" in page
    only = client.get(reverse("notifications:list"), {"kind": "instruction"}).content.decode()
    assert only.count('data-testid="notification"') == 1
    response = client.post(reverse("notifications:mark_all_read"), follow=True)
    assert "已将 36 条消息标为已读" in response.content.decode()
    unread = client.get(reverse("notifications:list"), {"unread": "true"}).content.decode()
    assert 'data-testid="notification"' not in unread and "没有符合条件的消息" in unread


def test_marking_one_read_returns_to_the_page_but_never_off_site(personas, client_for):
    first, second = (notify([personas.officer_a], "warning", title)[0] for title in ("甲", "乙"))
    client = client_for(personas.officer_a)
    response = client.post(reverse("notifications:mark_read", args=[first.pk]), {"next": "/notifications/?page=2"})
    assert response["Location"] == "/notifications/?page=2"
    response = client.post(reverse("notifications:mark_read", args=[second.pk]), {"next": "https://evil.example/"})
    assert response["Location"] == reverse("notifications:list")
    assert unread_count(personas.officer_a) == 0


def test_an_empty_inbox_says_so(personas, client_for):
    page = client_for(personas.leader).get(reverse("notifications:list")).content.decode()
    assert "暂无消息" in page


def test_a_person_chooses_what_reaches_them(personas, client_for):
    client = client_for(personas.officer_a)
    page = client.get(reverse("notifications:preferences")).content.decode()
    assert "领导批示" in page and "电子邮件" in page
    data = {"warning__email": "on", "assignment__in_app": "on"}
    response = client.post(reverse("notifications:preferences"), data, follow=True)
    assert "通知设置已保存" in response.content.decode()
    notify([personas.officer_a], "instruction", "王市长批示")
    notify([personas.officer_a], "assignment", "交办")
    assert list(Notification.objects.values_list("title", flat=True)) == ["交办"]
    assert NotificationPreference.objects.filter(user=personas.officer_a).count() > 0
    assert NotificationPreference.objects.filter(user=personas.officer_b).count() == 0


def test_only_the_bureau_sets_up_robots_and_reads_the_outbox(personas, client_for):
    for persona in (personas.officer_a, personas.county_officer, personas.leader, personas.auditor, personas.sysadmin):
        client = client_for(persona)
        assert client.get(reverse("notifications:webhook_list")).status_code == 404
        assert client.get(reverse("notifications:webhook_create")).status_code == 404
        assert client.get(reverse("notifications:delivery_list")).status_code == 404
    assert client_for(personas.bureau).get(reverse("notifications:webhook_list")).status_code == 200


def test_the_system_admin_cannot_point_a_units_robot_at_an_address_of_their_choosing(
    personas, client_for, make_webhook
):
    hook = make_webhook(personas.bureau, personas.town_a, "https://oapi.dingtalk.com/robot/send?access_token=abc123")
    client = client_for(personas.sysadmin)
    mine = "https://oapi.dingtalk.com/robot/send?access_token=sysadmin0000"
    assert client.post(reverse("notifications:webhook_create"), robot_form(personas, url=mine)).status_code == 404
    assert (
        client.post(reverse("notifications:webhook_edit", args=[hook.pk]), robot_form(personas, url=mine)).status_code
        == 404
    )
    assert client.post(reverse("notifications:webhook_test", args=[hook.pk])).status_code == 404
    hook.refresh_from_db()
    assert hook.url.endswith("abc123") and UnitWebhook.objects.count() == 1
    with pytest.raises(PermissionDenied):
        save_webhook(personas.sysadmin, UnitWebhook(unit=personas.town_a, name="群", url=mine))


@pytest.fixture
def failed_robot_message(personas, robot, make_webhook, django_capture_on_commit_callbacks):
    """``failed_robot_message(kind, title)``: town A's robot answers 500 to a notification."""

    def send(kind, title):
        make_webhook(personas.bureau, personas.town_a, robot.url())
        robot.status = 500
        with django_capture_on_commit_callbacks(execute=True):
            notify([personas.officer_a], kind, title, unit=personas.town_a)

    return send


def test_the_system_admin_sees_the_outboxs_health_without_its_contents(personas, client_for, failed_robot_message):
    failed_robot_message("verification_returned", "锂电池项目签约被退回")
    client = client_for(personas.sysadmin)
    assert client.get(reverse("notifications:delivery_list")).status_code == 404
    page = client.get(reverse("notifications:delivery_health")).content.decode()
    assert 'data-testid="health-count"' in page and "对方返回 HTTP 500" in page
    assert "锂电池项目" not in page and "城关镇" not in page and "退回" not in page


def robot_form(personas, **overrides):
    data = {
        "unit": personas.town_a.pk,
        "name": "城关镇招商工作群",
        "kind": "dingtalk",
        "url": "https://oapi.dingtalk.com/robot/send?access_token=0123456789abcdef0123",
        "secret": "SECabcdefghijklmnopqrstuvwxyz0123",
        "kinds": ["warning", "assignment", "verification_returned"],
        "enabled": "on",
    }
    return data | overrides


def test_the_bureau_adds_a_robot_and_never_sees_its_credentials_again(personas, client_for):
    client = client_for(personas.bureau)
    response = client.post(reverse("notifications:webhook_create"), robot_form(personas), follow=True)
    assert "已保存群机器人" in response.content.decode()
    hook = UnitWebhook.objects.get()
    assert hook.secret == "SECabcdefghijklmnopqrstuvwxyz0123"
    for page in (
        response.content.decode(),
        client.get(reverse("notifications:webhook_edit", args=[hook.pk])).content.decode(),
    ):
        assert "0123456789abcdef0123" not in page and "SECabcdefghijklmnopqrstuvwxyz0123" not in page
        assert "oapi.dingtalk.com" in page and "SEC******" in page
    # Saving the form with the address and secret left empty keeps them.
    edited = robot_form(personas, url="", secret="", name="城关镇招商群（新）")
    client.post(reverse("notifications:webhook_edit", args=[hook.pk]), edited)
    hook.refresh_from_db()
    assert hook.name == "城关镇招商群（新）"
    assert hook.url.endswith("0123456789abcdef0123") and hook.secret.startswith("SECabc")
    client.post(reverse("notifications:webhook_edit", args=[hook.pk]), edited | {"clear_secret": "on"})
    hook.refresh_from_db()
    assert hook.secret == ""


def test_a_disallowed_host_is_refused_on_the_form_in_chinese(personas, client_for):
    client = client_for(personas.bureau)
    response = client.post(
        reverse("notifications:webhook_create"),
        robot_form(personas, url="http://192.168.1.10:8080/robot/send?access_token=x"),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "出于安全考虑，群机器人只能发送到允许的主机" in page and "192.168.1.10" in page
    assert UnitWebhook.objects.count() == 0


def test_the_test_button_reports_success_and_failure(personas, client_for, robot, make_webhook):
    hook = make_webhook(personas.bureau, personas.town_a, robot.url())
    client = client_for(personas.bureau)
    response = client.post(reverse("notifications:webhook_test", args=[hook.pk]), follow=True)
    assert "测试消息已发送到「城关镇招商工作群」" in response.content.decode()
    robot.status = 500
    response = client.post(reverse("notifications:webhook_test", args=[hook.pk]), follow=True)
    assert "测试消息发送失败：对方返回 HTTP 500。" in response.content.decode()


def test_the_bureau_deletes_a_robot(personas, client_for, robot, make_webhook):
    hook = make_webhook(personas.bureau, personas.town_a, robot.url())
    client = client_for(personas.bureau)
    asked = client.get(reverse("notifications:webhook_delete", args=[hook.pk])).content.decode()
    assert "确认删除" in asked and "城关镇招商工作群" in asked and UnitWebhook.objects.exists()  # GET never deletes
    response = client.post(reverse("notifications:webhook_delete", args=[hook.pk]), follow=True)
    assert "已删除群机器人「城关镇招商工作群」" in response.content.decode()
    assert not UnitWebhook.objects.exists()
    assert AuditLog.objects.filter(action="delete", object_type="notifications.unitwebhook").exists()


# --- Returned verifications -------------------------------------------------------------------------


def test_a_returned_stage_event_tells_its_submitter_with_the_reason_and_a_link(personas, client_for):
    p = project(personas.officer_a, personas.town_a, stage="signed")
    event = p.events.get()
    client_for(personas.bureau).post(
        reverse("projects:event_return", args=[event.pk]), {"reason": "缺少签约协议扫描件"}
    )
    (notification,) = Notification.objects.restrict(personas.officer_a)
    assert notification.kind == "verification_returned"
    assert p.name in notification.title and "签约" in notification.title
    assert "缺少签约协议扫描件" in notification.body
    assert notification.url == reverse("projects:detail", args=[p.pk])
    assert notification.unit == personas.town_a
    assert Notification.objects.exclude(recipient=personas.officer_a).count() == 0


def test_a_returned_tranche_tells_its_submitter_and_the_units_robot(
    personas, client_for, robot, make_webhook, django_capture_on_commit_callbacks
):
    make_webhook(personas.bureau, personas.town_a, robot.url())
    p = project(personas.officer_a, personas.town_a, stage="signed")
    tranche = record_tranche(
        personas.officer_a,
        FundsTranche(project=p, date=datetime.date(2024, 5, 1), amount=Decimal(300), source="outside_province"),
    )
    client = client_for(personas.bureau)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("funds:return", args=[tranche.pk]), {"reason": "缺少银行进账凭证"})
    assert response.status_code == 302
    (notification,) = Notification.objects.restrict(personas.officer_a)
    assert "到位资金 300 万元" in notification.title
    assert notification.url == reverse("funds:detail", args=[tranche.pk])
    (request,) = robot.received
    assert "缺少银行进账凭证" in json.loads(request["body"])["markdown"]["text"]
    # The submitter follows the link and lands on the tranche.
    follow = client_for(personas.officer_a).get(reverse("notifications:open", args=[notification.pk]), follow=True)
    assert "缺少银行进账凭证" in follow.content.decode()


def test_a_robot_that_is_down_does_not_stop_the_bureau_returning(
    personas, client_for, robot, make_webhook, django_capture_on_commit_callbacks
):
    make_webhook(personas.bureau, personas.town_a, robot.url())
    robot.status = 502
    p = project(personas.officer_a, personas.town_a, stage="signed")
    tranche = record_tranche(
        personas.officer_a,
        FundsTranche(project=p, date=datetime.date(2024, 5, 1), amount=Decimal(300), source="outside_province"),
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(personas.bureau).post(
            reverse("funds:return", args=[tranche.pk]), {"reason": "凭证不清"}, follow=True
        )
    assert "已退回" in response.content.decode()
    tranche.refresh_from_db()
    assert tranche.status == "returned"
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_error) == (
        DeliveryStatus.PENDING,
        1,
        "对方返回 HTTP 502。",
    )
    assert unread_count(personas.officer_a) == 1


def test_a_return_of_what_the_bureau_entered_itself_tells_the_units_officers(personas):
    from zhaoshang.funds.services import return_tranche

    p = project(personas.officer_a, personas.town_a, stage="signed")
    tranche = record_tranche(
        personas.bureau,
        FundsTranche(project=p, date=datetime.date(2024, 5, 1), amount=Decimal(300), source="outside_province"),
    )
    return_tranche(personas.bureau, tranche, "金额有误")
    assert [n.recipient for n in Notification.objects.all()] == [personas.officer_a]


def test_the_outbox_page_shows_failures_and_requeues_them(personas, client_for, failed_robot_message):
    failed_robot_message("warning", "签约未开工")
    client = client_for(personas.bureau)
    page = client.get(reverse("notifications:delivery_list")).content.decode()
    assert "对方返回 HTTP 500" in page and page.count('data-testid="delivery"') == 1
    delivery = Delivery.objects.get()
    client.post(reverse("notifications:delivery_retry", args=[delivery.pk]))
    delivery.refresh_from_db()
    assert delivery.attempts == 0 and delivery.status == DeliveryStatus.PENDING
