"""The bureau hears of new submissions as one digest line, not one message per claim."""

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command

from zhaoshang.funds.models import FundsTranche
from zhaoshang.funds.services import record_tranche
from zhaoshang.notifications.models import Notification
from zhaoshang.notifications.services import mark_read
from zhaoshang.projects.tests.factories import project

pytestmark = pytest.mark.django_db


def digests(user):
    return list(Notification.objects.filter(recipient=user, kind="review_waiting").order_by("created_at"))


def a_tranche(personas, amount="10"):
    p = project(personas.officer_a, personas.town_a, name=f"项目{amount}")
    tranche = FundsTranche(project=p, amount=Decimal(amount), date=datetime.date(2024, 6, 1), source="abroad")
    return record_tranche(personas.officer_a, tranche)


def test_new_submissions_make_one_unread_line_that_keeps_count(personas):
    project(personas.officer_a, personas.town_a, stage="signed")
    a_tranche(personas)
    call_command("review_digest")
    [line] = digests(personas.bureau)
    assert line.title == "2 条新的填报待审核" and line.url == "/review/" and line.read_at is None
    a_tranche(personas, "20")
    call_command("review_digest")
    call_command("review_digest")
    [line] = digests(personas.bureau)
    assert line.title == "3 条新的填报待审核"
    for user in (personas.officer_a, personas.county_officer, personas.leader):
        assert digests(user) == []


def test_after_reading_only_later_submissions_are_news(personas):
    a_tranche(personas)
    call_command("review_digest")
    mark_read(personas.bureau)
    call_command("review_digest")
    assert len(digests(personas.bureau)) == 1  # nothing new: no second line
    a_tranche(personas, "30")
    call_command("review_digest")
    _read, second = digests(personas.bureau)
    assert second.title == "1 条新的填报待审核" and second.read_at is None
    assert "待审核共 2 条" in second.body


def test_nothing_waiting_sends_nothing(personas):
    call_command("review_digest")
    assert digests(personas.bureau) == []
