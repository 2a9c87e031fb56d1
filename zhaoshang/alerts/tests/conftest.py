import datetime
from decimal import Decimal

from zhaoshang.alerts.choices import WarningStatus
from zhaoshang.alerts.models import Warning
from zhaoshang.alerts.services import ensure_rules, scan
from zhaoshang.funds.models import FundsTranche
from zhaoshang.projects.models import FollowUp
from zhaoshang.projects.services import StageClaim, add_follow_up, submit_stage, verify_event
from zhaoshang.projects.tests.factories import company
from zhaoshang.projects.tests.factories import project as make_project
from zhaoshang.supervision.tests.conftest import calendar  # noqa: F401 (the holiday calendar, as a fixture)

D = datetime.date
SIGNED_ON = D(2024, 4, 12)  # the factory's signing date


def negotiating(personas, unit=None, **fields):
    unit = unit or personas.town_a
    user = personas.officer_a if unit == personas.town_a else personas.officer_b
    fields.setdefault("investor", company(f"{fields.get('name', '测试')}公司", unit=unit))
    return make_project(user, unit, stage="negotiating", **fields)


def claim(personas, p, stage, date, *, verify=True, amount=None):
    note = "企业投资计划调整" if stage in ("dropped", "on_hold") else ""
    event = submit_stage(
        personas.bureau, p, StageClaim(stage=stage, date=date, amount=Decimal(amount) if amount else None, note=note)
    )
    if verify:
        verify_event(personas.bureau, event)
    p.refresh_from_db()
    return event


def signed(personas, unit=None, *, on=SIGNED_ON, verify=True, total="10000", **fields):
    p = negotiating(personas, unit, total=total, **fields)
    claim(personas, p, "signed", on, verify=verify, amount=total)
    return p


def tranche(p, date, amount, status="verified"):
    return FundsTranche.objects.create(
        project=p, date=date, amount=Decimal(amount), status=status, source="outside_province"
    )


def follow_up(personas, p, date):
    return add_follow_up(personas.bureau, p, FollowUp(date=date, kind="call", content="电话沟通"))


def only(kinds):
    """Turn every other rule off, so a test sees the kind it is about."""
    rules = ensure_rules()
    for kind, rule in rules.items():
        rule.enabled = kind in kinds
        rule.save()
    return rules


def open_warnings(kind=None):
    rows = Warning.objects.filter(status=WarningStatus.OPEN)
    if kind:
        rows = rows.filter(kind=kind)
    return list(rows.order_by("id"))


def scan_on(date, kinds=None):
    return scan(today=date, kinds=kinds)
