"""A returned signing never counts; its verified resubmission counts exactly once."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from zhaoshang.projects.services import StageClaim, return_event, submit_stage, verify_event
from zhaoshang.projects.tests.factories import company, project
from zhaoshang.stats import facts
from zhaoshang.stats.choices import Indicator
from zhaoshang.stats.services import CountingRules, Period, value

pytestmark = pytest.mark.django_db
D = Decimal
H1_2024 = Period.months(2024, 1, 6)


def test_a_verified_resubmission_counts_once_and_the_returned_claim_not_at_all(personas, client):
    a, bureau, town = personas.officer_a, personas.bureau, personas.town_a
    p = project(a, town, investor=company())
    returned = submit_stage(a, p, StageClaim(stage="signed", date=datetime.date(2024, 3, 10), amount=D("80000")))
    return_event(bureau, returned, "协议金额与扫描件不符")
    for rules in (CountingRules(), CountingRules(include_submitted=True)):
        assert value(Indicator.SIGNED_COUNT, town, H1_2024, rules) == 0
        assert value(Indicator.CONTRACTED_INVESTMENT, town, H1_2024, rules) == 0
    # The unit resubmits on the project page, as it does every day.
    client.force_login(a)
    client.post(reverse("projects:advance", args=[p.pk]), {"stage": "signed", "date": "2024-03-12", "amount": "60000"})
    again = p.events.get(resubmission_of=returned)
    verify_event(bureau, again)
    for rules in (CountingRules(), CountingRules(include_submitted=True)):
        assert value(Indicator.SIGNED_COUNT, town, H1_2024, rules) == 1
        assert value(Indicator.CONTRACTED_INVESTMENT, town, H1_2024, rules) == D("60000")
    assert value(Indicator.SIGNED_BIG_COUNT, personas.county, H1_2024, CountingRules()) == 1
    assert facts.differences() == []  # the roll-up agrees with the rows
