"""The first try of an e-mail goes through the job queue after the commit: the request
that caused it never waits for the mail server."""

import pytest
from django.core import mail

from zhaoshang.core.tests.workers import run_worker_once, use_database_queue
from zhaoshang.notifications.choices import DeliveryStatus
from zhaoshang.notifications.models import Delivery
from zhaoshang.notifications.services import notify

pytestmark = pytest.mark.django_db


def test_the_first_email_is_queued_after_the_commit_and_sent_by_the_worker(
    personas, email_on, settings, monkeypatch, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    use_database_queue(settings, monkeypatch)
    personas.officer_a.email = "zhangmin@chengguan.gov.cn"
    personas.officer_a.save()
    with django_capture_on_commit_callbacks(execute=True):
        notify([personas.officer_a], "verification_returned", "招商局退回：安泰项目到位资金", url="/funds/3/")
        assert not DBTaskResult.objects.exists()  # nothing queued before the commit
    assert len(mail.outbox) == 0  # the request did not send it
    assert DBTaskResult.objects.get().task_path == "zhaoshang.notifications.tasks.send_deliveries"
    assert Delivery.objects.get().status == DeliveryStatus.PENDING

    run_worker_once()
    assert [message.to for message in mail.outbox] == [["zhangmin@chengguan.gov.cn"]]
    assert Delivery.objects.get().status == DeliveryStatus.SENT


def test_the_worker_retries_due_emails_without_a_timer(personas, email_on, settings, monkeypatch):
    from django.utils import timezone

    from zhaoshang.notifications.models import Delivery as Outbox

    use_database_queue(settings, monkeypatch)
    settings.NOTIFY_SEND_IMMEDIATELY = False  # as if the first try had not happened
    personas.officer_a.email = "zhangmin@chengguan.gov.cn"
    personas.officer_a.save()
    notify([personas.officer_a], "verification_returned", "招商局退回：安泰项目到位资金", url="/funds/3/")
    Outbox.objects.update(next_attempt_at=timezone.now())
    run_worker_once()  # its first upkeep round, before any job
    assert [message.to for message in mail.outbox] == [["zhangmin@chengguan.gov.cn"]]
    settings.WORKER_SENDS_NOTIFICATIONS = False
    notify([personas.officer_a], "verification_returned", "第二条", url="/funds/4/")
    run_worker_once()
    assert len(mail.outbox) == 1
