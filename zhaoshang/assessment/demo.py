"""The demo city's assessment: this year's scheme over the towns and development zones,
with a few of the bureau's entries and, once a month has ended, the year-to-date result
published. Idempotent: a second run finds the scheme and changes nothing."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from zhaoshang.accounts.choices import UnitType
from zhaoshang.accounts.models import Unit
from zhaoshang.assessment.choices import EntryKind, RuleKind, UnitSelection, VetoMode
from zhaoshang.assessment.models import AssessmentScheme, ManualEntry
from zhaoshang.assessment.services import RuleInput, default_period_key, publish, save_entry, save_scheme
from zhaoshang.stats.choices import Indicator

D = Decimal


@transaction.atomic
def build_assessment(bureau) -> int:
    """Returns 1 when the scheme was created, 0 when it existed (or there is no city)."""
    today = timezone.localdate()
    name = "乡镇（街道）和开发区招商引资工作考核"
    city = Unit.objects.filter(parent__isnull=True, active=True).order_by("path").first()
    if city is None or AssessmentScheme.objects.filter(year=today.year, name=name).exists():
        return 0
    scheme = save_scheme(
        bureau,
        AssessmentScheme(
            name=name,
            year=today.year,
            parent=city,
            selection=UnitSelection.TYPE,
            unit_types=[UnitType.TOWN, UnitType.ZONE],
            veto_mode=VetoMode.ZERO,
            note="演示方案：指标 100 分，另设加分、扣分和一票否决。",
        ),
        [
            (Indicator.CONTRACTED_INVESTMENT, D(40)),
            (Indicator.FUNDS_IN_PLACE, D(30)),
            (Indicator.SIGNED_COUNT, D(15)),
            (Indicator.STARTED_COUNT, D(15)),
        ],
        [
            RuleInput(RuleKind.INVESTOR_FLAG, D(2), max_points=D(6)),
            RuleInput(RuleKind.BIG_PROJECT, D(3), max_points=D(9), threshold_wan=D(100000)),
            RuleInput(RuleKind.NOT_STARTED, D(1), max_points=D(5)),
            RuleInput(RuleKind.MISSING_REPORT, D("0.5"), max_points=D(3)),
            RuleInput(RuleKind.FALSIFIED, D(5)),
        ],
    )
    units = scheme.assessed_units()
    first_day = datetime.date(today.year, 1, 1)
    if len(units) >= 3:
        entries = [
            (
                units[1],
                EntryKind.FALSIFIED,
                None,
                "到位资金凭证与银行流水不符，经核查属虚报",
                "市投促局核查记录（第3号）",
            ),
            (units[2], EntryKind.ADJUSTMENT, D(2), "承办全市招商推介会", "市政府办公室通报"),
            (units[-1], EntryKind.VETO, None, "引进项目发生重大环境污染事件", "生态环境局处罚决定书"),
        ]
        for unit, kind, points, reason, evidence in entries:
            save_entry(
                bureau,
                ManualEntry(
                    scheme=scheme,
                    unit=unit,
                    kind=kind,
                    date=first_day + datetime.timedelta(days=9),
                    points=points,
                    reason=reason,
                    evidence=evidence,
                ),
            )
    if today.month > 1:  # the last complete month's year-to-date result, published
        publish(bureau, scheme, default_period_key(scheme, today))
    return 1


# core.demo.build_city runs this after the demo modules of these apps: its scores and deductions read the money, targets, problems and rounds.
DEMO_AFTER = ("funds", "targets", "supervision", "scheduling")


def build(city) -> int:
    return build_assessment(city.bureau)
