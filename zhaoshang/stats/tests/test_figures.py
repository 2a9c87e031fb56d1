"""The two figures of the speeches (stats.figures) on the engine's hand-made dataset plus a
year before it, each expected Decimal worked out by hand beside it."""

import datetime
from decimal import Decimal as D

import pytest

from zhaoshang.projects.models import Project
from zhaoshang.projects.tests.factories import company, project
from zhaoshang.stats import figures
from zhaoshang.stats.services import CountingRules, Period
from zhaoshang.stats.tests.test_engine import signed, tranche

pytestmark = pytest.mark.django_db
JAN_JUL_2024 = Period.months(2024, 1, 7)
VERIFIED_ONLY = CountingRules()


@pytest.fixture
def years(dataset):
    """2024 as test_engine has it (signed 1–7月: P1 20000, P4 10000 split 60/40, P5 +3000 in
    城关镇, P2 5000 in 河口镇; funds 1000.5 + 1000 + 700), and before it: P6 (河口镇, 8000)
    and P7 (城关镇, 40000) signed in 2023, P8 (城关镇) signed in 2022; funds 300 (P6) and
    700 (P8) in 2023, 500 (P6) in 2024."""
    a, bureau = dataset.officer_a, dataset.bureau
    p6 = Project.objects.get(name="P6")
    p7 = project(a, dataset.town_a, name="P7", investor=company("庚公司"), total="40000")
    signed(p7, a, bureau, datetime.date(2023, 2, 1))
    p8 = project(a, dataset.town_a, name="P8", investor=company("辛公司"), total="1000")
    signed(p8, a, bureau, datetime.date(2022, 6, 1))
    tranche(p6, datetime.date(2023, 6, 1), "300")
    tranche(p8, datetime.date(2023, 5, 1), "700")
    tranche(p6, datetime.date(2024, 5, 1), "500")
    return dataset


def test_average_size_compares_with_the_same_period_last_year(years):
    figure = figures.average_size(years.county, JAN_JUL_2024, VERIFIED_ONLY)
    assert (figure.numerator, figure.denominator) == (D(38000), D(4))
    assert (figure.last_numerator, figure.last_denominator) == (D(48000), D(2))  # P6 + P7
    assert figure.value == D(9500) and figure.last_year == D(24000)
    assert figure.change == D(9500) / D(24000) - 1
    assert figure.change_text == "同比下降60.4%"  # −0.60416… as the engine's growth words say it
    assert figure.sentence == "签约项目平均规模9,500.00万元/个，同比下降60.4%"
    assert "协议引资额 ÷ 签约项目数" in figure.rule and "仅计已审核数据" in figure.rule


def test_average_size_growth_rounds_half_up_for_display_only(years):
    town_b = figures.average_size(years.town_b, JAN_JUL_2024, VERIFIED_ONLY)
    # 河口镇: 9000 万元 (P2 5000 + 40 % of P4) over its one counted project; last year P6 8000.
    assert (town_b.value, town_b.last_year, town_b.change) == (D(9000), D(8000), D("0.125"))
    assert town_b.change_text == "同比增长12.5%"
    halfway = figures.average_size_of(D("1187.5"), D(1000), D(1000), D(1000), JAN_JUL_2024, VERIFIED_ONLY)
    assert halfway.change == D("0.1875") and halfway.change_text == "同比增长18.8%"  # 18.75 → 18.8, half-up


def test_a_year_with_nothing_before_it_says_no_data_rather_than_dividing_by_zero(years):
    first = Period.months(2022, 1, 7)
    size = figures.average_size(years.county, first, VERIFIED_ONLY)
    assert (size.value, size.last_year, size.change) == (D(1000), None, None)
    assert size.change_text == "无同期数据"
    assert size.sentence == "签约项目平均规模1,000.00万元/个，无同期数据"
    share = figures.new_funds_share(years.county, first, VERIFIED_ONLY)
    assert (share.value, share.last_year, share.change) == (None, None, None)
    assert share.sentence == "本期无到位资金，不计当年新引进项目到位资金占比"
    nothing = figures.average_size(years.county, Period.months(2021, 1, 7), VERIFIED_ONLY)
    assert nothing.sentence == "本期无签约项目，不计平均项目规模"


def test_new_projects_share_of_funds_and_its_change_in_points(years):
    figure = figures.new_funds_share(years.county, JAN_JUL_2024, VERIFIED_ONLY)
    # 2024: all funds 3200.5, of which 2700.5 from projects first signed in 2024 (P6's 500 is not).
    assert (figure.numerator, figure.denominator) == (D("2700.5"), D("3200.5"))
    # 2023: 1000 (P6 300 + P8 700), of which P6's 300 (first signed in 2023; P8 in 2022).
    assert (figure.last_numerator, figure.last_denominator) == (D(300), D(1000))
    assert figure.change == D("2700.5") / D("3200.5") - D("0.3")
    assert figure.value_text == "84.4%" and figure.change_text == "比去年同期提高54.4个百分点"
    assert figure.sentence == "当年新引进项目到位资金占比84.4%，比去年同期提高54.4个百分点"
    assert "首次签约日期在统计期所在年度1月1日至期末" in figure.rule


def test_a_fall_in_the_share_is_worded_as_a_fall(years):
    figure = figures.new_funds_share(years.town_b, JAN_JUL_2024, VERIFIED_ONLY)
    # 河口镇 2024: 40 % of P4's 1000 + P2's 700 new, P6's 500 not: 1100 of 1600; 2023: 300 of 300.
    assert (figure.numerator, figure.denominator, figure.last_numerator, figure.last_denominator) == (
        D(1100),
        D(1600),
        D(300),
        D(300),
    )
    assert figure.change == D("-0.3125")
    assert figure.change_text == "比去年同期降低31.3个百分点"  # 31.25 → 31.3, half-up


def test_level_and_the_period_cohort(years):
    # 2700.5 of 9001.7 is 29.9999…%: a change of −0.0001 points reads as level, never 降低0.0.
    flat = figures.new_funds_share(years.county, JAN_JUL_2024, VERIFIED_ONLY, funds=D("9001.7"), last_funds=D(1000))
    assert flat.change < 0 and flat.change_text == "与去年同期持平"
    # A period that starts in April still takes the year's new projects from 1 January.
    spring = figures.new_funds_share(years.county, Period.months(2024, 4, 7), VERIFIED_ONLY)
    assert (spring.numerator, spring.denominator) == (D("1700.5"), D("2200.5"))  # without March's 1000


def test_the_funds_the_caller_has_are_the_engines(years):
    from zhaoshang.stats.choices import Indicator
    from zhaoshang.stats.services import value

    given = figures.new_funds_share(
        years.county,
        JAN_JUL_2024,
        VERIFIED_ONLY,
        funds=value(Indicator.FUNDS_IN_PLACE, years.county, JAN_JUL_2024, VERIFIED_ONLY),
        last_funds=value(Indicator.FUNDS_IN_PLACE, years.county, JAN_JUL_2024.same_period_last_year(), VERIFIED_ONLY),
    )
    assert given == figures.new_funds_share(years.county, JAN_JUL_2024, VERIFIED_ONLY)
    assert given.as_data()["change"] == format((D("2700.5") / D("3200.5") - D("0.3")).normalize(), "f")
