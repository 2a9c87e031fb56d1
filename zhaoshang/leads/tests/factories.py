"""Referral test data built through the services, as a unit and the bureau would."""

import datetime
from decimal import Decimal

from zhaoshang.leads.choices import RewardAmountKind, RewardCondition, SourceKind
from zhaoshang.leads.models import Payout, Referral, RewardRule
from zhaoshang.leads.referrals import record_payout, save_referral
from zhaoshang.projects.services import verify_event
from zhaoshang.projects.tests.factories import project
from zhaoshang.relations.choices import ContactKind
from zhaoshang.relations.models import Contact

AGREED = datetime.date(2024, 12, 31)


def producing_project(personas, officer, unit, *, produced=datetime.date(2024, 11, 20), name="安泰电容投产项目"):
    """A project of ``unit`` whose production (and every stage before) the bureau verified."""
    made = project(officer, unit, name=name, stage="production", production_on=produced, agreed_production_on=AGREED)
    for event in made.events.order_by("date"):
        verify_event(personas.bureau, event)
    made.refresh_from_db()
    return made


def notable(personas, officer, unit, name="周乡贤"):
    return Contact.objects.create(kind=ContactKind.NOTABLE, name=name, keeping_unit=unit)


def production_rule(days=90, amount="5", **fields) -> RewardRule:
    return RewardRule.objects.create(
        name=f"按期投产奖励（{days}天）",
        source_kinds=[SourceKind.NOTABLE, SourceKind.INTERMEDIARY, SourceKind.LOCAL_FIRM],
        condition=RewardCondition.IN_PRODUCTION_IN_TIME,
        within_days=days,
        amount_kind=RewardAmountKind.FIXED,
        amount=Decimal(amount),
        active_from=datetime.date(2024, 1, 1),
        **fields,
    )


def referral_by_notable(personas, officer, unit, *, official=False, **project_fields) -> Referral:
    made = producing_project(personas, officer, unit, **project_fields)
    person = notable(personas, officer, unit)
    referral = Referral(
        project=made,
        source_kind=SourceKind.NOTABLE,
        contact=person,
        referred_on=datetime.date(2024, 3, 1),
        referrer_is_official=official,
    )
    return save_referral(officer, referral)


def town_b_payout(personas) -> Payout:
    """Town B's eligible referral and a payout waiting for the bureau."""
    production_rule()
    referral = referral_by_notable(personas, personas.officer_b, personas.town_b)
    payout = Payout(amount=Decimal("5"), paid_on=datetime.date(2025, 1, 10), evidence="财拨〔2025〕3号")
    return record_payout(personas.officer_b, referral, payout)
