"""notify() stores in-app notifications at once, honours each person's choices, and puts
e-mails in the outbox for after the commit."""

import pytest
from django.core import mail
from django.db import transaction

from zhaoshang.notifications.choices import Channel, DeliveryChannel, DeliveryStatus, NotificationKind
from zhaoshang.notifications.models import Delivery, Notification
from zhaoshang.notifications.services import (
    mark_read,
    notify,
    notify_unit,
    preferences_for,
    save_preferences,
    send_due,
    unread_count,
)

pytestmark = pytest.mark.django_db


def test_a_notification_raises_the_recipients_unread_count_only(personas):
    notify([personas.officer_a], NotificationKind.ASSIGNMENT, "请跟进安泰电容器项目", url="/projects/1/")
    assert unread_count(personas.officer_a) == 1
    assert unread_count(personas.officer_b) == 0
    mark_read(personas.officer_a)
    assert unread_count(personas.officer_a) == 0


def test_repeated_and_inactive_recipients_are_skipped(personas):
    personas.officer_b.is_active = False
    personas.officer_b.save()
    created = notify(
        [personas.officer_a, personas.officer_a, personas.officer_b, None], "warning", "签约未开工：安泰项目"
    )
    assert [n.recipient for n in created] == [personas.officer_a]


def test_a_single_user_is_accepted_as_recipients(personas):
    assert len(notify(personas.leader, "instruction", "王市长批示：加快推进")) == 1


def test_unknown_kinds_empty_titles_and_outside_links_are_programming_errors(personas):
    with pytest.raises(ValueError):
        notify([personas.officer_a], "gossip", "x")
    with pytest.raises(ValueError):
        notify([personas.officer_a], "warning", "   ")
    for url in ("https://evil.example/", "//evil.example/x", "javascript:alert(1)"):
        with pytest.raises(ValueError):
            notify([personas.officer_a], "warning", "x", url=url)
    assert Notification.objects.count() == 0


def test_a_rolled_back_action_notifies_nobody(personas):
    with pytest.raises(RuntimeError), transaction.atomic():
        notify([personas.officer_a], "assignment", "交办事项")
        raise RuntimeError("the action failed")
    assert Notification.objects.count() == 0


def test_the_unit_notification_goes_to_its_officers_only(personas):
    created = notify_unit(personas.town_a, "round_opened", "2024年7月调度已开启，请于7月5日前填报")
    assert [n.recipient for n in created] == [personas.officer_a]
    assert created[0].unit == personas.town_a


def test_preferences_default_to_the_inbox_for_everything_and_email_for_what_asks_to_act(personas):
    chosen = preferences_for(personas.officer_a)
    assert all(chosen[(kind, Channel.IN_APP)] for kind in NotificationKind)
    assert chosen[(NotificationKind.ASSIGNMENT, Channel.EMAIL)]
    assert not chosen[(NotificationKind.WARNING, Channel.EMAIL)]


def test_a_person_who_turned_a_kind_off_in_the_app_does_not_get_it(personas):
    wanted = {key for key, on in preferences_for(personas.officer_a).items() if on}
    wanted.discard((NotificationKind.WARNING, Channel.IN_APP))
    assert save_preferences(personas.officer_a, wanted) == 1
    notify([personas.officer_a, personas.officer_b], "warning", "签约未开工：安泰项目")
    assert unread_count(personas.officer_a) == 0
    assert unread_count(personas.officer_b) == 1
    # Saving the same choices again changes nothing.
    assert save_preferences(personas.officer_a, wanted) == 0


def test_preferences_are_audited(personas):
    from zhaoshang.core.models import AuditLog

    changed = save_preferences(personas.officer_a, set())
    assert changed == sum(preferences_for(personas.bureau).values())  # every default that was on
    assert not any(preferences_for(personas.officer_a).values())
    rows = AuditLog.objects.filter(object_type="notifications.notificationpreference")
    assert rows.count() == changed


def test_email_goes_after_the_commit_to_people_with_an_address(personas, email_on, django_capture_on_commit_callbacks):
    personas.officer_a.email = "zhangmin@chengguan.gov.cn"
    personas.officer_a.save()
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            [personas.officer_a, personas.officer_b],
            "verification_returned",
            "招商局退回：安泰项目到位资金",
            body="退回原因：缺少银行进账凭证。",
            url="/funds/3/",
        )
        assert len(mail.outbox) == 0  # not before the commit
    assert len(mail.outbox) == 1  # officer B has no address
    message = mail.outbox[0]
    assert message.to == ["zhangmin@chengguan.gov.cn"]
    assert message.subject == "【审核退回】招商局退回：安泰项目到位资金"
    assert "缺少银行进账凭证" in message.body
    assert "https://zs.example.gov.cn/funds/3/" in message.body
    delivery = Delivery.objects.get()
    assert (delivery.channel, delivery.status, delivery.attempts) == (DeliveryChannel.EMAIL, DeliveryStatus.SENT, 1)


def test_email_respects_the_persons_choice(personas, email_on, django_capture_on_commit_callbacks):
    personas.officer_a.email = "zhangmin@chengguan.gov.cn"
    personas.officer_a.save()
    wanted = {key for key, on in preferences_for(personas.officer_a).items() if on}
    wanted.discard((NotificationKind.ASSIGNMENT, Channel.EMAIL))
    wanted.add((NotificationKind.WARNING, Channel.EMAIL))
    save_preferences(personas.officer_a, wanted)
    with django_capture_on_commit_callbacks(execute=True):
        notify([personas.officer_a], "assignment", "交办：协调用地")
        notify([personas.officer_a], "warning", "预警：签约未开工")
    assert [m.subject for m in mail.outbox] == ["【预警】预警：签约未开工"]
    assert unread_count(personas.officer_a) == 2  # the inbox still has both


def test_no_email_is_queued_when_the_deployment_has_no_mail_server(personas, settings):
    settings.NOTIFY_EMAIL = False
    personas.officer_a.email = "zhangmin@chengguan.gov.cn"
    personas.officer_a.save()
    notify([personas.officer_a], "assignment", "交办：协调用地")
    assert Delivery.objects.count() == 0


def test_a_mail_server_failure_is_retried_by_the_command(personas, email_on, monkeypatch):
    from django.core.management import call_command

    personas.officer_a.email = "zhangmin@chengguan.gov.cn"
    personas.officer_a.save()
    notify(
        [personas.officer_a], "assignment", "交办：协调用地"
    )  # the test's transaction never commits: no immediate try

    def refuse(self, fail_silently=False):
        raise ConnectionRefusedError("smtp down")

    with monkeypatch.context() as patch:
        patch.setattr("django.core.mail.EmailMessage.send", refuse)
        send_due()
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.PENDING, 1)
    assert "邮件发送失败" in delivery.last_error
    assert len(mail.outbox) == 0
    # Not due yet: the command leaves it alone until the pause has passed.
    call_command("send_notifications")
    assert Delivery.objects.get().attempts == 1
    delivery.next_attempt_at = delivery.created_at
    delivery.save()
    call_command("send_notifications")
    assert Delivery.objects.get().status == DeliveryStatus.SENT
    assert len(mail.outbox) == 1
