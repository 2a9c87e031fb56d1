"""A small county scored by hand: four towns, a handful of projects, targets, the
bureau's entries, and a scheme that uses every kind of line (see ``test_scoring``).

The towns (all under 示范县): 城关镇 (A), 河口镇 (B), and two more made here, 石桥镇 (C)
and 新塘镇 (D). The period is 2024年1—7月, judged on 15 August 2024.
"""

import datetime
from decimal import Decimal

import pytest

from zhaoshang.accounts.choices import UnitType
from zhaoshang.accounts.models import Unit
from zhaoshang.assessment.choices import EntryKind, RuleKind, UnitSelection
from zhaoshang.assessment.models import AssessmentScheme, ManualEntry
from zhaoshang.assessment.services import RuleInput, save_entry, save_scheme
from zhaoshang.projects.services import StageClaim, submit_stage, verify_event
from zhaoshang.projects.tests.factories import project
from zhaoshang.relations.models import Company
from zhaoshang.stats.choices import Indicator
from zhaoshang.targets.services import set_target

D = Decimal
TODAY = datetime.date(2024, 8, 15)


def signed(p, user, bureau, date, *, verify=True):
    event = submit_stage(user, p, StageClaim(stage="signed", date=date))
    if verify:
        verify_event(bureau, event)
    p.refresh_from_db()
    return p


def investor(name, *flags):
    return Company.objects.create(name=name, flags=list(flags))


@pytest.fixture
def county(personas):
    """The towns, their projects and targets (no scheme yet)."""
    p = personas
    town_c = Unit.objects.create(code="SFX-SQ", name="石桥镇", type=UnitType.TOWN, parent=p.county)
    town_d = Unit.objects.create(code="SFX-XT", name="新塘镇", type=UnitType.TOWN, parent=p.county)
    p.extra.update(town_c=town_c, town_d=town_d)
    bureau, a, b = p.bureau, p.officer_a, p.officer_b
    # 城关镇: two 世界500强 signings in 1—7月, one of them ≥ 10亿; a third in August.
    p.extra["a1"] = signed(
        project(a, p.town_a, name="A1", investor=investor("甲（世界500强）", "global500"), total="30000"),
        a,
        bureau,
        datetime.date(2024, 3, 10),
    )
    p.extra["a2"] = signed(
        project(a, p.town_a, name="A2", investor=investor("乙（世界500强）", "global500", "listed"), total="120000"),
        a,
        bureau,
        datetime.date(2024, 5, 1),
    )
    p.extra["a3"] = signed(
        project(a, p.town_a, name="A3", investor=investor("丙（世界500强）", "global500"), total="5000"),
        a,
        bureau,
        datetime.date(2024, 8, 5),
    )
    # 河口镇: one signing, past its agreed start date and not started; one claim not verified.
    p.extra["b1"] = signed(
        project(
            b, p.town_b, name="B1", investor=investor("丁"), total="6000", agreed_start_on=datetime.date(2024, 6, 1)
        ),
        b,
        bureau,
        datetime.date(2024, 4, 1),
    )
    signed(
        project(b, p.town_b, name="B2", investor=investor("戊"), total="2000"),
        b,
        bureau,
        datetime.date(2024, 6, 20),
        verify=False,
    )
    # 石桥镇: one signing this year; one from last year that never started.
    # C1 agreed to start in October: not yet 签约未开工 (without a date it would be due 180
    # days after signing, 30 July).
    p.extra["c1"] = signed(
        project(
            bureau, town_c, name="C1", investor=investor("己"), total="3000", agreed_start_on=datetime.date(2024, 10, 1)
        ),
        bureau,
        bureau,
        datetime.date(2024, 2, 1),
    )
    p.extra["c0"] = signed(
        project(
            bureau, town_c, name="C0", investor=investor("庚"), total="8000", agreed_start_on=datetime.date(2023, 12, 1)
        ),
        bureau,
        bureau,
        datetime.date(2023, 3, 1),
    )
    # 新塘镇: one signing; its agreed start (September) is not yet due on 31 July.
    p.extra["d1"] = signed(
        project(
            bureau, town_d, name="D1", investor=investor("辛"), total="1000", agreed_start_on=datetime.date(2024, 9, 1)
        ),
        bureau,
        bureau,
        datetime.date(2024, 7, 1),
    )
    for unit, contracted, count in [
        (p.town_a, "20000", "2"),
        (p.town_b, "10000", "4"),
        (town_c, "5000", "1"),
        (town_d, None, "1"),  # no contracted-investment target: that line scores 0
    ]:
        if contracted:
            set_target(bureau, 2024, unit, Indicator.CONTRACTED_INVESTMENT, contracted)
        set_target(bureau, 2024, unit, Indicator.SIGNED_COUNT, count)
    return p


@pytest.fixture
def scheme(county):
    """The county's four towns; 协议引资额 60 + 签约项目数 40; completion capped at 120 %."""
    p = county
    scheme = save_scheme(
        p.bureau,
        AssessmentScheme(
            name="乡镇招商考核", year=2024, parent=p.county, selection=UnitSelection.CHILDREN, cap_percent=D(120)
        ),
        [(Indicator.CONTRACTED_INVESTMENT, D(60)), (Indicator.SIGNED_COUNT, D(40))],
        [
            RuleInput(RuleKind.INVESTOR_FLAG, D(2), max_points=D(3), flag="global500"),
            RuleInput(RuleKind.BIG_PROJECT, D(5), threshold_wan=D(100000)),
            RuleInput(RuleKind.NOT_STARTED, D("1.5")),
            RuleInput(RuleKind.MISSING_REPORT, D(1)),
            RuleInput(RuleKind.FALSIFIED, D(4)),
        ],
    )
    p.extra["scheme"] = scheme

    def entry(unit, kind, date, reason, points=None):
        return save_entry(
            p.bureau,
            ManualEntry(
                scheme=scheme, unit=unit, kind=kind, date=date, reason=reason, points=points, evidence="核查记录"
            ),
        )

    p.extra["falsified"] = entry(p.town_b, EntryKind.FALSIFIED, datetime.date(2024, 5, 10), "虚报到位资金")
    entry(p.town_b, EntryKind.ADJUSTMENT, datetime.date(2024, 6, 1), "市级表彰加分", D("36.5"))
    entry(p.extra["town_c"], EntryKind.ADJUSTMENT, datetime.date(2024, 6, 1), "重大活动承办", D("2.5"))
    p.extra["veto"] = entry(p.extra["town_d"], EntryKind.VETO, datetime.date(2024, 7, 20), "发生安全生产责任事故")
    return p
