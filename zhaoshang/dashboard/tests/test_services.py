"""The dashboard's figures on the hand-made year of conftest.py, and against the engine."""

import datetime
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings

from zhaoshang.dashboard.choices import KPI_INDICATORS, PROVINCE_MAP_NAMES
from zhaoshang.dashboard.services import build_dashboard, gap_text, resolve_scope, yoy_text
from zhaoshang.reference.choices import PROVINCES
from zhaoshang.stats.choices import Indicator
from zhaoshang.stats.services import CountingRules, Period, value

pytestmark = pytest.mark.django_db
D = Decimal
JAN_JUL_2024 = Period.months(2024, 1, 7)
VERIFIED_ONLY = CountingRules()


def kpis(board) -> dict:
    return {kpi.indicator: kpi for kpi in board.kpis}


def test_the_county_officer_sees_the_county_figures_worked_out_by_hand(year):
    board = build_dashboard(year.county_officer, JAN_JUL_2024, rules=VERIFIED_ONLY)
    figures = kpis(board)
    assert {indicator: figures[indicator].value for indicator in KPI_INDICATORS} == {
        Indicator.SIGNED_COUNT: 4,
        Indicator.SIGNED_BIG_COUNT: 2,
        Indicator.CONTRACTED_INVESTMENT: D("38000"),
        Indicator.FUNDS_IN_PLACE: D("2700.5"),
        Indicator.FOREIGN_FUNDS: D("100"),
        Indicator.STARTED_COUNT: 1,
        Indicator.PRODUCTION_COUNT: 1,
    }
    assert {indicator: figures[indicator].last_year for indicator in KPI_INDICATORS} == {
        Indicator.SIGNED_COUNT: 2,
        Indicator.SIGNED_BIG_COUNT: 1,
        Indicator.CONTRACTED_INVESTMENT: D("20000"),
        Indicator.FUNDS_IN_PLACE: D("500"),
        Indicator.FOREIGN_FUNDS: 0,
        Indicator.STARTED_COUNT: 0,
        Indicator.PRODUCTION_COUNT: 0,
    }


def test_a_kpi_has_target_completion_schedule_gap_and_year_on_year(year):
    contracted = kpis(build_dashboard(year.county_officer, JAN_JUL_2024, rules=VERIFIED_ONLY))[
        Indicator.CONTRACTED_INVESTMENT
    ]
    assert contracted.shown_value == D("3.80") and contracted.unit_word == "亿元"
    assert contracted.target == D(60000) and contracted.shown_target == D("6.00")
    assert contracted.completion == D(38000) / D(60000)
    assert contracted.schedule == D(7) / D(12)
    assert contracted.completion_text == "63.3%" and contracted.schedule_text == "58.3%"
    assert contracted.gap_text == "超序时进度5.0个百分点"  # 63.3 − 58.3
    assert contracted.yoy_text == "同比增长90.0%"  # 38000 ÷ 20000 − 1
    assert "协议引资额：" in contracted.rule and "仅计已审核数据" in contracted.rule
    signed = kpis(build_dashboard(year.county_officer, JAN_JUL_2024, rules=VERIFIED_ONLY))[Indicator.SIGNED_COUNT]
    assert signed.completion_text == "50.0%" and signed.gap_text == "欠序时进度8.3个百分点"
    foreign = kpis(build_dashboard(year.county_officer, JAN_JUL_2024, rules=VERIFIED_ONLY))[Indicator.FOREIGN_FUNDS]
    assert foreign.target is None and foreign.completion_text == "—"
    assert foreign.yoy_text == "去年同期为零，不计同比"


def test_a_single_month_measures_completion_on_the_year_to_date(year):
    july = kpis(build_dashboard(year.county_officer, Period.month(2024, 7), rules=VERIFIED_ONLY))
    assert july[Indicator.CONTRACTED_INVESTMENT].value == 0
    assert july[Indicator.CONTRACTED_INVESTMENT].year_to_date == D(38000)
    assert july[Indicator.FUNDS_IN_PLACE].value == D(700)
    assert july[Indicator.PRODUCTION_COUNT].value == 1


@pytest.mark.parametrize(
    "period",
    [JAN_JUL_2024, Period.month(2024, 3), Period.quarter(2024, 2), Period.year(2024), Period.year(2023)],
    ids=["1-7月", "3月", "二季度", "2024年", "2023年"],
)
@pytest.mark.parametrize(
    "rules",
    [VERIFIED_ONLY, CountingRules(include_submitted=True), CountingRules(big_threshold_wan=D(3000))],
    ids=["verified", "with-submitted", "threshold-3000"],
)
def test_every_kpi_equals_the_engines_value_for_every_scope(year, period, rules):
    for user, unit in (
        (year.officer_a, year.town_a),
        (year.officer_b, year.town_b),
        (year.county_officer, year.county),
        (year.bureau, year.city),
        (year.leader, year.city),
    ):
        figures = kpis(build_dashboard(user, period, rules=rules))
        for indicator in KPI_INDICATORS:
            assert figures[indicator].value == value(indicator, unit, period, rules), (user.username, indicator)
            assert figures[indicator].last_year == value(indicator, unit, period.same_period_last_year(), rules)


def test_the_verification_date_rule_is_followed_too(year):
    by_verification = CountingRules(signing_date="verification")
    this_year = datetime.date.today().year
    period = Period.months(this_year, 1, datetime.date.today().month)
    figures = kpis(build_dashboard(year.county_officer, period, rules=by_verification))
    # Every verified first signing was verified today, last year's too: six of them.
    assert (
        figures[Indicator.SIGNED_COUNT].value
        == 6
        == value(Indicator.SIGNED_COUNT, year.county, period, by_verification)
    )
    assert figures[Indicator.CONTRACTED_INVESTMENT].value == value(
        Indicator.CONTRACTED_INVESTMENT, year.county, period, by_verification
    )


def test_the_trend_gives_both_years_by_month_in_yi(year):
    trend = build_dashboard(year.county_officer, JAN_JUL_2024, rules=VERIFIED_ONLY).charts["trend"]
    contracted = [month["value"] for month in trend["series"]["contracted"]["this"]]
    assert contracted[:7] == ["0.00", "1.00", "2.00", "0.30", "0.50", "0.00", "0.00"]  # P4, P1, P5, P2
    last = [month["value"] for month in trend["series"]["contracted"]["last"]]
    assert last[3] == "0.80" and last[5] == "1.20"  # P6 in April, P7 in June 2023
    funds = [month["value"] for month in trend["series"]["funds"]["this"]]
    assert funds[2:8] == ["0.10", "0.10", "0.00", "0.00", "0.07", "0.10"]
    assert "indicator=contracted_investment" in trend["series"]["contracted"]["this"][2]["url"]
    assert "year=2024&first=7&last=7" in trend["series"]["funds"]["this"][6]["url"]


def test_the_ranking_of_the_county_s_towns_has_values_completion_and_ranks(year):
    ranking = build_dashboard(year.county_officer, JAN_JUL_2024, rules=VERIFIED_ONLY).ranking
    assert [(row["name"], row["value"], row["rank"], row["completion"], row["completion_rank"]) for row in ranking] == [
        ("城关镇", "2.90", 1, "72.5", 1),  # 29000 ÷ 40000
        ("河口镇", "0.90", 2, "30.0", 2),  # 9000 ÷ 30000
    ]
    assert ranking[0]["ahead"] and not ranking[1]["ahead"]
    assert ranking[1]["gap"] == "欠序时进度28.3个百分点"


def test_units_with_equal_completion_share_a_rank(year):
    from zhaoshang.targets.services import set_target

    set_target(year.bureau, 2024, year.town_a, Indicator.CONTRACTED_INVESTMENT, D(58000))  # 29000 ÷ 58000 = 50 %
    set_target(year.bureau, 2024, year.town_b, Indicator.CONTRACTED_INVESTMENT, D(18000))  # 9000 ÷ 18000 = 50 %
    ranking = build_dashboard(year.county_officer, JAN_JUL_2024, rules=VERIFIED_ONLY).ranking
    assert [row["completion_rank"] for row in ranking] == [1, 1]


def test_the_leader_ranks_the_city_s_children(year):
    board = build_dashboard(year.leader, JAN_JUL_2024, rules=VERIFIED_ONLY)
    assert board.scope.unit.code == "SFS" and board.scope.unit_ids is None  # the whole tree: no filter
    assert [(row["full_name"], row["rank"]) for row in board.ranking] == [("示范县", 1), ("市本级", 2)]
    assert board.scope.list_filter == {}


def test_the_funnel_counts_projects_that_reached_each_stage(year):
    board = build_dashboard(year.county_officer, JAN_JUL_2024, rules=VERIFIED_ONLY)
    assert [(stage["name"], stage["value"], stage["current"]) for stage in board.funnel] == [
        ("线索及以后", 7, 0),
        ("在谈及以后", 7, 0),
        ("签约及以后", 7, 6),
        ("注册及以后", 1, 0),
        ("开工及以后", 1, 0),
        ("投产", 1, 1),
    ]
    assert "stage=signed&stage=registered&stage=started&stage=production" in board.funnel[2]["url"]
    assert board.key_count == 5  # P1, P3, P4, P5, P7: ≥ 1亿
    assert [project.name for project in board.key_projects][:2] == ["P5 增资", "P3 待审核"]


def test_the_mix_and_the_map_cover_the_projects_signed_in_the_period(year):
    board = build_dashboard(year.county_officer, JAN_JUL_2024, rules=VERIFIED_ONLY)
    assert [(row["name"], row["count"], row["total"]) for row in board.mix["sections"]] == [
        ("C 制造业", 2, "3.00"),
        ("I 信息传输、软件和信息技术服务业", 1, "0.50"),
        ("未填行业", 1, "0.30"),
    ]
    assert [(row["name"], row["count"]) for row in board.mix["sectors"]] == [
        ("第二产业", 2),
        ("第三产业", 1),
        ("未填行业", 1),
    ]
    assert [(row["name"], row["total"]) for row in board.mix["leading"]] == [("电子信息", "3.00"), ("数字经济", "0.50")]
    assert [(row["name"], row["count"]) for row in board.mix["chains"]] == [("集成电路", 2)]
    assert [(row["name"], row["count"], row["value"]) for row in board.provinces] == [
        ("浙江", 2, "3.00"),
        ("广东", 1, "0.50"),
    ]
    assert board.province_unknown == {"count": 1, "total": D("0.30")}  # P5's investor has no home division
    assert "investor_province=33" in board.provinces[0]["url"]
    assert "industry=C" in board.mix["sections"][0]["url"]


def test_an_officer_s_scope_is_their_own_subtree_and_the_leader_s_the_whole_tree(year):
    scope = resolve_scope(year.officer_a)
    assert scope.unit.code == "SFX-CG" and scope.unit_ids == [year.town_a.pk] and scope.children == []
    county = resolve_scope(year.county_officer)
    assert [row.code for row in county.children] == ["SFX-CG", "SFX-HK"]
    below = resolve_scope(year.bureau, year.town_b)
    assert [row.code for row in below.ancestors] == ["SFS", "SFX"]
    assert below.list_filter == {"unit": year.town_b.pk}


def test_display_texts_follow_the_bulletins_wording():
    assert gap_text(D("0.078")) == "超序时进度7.8个百分点"
    assert gap_text(D("-0.0325")) == "欠序时进度3.3个百分点"  # half-up
    assert gap_text(None) == "—"
    assert gap_text(D("-0.0004")) == "与序时进度持平"  # never "-0.0"
    assert yoy_text(D("-0.0001")) == "同比持平"
    assert yoy_text(D("0.966")) == "同比增长96.6%"
    assert yoy_text(D("-0.05")) == "同比下降5.0%"


def test_every_province_has_a_feature_in_the_vendored_china_map():
    text = (Path(settings.BASE_DIR) / "static/vendor/echarts-china-map/china.js").read_text(encoding="utf-8")
    names = set(re.findall(r'"name":"([^"]+)"', text))
    assert set(PROVINCE_MAP_NAMES.values()) == names
    ids = set(re.findall(r'"id":"(\d{2})0000"', text))
    assert ids == {code for code, _, _ in PROVINCES}


def test_the_big_projects_link_uses_the_list_s_band_only_for_the_default_threshold(year):
    from zhaoshang.dashboard.services import indicator_link

    scope = resolve_scope(year.county_officer)
    assert "amount=ge1yi" in indicator_link(Indicator.SIGNED_BIG_COUNT, scope, JAN_JUL_2024, VERIFIED_ONLY)
    lower = CountingRules(big_threshold_wan=D(3000))
    assert "amount=" not in indicator_link(Indicator.SIGNED_BIG_COUNT, scope, JAN_JUL_2024, lower)


@pytest.mark.parametrize("persona", ["officer_a", "officer_b", "county_officer", "bureau", "leader"])
def test_the_mixes_from_the_rollup_equal_the_mixes_from_the_rows(year, persona, settings):
    from zhaoshang.dashboard.services import _mix_marginals

    scope = resolve_scope(getattr(year, persona))
    for period in (JAN_JUL_2024, Period.year(2024), Period.month(2024, 3)):
        from_rollup = _mix_marginals(scope, period, VERIFIED_ONLY)
        settings.STATS_ROLLUPS = False
        from_rows = _mix_marginals(scope, period, VERIFIED_ONLY)
        settings.STATS_ROLLUPS = True
        for name in from_rows:
            shown = {key: tuple(v) for key, v in from_rollup[name].items() if v[0] or v[1]}
            assert shown == {key: tuple(v) for key, v in from_rows[name].items()}, (persona, period, name)


def test_the_year_written_write_by_write_keeps_the_rollup_and_its_mixes_exact(personas):
    # The fixture builds it with the roll-up off and rebuilds once; here each write keeps it.
    from zhaoshang.dashboard.tests.conftest import build_year
    from zhaoshang.stats import facts

    build_year(personas)
    assert any(key[0] == facts.MIX for key in facts.stored())  # the signing mixes are kept too
    assert facts.differences() == []
