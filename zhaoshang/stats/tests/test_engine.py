"""Each indicator's value on a small hand-made dataset, computed by hand beside it."""

import datetime
from decimal import Decimal

import pytest

from zhaoshang.funds.models import FundsTranche
from zhaoshang.projects.services import StageClaim, set_credits, submit_stage, verify_event
from zhaoshang.projects.tests.factories import company, project
from zhaoshang.stats.choices import Indicator
from zhaoshang.stats.services import CountingRules, Period, rank_desc, unit_table, value, year_on_year
from zhaoshang.stats.testing import rollup_rebuilt_once
from zhaoshang.targets.models import Target

pytestmark = pytest.mark.django_db
D = Decimal
JAN_JUL_2024 = Period.months(2024, 1, 7)
VERIFIED_ONLY = CountingRules()


def signed(p, user, bureau, date, amount=None, verify=True, supplementary=False):
    event = submit_stage(
        user,
        p,
        StageClaim(stage="signed", date=date, amount=D(amount) if amount else None, is_supplementary=supplementary),
    )
    if verify:
        verify_event(bureau, event)
    p.refresh_from_db()
    return event


def tranche(p, date, amount, status="verified", kind="domestic", usd=None):
    return FundsTranche.objects.create(
        project=p,
        date=date,
        amount=D(amount),
        status=status,
        kind=kind,
        amount_usd=D(usd) if usd else None,
        source="outside_province",
    )


@pytest.fixture
def dataset(personas):
    """The engine's hand-made data, the roll-up rebuilt once after it (stats/tests/
    test_rollup.py builds it write by write and checks the roll-up kept up)."""
    with rollup_rebuilt_once():
        return build_dataset(personas)


def build_dataset(personas):
    a, b, bureau = personas.officer_a, personas.officer_b, personas.bureau
    town_a, town_b = personas.town_a, personas.town_b
    p1 = project(a, town_a, name="P1", investor=company("甲公司"), total="20000")
    signed(p1, a, bureau, datetime.date(2024, 3, 10))
    verify_event(bureau, submit_stage(a, p1, StageClaim(stage="started", date=datetime.date(2024, 6, 1))))
    signed(p1, a, bureau, datetime.date(2024, 9, 1), amount="5000", supplementary=True)  # never counts again
    p2 = project(b, town_b, name="P2", investor=company("乙公司"), total="5000")
    signed(p2, b, bureau, datetime.date(2024, 5, 20))
    p3 = project(a, town_a, name="P3", investor=company("丙公司"), total="30000")
    signed(p3, a, bureau, datetime.date(2024, 6, 15), verify=False)  # submitted only
    p4 = project(a, town_a, name="P4", investor=company("丁公司"), total="10000")
    set_credits(bureau, p4, [(town_a, D(60), ""), (town_b, D(40), "跨区域落地")])
    signed(p4, a, bureau, datetime.date(2024, 2, 1))
    p5 = project(
        a, town_a, name="P5 增资", investor=company("戊公司"), total="50000", construction_nature="capital_increase"
    )
    signed(p5, a, bureau, datetime.date(2024, 4, 1), amount="3000")
    assert p5.total_investment == D("50000")  # the library keeps the whole project's size
    p6 = project(b, town_b, name="P6", investor=company("己公司"), total="8000")
    signed(p6, b, bureau, datetime.date(2023, 4, 15))
    tranche(p1, datetime.date(2024, 4, 1), "1000.5")
    tranche(p1, datetime.date(2024, 5, 1), "2000", status="submitted")
    tranche(p4, datetime.date(2024, 3, 3), "1000")
    tranche(p2, datetime.date(2024, 7, 7), "700", kind="foreign", usd="100")
    tranche(p2, datetime.date(2024, 8, 8), "999")  # after July
    return personas


def test_signed_projects_count_once_at_first_verified_signing_to_the_largest_share(dataset):
    assert value(Indicator.SIGNED_COUNT, dataset.town_a, JAN_JUL_2024, VERIFIED_ONLY) == 3  # P1, P4, P5
    assert value(Indicator.SIGNED_COUNT, dataset.town_b, JAN_JUL_2024, VERIFIED_ONLY) == 1  # P2
    assert value(Indicator.SIGNED_COUNT, dataset.county, JAN_JUL_2024, VERIFIED_ONLY) == 4


def test_contracted_investment_splits_by_share_and_counts_only_the_increase(dataset):
    assert value(Indicator.CONTRACTED_INVESTMENT, dataset.town_a, JAN_JUL_2024, VERIFIED_ONLY) == D(
        "29000"
    )  # 20000+6000+3000
    assert value(Indicator.CONTRACTED_INVESTMENT, dataset.town_b, JAN_JUL_2024, VERIFIED_ONLY) == D("9000")  # 5000+4000
    assert value(Indicator.CONTRACTED_INVESTMENT, dataset.city, JAN_JUL_2024, VERIFIED_ONLY) == D("38000")


def test_big_projects_use_the_threshold_setting(dataset):
    assert value(Indicator.SIGNED_BIG_COUNT, dataset.county, JAN_JUL_2024, VERIFIED_ONLY) == 2  # P1, P4
    lower = CountingRules(big_threshold_wan=D(3000))
    assert value(Indicator.SIGNED_BIG_COUNT, dataset.county, JAN_JUL_2024, lower) == 4


def test_submitted_claims_count_only_when_the_setting_says_so(dataset):
    with_submitted = CountingRules(include_submitted=True)
    assert value(Indicator.SIGNED_COUNT, dataset.town_a, JAN_JUL_2024, with_submitted) == 4
    assert value(Indicator.FUNDS_IN_PLACE, dataset.town_a, JAN_JUL_2024, with_submitted) == D("3600.5")


def test_the_verification_date_rule_moves_signings_to_when_they_were_verified(dataset):
    by_verification = CountingRules(signing_date="verification")
    assert value(Indicator.SIGNED_COUNT, dataset.county, JAN_JUL_2024, by_verification) == 0
    today = datetime.date.today()
    assert value(Indicator.SIGNED_COUNT, dataset.county, Period.year(today.year), by_verification) == 5


def test_funds_in_place_are_verified_tranches_in_the_period_split_by_share(dataset):
    assert value(Indicator.FUNDS_IN_PLACE, dataset.town_a, JAN_JUL_2024, VERIFIED_ONLY) == D("1600.5")  # 1000.5 + 600
    assert value(Indicator.FUNDS_IN_PLACE, dataset.town_b, JAN_JUL_2024, VERIFIED_ONLY) == D("1100")  # 400 + 700
    assert value(Indicator.FOREIGN_FUNDS, dataset.county, JAN_JUL_2024, VERIFIED_ONLY) == D("100")


def test_started_projects_count_by_verified_start_date(dataset):
    assert value(Indicator.STARTED_COUNT, dataset.county, JAN_JUL_2024, VERIFIED_ONLY) == 1
    assert value(Indicator.STARTED_BIG_COUNT, dataset.county, JAN_JUL_2024, VERIFIED_ONLY) == 1
    assert value(Indicator.STARTED_COUNT, dataset.county, Period.months(2024, 7, 12), VERIFIED_ONLY) == 0


def test_the_table_gives_completion_schedule_gap_year_on_year_and_rank(dataset):
    Target.objects.create(year=2024, unit=dataset.county, indicator=Indicator.CONTRACTED_INVESTMENT, value=D(60000))
    table = unit_table([dataset.county], [Indicator.CONTRACTED_INVESTMENT], JAN_JUL_2024, VERIFIED_ONLY)
    cell = table.rows[0].cells[Indicator.CONTRACTED_INVESTMENT]
    assert cell.value == D(38000)
    assert cell.completion == D(38000) / D(60000)
    assert table.schedule == D(7) / D(12)
    assert cell.schedule_gap == D(38000) / D(60000) - D(7) / D(12)
    assert cell.last_year == D(8000)
    assert cell.yoy == D(38000) / D(8000) - 1
    towns = unit_table([dataset.town_a, dataset.town_b], [Indicator.CONTRACTED_INVESTMENT], JAN_JUL_2024, VERIFIED_ONLY)
    assert [(row.unit.code, row.cells[Indicator.CONTRACTED_INVESTMENT].rank) for row in towns.rows] == [
        ("SFX-CG", 1),
        ("SFX-HK", 2),
    ]
    assert towns.rows[0].cells[Indicator.CONTRACTED_INVESTMENT].yoy is None  # town A had nothing last year: "—"


def test_ranks_are_shared_on_ties():
    assert rank_desc({"a": D(5), "b": D(3), "c": D(3), "d": D(1), "e": None}) == {"a": 1, "b": 2, "c": 2, "d": 4}


def test_year_on_year_is_undefined_when_last_year_is_zero():
    assert year_on_year(D(10), D(0)) is None
    assert year_on_year(D(15), D(10)) == D("0.5")


def test_periods_have_the_labels_and_schedule_bulletins_use():
    assert Period.months(2024, 1, 7).label == "2024年1—7月"
    assert Period.months(2024, 1, 7).schedule == D(7) / D(12)
    assert Period.quarter(2024, 3).label == "2024年第三季度"
    assert Period.month(2024, 2).same_period_last_year().end == datetime.date(2023, 2, 28)
    with pytest.raises(ValueError):
        Period.months(2024, 8, 7)


def test_the_table_covers_a_province_of_units_at_once(dataset, personas):
    """Every unit of a province in one table (the scheduling meeting's all-units view):
    1,200 units must not overflow the database's expression limits."""
    from zhaoshang.accounts.models import Unit

    county = personas.county
    Unit.objects.bulk_create(
        Unit(
            code=f"BULK{n:04d}",
            name=f"批量镇{n}",
            type="town",
            parent=county,
            path=f"{county.path}BULK{n:04d}/",
            depth=county.depth + 1,
            aliases=[],
        )
        for n in range(1200)
    )
    units = list(Unit.objects.order_by("path"))
    table = unit_table(units, [Indicator.SIGNED_COUNT], Period.year(2024))
    by_unit = {row.unit.pk: row.cells[Indicator.SIGNED_COUNT].value for row in table.rows}
    assert len(table.rows) == len(units) > 1200
    assert by_unit[county.pk] == value(Indicator.SIGNED_COUNT, county, Period.year(2024))
