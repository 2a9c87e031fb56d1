"""The narrative is written from the statistics engine's values (the engine's hand-made
dataset, zhaoshang/stats/tests/test_engine.py): every number in it is the engine's number,
rounded for display."""

import datetime
from decimal import Decimal

import pytest

from zhaoshang.accounts.models import Unit
from zhaoshang.bulletins.services import default_title, generate
from zhaoshang.bulletins.tests.factories import draft
from zhaoshang.core.numbers import percent, wan_to_yi
from zhaoshang.projects.choices import Stage
from zhaoshang.projects.models import Project
from zhaoshang.stats import tables
from zhaoshang.stats.choices import TABLE_INDICATORS, Indicator
from zhaoshang.stats.services import Period, value
from zhaoshang.targets.models import Target

pytestmark = pytest.mark.django_db
D = Decimal
JAN_JUL = Period.months(2024, 1, 7)


def texts(content, key):
    section = next(item for item in content["sections"] if item["key"] == key)
    return [block["text"] for block in section["blocks"] if block["type"] in ("paragraph", "subheading")]


def target(unit, indicator, amount):
    Target.objects.create(year=2024, unit=unit, indicator=indicator, value=D(amount))


def test_the_city_sentence_has_growth_completion_and_ahead_of_schedule(dataset):
    """GIVEN the city's 协议引资 target of 6亿 WHEN the 1—7月 bulletin is generated THEN its
    first sentence is the engine's 3.8亿 (+375.0% on last year's 0.8亿), 63.3% of the plan,
    5.0 points ahead of 58.3%."""
    target(dataset.city, Indicator.CONTRACTED_INVESTMENT, 60000)
    content = generate(draft(dataset.bureau, dataset.city), dataset.bureau).content
    assert texts(content, "overview")[0] == (
        "1—7月，全市协议引资3.80亿元，同比增长375.0%，完成年计划的63.3%，超序时进度5.0个百分点；"
        "到位资金0.27亿元；实际到位外资100.00万美元；签约项目4个（其中亿元以上项目2个），同比增长300.0%；"
        "开工项目1个（其中亿元以上项目1个）。"
    )
    # The same figures from the engine itself.
    contracted = value(Indicator.CONTRACTED_INVESTMENT, dataset.city, JAN_JUL)
    last_year = value(Indicator.CONTRACTED_INVESTMENT, dataset.city, JAN_JUL.same_period_last_year())
    assert f"{wan_to_yi(contracted)}亿元" == "3.80亿元"
    assert percent(contracted / last_year - 1) == D("375.0")
    assert percent(contracted / D(60000)) == D("63.3")
    assert percent(contracted / D(60000) - JAN_JUL.schedule) == D("5.0")
    assert f"{wan_to_yi(value(Indicator.FUNDS_IN_PLACE, dataset.city, JAN_JUL))}亿元" == "0.27亿元"
    assert value(Indicator.SIGNED_COUNT, dataset.city, JAN_JUL) == 4
    assert value(Indicator.SIGNED_BIG_COUNT, dataset.city, JAN_JUL) == 2


def test_a_town_behind_schedule_with_nothing_last_year_has_no_growth_clause(dataset):
    """城关镇 had nothing last year (同比 "—": left out) and is behind: 2.9亿 of 6亿 is 48.3%,
    10.0 points behind 58.3%."""
    target(dataset.town_a, Indicator.CONTRACTED_INVESTMENT, 60000)
    content = generate(draft(dataset.bureau, dataset.town_a), dataset.bureau).content
    assert texts(content, "overview") == [
        "1—7月，城关镇协议引资2.90亿元，完成年计划的48.3%，欠序时进度10.0个百分点；到位资金0.16亿元；"
        "签约项目3个（其中亿元以上项目2个）；开工项目1个（其中亿元以上项目1个）。",
        # stats.figures: 29000 ÷ 3; all of its 1600.5 from projects first signed in 2024; nothing in 2023.
        "签约项目平均规模9,666.67万元/个，无同期数据；当年新引进项目到位资金占比100.0%，无同期数据。",
    ]
    assert value(Indicator.CONTRACTED_INVESTMENT, dataset.town_a, JAN_JUL.same_period_last_year()) == 0


def test_the_county_names_its_towns_the_leaders_and_those_behind(dataset):
    target(dataset.town_a, Indicator.CONTRACTED_INVESTMENT, 60000)  # 48.3%: behind
    target(dataset.town_b, Indicator.CONTRACTED_INVESTMENT, 10000)  # 90.0%: ahead
    content = generate(draft(dataset.bureau, dataset.county), dataset.bureau).content
    overview = texts(content, "overview")
    assert overview[0].startswith("1—7月，全县协议引资3.80亿元，同比增长375.0%；")
    # 38000 ÷ 4 against last year's P6 8000 ÷ 1.
    assert (
        overview[1] == "签约项目平均规模9,500.00万元/个，同比增长18.8%；当年新引进项目到位资金占比100.0%，无同期数据。"
    )
    assert overview[2] == (
        "其中，城关镇签约项目3个，协议引资2.90亿元，到位资金0.16亿元；河口镇签约项目1个，协议引资0.90亿元，到位资金0.11亿元。"
    )
    assert overview[3].startswith("从协议引资看，排名前二位的是城关镇（2.90亿元）、河口镇（0.90亿元）；")
    assert overview[4] == "协议引资欠序时进度的有城关镇。"
    assert overview[5] == "乡镇（街道）中尚无完成协议引资年度任务的，完成一半以上的1个，完成不到一半的1个。"
    schedule = texts(content, "schedule")
    assert schedule == [
        "截至7月底，序时进度为58.3%。",
        "（一）协议引资",
        "达到或超过序时进度的单位1个：河口镇（完成年计划的90.0%，超序时进度31.7个百分点）；"
        "欠序时进度的单位1个：城关镇（完成年计划的48.3%，欠序时进度10.0个百分点）。",
    ]


def test_the_table_and_the_frozen_numbers_are_the_statistics_tables(dataset):
    generated = generate(draft(dataset.bureau, dataset.county), dataset.bureau)
    expected = tables.as_data(
        tables.build(dataset.bureau, year=2024, first=1, last=7, parent=dataset.county, indicators=TABLE_INDICATORS)
    )
    assert generated.numbers["table"] == expected
    section = next(item for item in generated.content["sections"] if item["key"] == "table")
    rows = {row[0]: row for row in section["blocks"][0]["rows"]}
    # 单位 | 签约项目数 (完成值 同比 完成率 较序时 排名) | 协议引资额 (亿元) …
    assert rows["城关镇"][1] == "3" and rows["城关镇"][5] == "1"
    assert rows["城关镇"][6] == "2.90" and rows["河口镇"][6] == "0.90"
    assert rows["合计：示范县"][6] == "3.80" and rows["合计：示范县"][10] == ""


def test_signed_not_started_lists_projects_past_their_agreed_start_largest_first(dataset):
    late = Project.objects.get(name="P2")  # signed 2024-05-20, never started
    late.agreed_start_on = datetime.date(2024, 7, 1)
    late.save()
    started = Project.objects.get(name="P1")  # has a verified start: never listed
    started.agreed_start_on = datetime.date(2024, 5, 1)
    started.save()
    future = Project.objects.get(name="P4")  # agreed start after the cut-off: not yet late
    future.agreed_start_on = datetime.date(2024, 9, 1)
    future.save()
    unagreed = Project.objects.get(name="P6")  # signed 2023-04-15, no agreed date: due 180 days later
    generated = generate(draft(dataset.bureau, dataset.city), dataset.bureau)
    assert texts(generated.content, "not_started") == [
        "截至7月底，全市已签约但超过应开工日期仍未开工的项目2个，协议总投资1.30亿元。具体如下："
    ]
    section = next(item for item in generated.content["sections"] if item["key"] == "not_started")
    assert section["blocks"][1]["rows"] == [
        ["1", "P6", "河口镇", "0.80", "2023-04-15", "2023-10-12（未约定）", "293"],
        ["2", "P2", "河口镇", "0.50", "2024-05-20", "2024-07-01", "30"],
    ]
    assert [item["key"] for item in generated.numbers["lists"]["not_started"]] == [unagreed.code, late.code]
    assert late.stage == Stage.SIGNED


def test_empty_and_absent_sections_say_so(dataset):
    for name in ("P4", "P6"):  # both would be due 180 days after signing: agreed for December instead
        project = Project.objects.get(name=name)
        project.agreed_start_on = datetime.date(2024, 12, 1)
        project.save()
    content = generate(draft(dataset.bureau, dataset.city), dataset.bureau).content
    by_key = {item["key"]: item for item in content["sections"]}
    assert by_key["not_started"]["blocks"] == []
    assert by_key["not_started"]["empty_text"].startswith("本期无")
    assert by_key["schedule"]["blocks"] == []  # no targets at all
    for key in ("problems", "scheduling"):
        assert by_key[key]["empty_text"].startswith("本期无")
    assert [item["number"] for item in content["sections"]] == ["一、", "二、", "三、", "四、", "五、", "附件"]


def test_titles_follow_the_bulletins_style(dataset):
    assert default_title("monthly", 2026, 10, dataset.city) == "全市招商引资工作情况通报（2026年1—10月）"
    assert default_title("quarterly", 2026, 9, dataset.city) == "全市招商引资工作季度通报（2026年第三季度）"
    assert default_title("monthly", 2026, 1, dataset.county) == "全县招商引资工作情况通报（2026年1月）"
    zone = Unit.objects.create(code="SFS-JKQ", name="示范市经济技术开发区", type="zone", parent=dataset.city_level)
    assert default_title("monthly", 2026, 1, zone) == "示范市经济技术开发区招商引资工作情况通报（2026年1月）"
