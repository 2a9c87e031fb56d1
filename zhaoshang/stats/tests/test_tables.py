"""The statistics table: page, export, API and command give the same numbers; every figure
drills down to rows that add up to it; each persona sees what it may."""

import io
import json
from decimal import Decimal as D

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from zhaoshang.core.models import AuditLog
from zhaoshang.stats.choices import PROJECT_INDICATORS
from zhaoshang.stats.ratios import Ratio
from zhaoshang.stats.services import Period, behind, unit_table, value
from zhaoshang.stats.tables import shown_change

pytestmark = pytest.mark.django_db
QUERY = {"year": "2024", "first": "1", "last": "7"}


def api(client, **params):
    return client.get(reverse("stats:table_api"), {**QUERY, **params})


def test_the_api_gives_the_engines_numbers_for_the_county_towns_with_the_county_as_total(dataset, client):
    client.force_login(dataset.bureau)
    data = api(client, unit=dataset.county.pk).json()
    rows = {row["unit"]: row for row in data["rows"]}
    expected = unit_table([dataset.town_a, dataset.town_b], PROJECT_INDICATORS, Period.months(2024, 1, 7))
    for row in expected.rows:
        for indicator, cell in row.cells.items():
            assert rows[row.unit.code]["cells"][indicator]["value"] == format(cell.value.normalize(), "f")
    total = next(row for row in data["rows"] if row["total"])
    assert total["unit"] == dataset.county.code
    assert total["cells"]["contracted_investment"]["rank"] is None
    assert data["rules"] and "协议引资额" in "".join(data["rules"])


def test_command_and_api_print_the_same_numbers(dataset, client):
    client.force_login(dataset.bureau)
    from_api = api(client, unit=dataset.county.pk).json()
    out = io.StringIO()
    call_command("stats", "--year", "2024", "--months", "1-7", "--unit", dataset.county.code, stdout=out)
    assert json.loads(out.getvalue())["rows"] == from_api["rows"]
    out = io.StringIO()
    call_command(
        "stats", "--year", "2024", "--months", "1-7", "--unit", dataset.county.code, "--format", "csv", stdout=out
    )
    assert "contracted_investment" in out.getvalue()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--months", "8-3"], "起始月不晚于截止月"),
        (["--months", "七月"], "月份范围写法有误"),
        (["--unit", "NOPE"], "没有编码为「NOPE」的单位"),
        (["--indicators", "profit"], "未知指标：profit"),
        (["--format", "xml"], "输出格式应为 csv 或 json"),
    ],
)
def test_the_command_refuses_bad_arguments_in_chinese(dataset, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("stats", "--year", "2024", *args, stdout=io.StringIO())


def test_every_figure_drills_down_to_rows_that_add_up_to_it(dataset):
    period = Period.months(2024, 1, 7)
    for unit in (dataset.town_a, dataset.town_b, dataset.county):
        for indicator in PROJECT_INDICATORS:  # trips have no projects behind them (no drill-down)
            rows = behind(indicator, unit, period)
            assert sum(row.amount for row in rows) == value(indicator, unit, period), (unit.name, indicator)


def test_the_drill_down_page_shows_the_projects_and_their_sum(dataset, client):
    client.force_login(dataset.bureau)
    response = client.get(reverse("stats:behind"), {**QUERY, "unit": dataset.town_a.pk, "indicator": "signed_count"})
    page = response.content.decode()
    # Names as link text: a bare "P2" could turn up in a random CSRF token.
    assert response.status_code == 200 and ">P1</a>" in page and ">P2</a>" not in page


def test_an_officer_sees_own_subtree_only(dataset, client):
    client.force_login(dataset.officer_a)
    own = api(client).json()
    assert {row["unit"] for row in own["rows"]} == {dataset.town_a.code}
    refused = api(client, unit=dataset.town_b.pk)
    assert refused.status_code == 400 and "选择" in refused.json()["error"]
    drill = client.get(reverse("stats:behind"), {**QUERY, "unit": dataset.town_b.pk, "indicator": "signed_count"})
    assert drill.status_code == 400 and ">P2</a>" not in drill.content.decode()


@pytest.mark.parametrize("persona", ["sysadmin", "auditor"])
def test_no_statistics_for_the_sysadmin_or_the_auditor(dataset, client, persona):
    client.force_login(getattr(dataset, persona))
    assert client.get(reverse("stats:table")).status_code == 404
    assert api(client).status_code == 403


def test_bad_input_gives_a_chinese_message_not_an_error_page(dataset, client):
    client.force_login(dataset.bureau)
    page = client.get(reverse("stats:table"), {"year": "abc", "first": "9", "last": "3"})
    assert page.status_code == 200 and "年度" in page.content.decode()
    swapped = api(client, first="9", last="3")
    assert swapped.status_code == 400 and "起始月（9月）不能晚于截止月（3月）" in swapped.json()["error"]


def test_the_page_and_the_export_show_the_table_and_the_export_is_audited(dataset, client):
    client.force_login(dataset.bureau)
    page = client.get(reverse("stats:table"), {**QUERY, "unit": dataset.county.pk}).content.decode()
    assert "示范县招商引资主要指标完成情况表（2024年1—7月）" in page and "合计：" in page
    response = client.get(reverse("stats:table_export"), {**QUERY, "unit": dataset.county.pk})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet["A1"].value == "示范县招商引资主要指标完成情况表（2024年1—7月）"
    assert AuditLog.objects.filter(action="export", detail__contains="导出统计表").exists()


def test_ratios_appear_in_the_page_api_export_and_command_with_the_same_values(dataset, client):
    client.force_login(dataset.bureau)
    data = api(client, unit=dataset.county.pk, ratios="all").json()
    by_unit = {row["unit"]: row["cells"] for row in data["ratio_rows"]}
    start_rate = by_unit[dataset.town_a.code]["start_rate"]
    assert (start_rate["numerator"], start_rate["denominator"], start_rate["rank"]) == ("1", "3", 1)
    assert by_unit[dataset.county.code]["start_rate"]["value"].startswith("0.25")
    assert by_unit[dataset.county.code]["start_rate"]["rank"] is None  # 合计 is not ranked
    assert any("开工率" in text for text in data["rules"])
    out = io.StringIO()
    call_command(
        "stats", "--year", "2024", "--months", "1-7", "--unit", dataset.county.code, "--ratios", "all", stdout=out
    )
    assert json.loads(out.getvalue())["ratio_rows"] == data["ratio_rows"]

    page = client.get(reverse("stats:table"), {**QUERY, "unit": dataset.county.pk, "ratios": "all"}).content.decode()
    assert 'data-testid="ratio-column"' in page and "33.3%" in page  # town A: 1 of 3 started
    book = openpyxl.load_workbook(
        io.BytesIO(
            client.get(reverse("stats:table_export"), {**QUERY, "unit": dataset.county.pk, "ratios": "all"}).content
        )
    )
    cells = [cell for row in book["比率指标"].iter_rows() for cell in row]
    rate = next(c for c in cells if c.data_type == "n" and "%" in c.number_format and abs(c.value - 1 / 3) < 1e-9)
    assert rate.number_format == "0.0%", "town A's 开工率 1 of 3 is a number shown as 33.3%"
    assert "合计：示范县" in [cell.value for cell in cells]


def test_the_ratios_are_default_columns_and_can_be_left_out(dataset, client):
    client.force_login(dataset.bureau)
    shown = api(client, unit=dataset.county.pk).json()
    assert [ratio["code"] for ratio in shown["ratios"]] == [ratio.value for ratio in Ratio]
    assert [ratio["unit"] for ratio in shown["ratios"]] == ["%", "%", "%", "万元/个", "万元/亩"]
    assert shown["ratio_rows"] and all(len(row["cells"]) == 5 for row in shown["ratio_rows"])
    assert any("平均项目规模：" in text for text in shown["rules"])
    assert api(client, unit=dataset.county.pk, ratios="none").json()["ratio_rows"] == []
    assert api(client, unit=dataset.county.pk, ratios="start_rate").json()["ratios"][0]["name"] == "开工率"
    page = client.get(reverse("stats:table"), {**QUERY, "unit": dataset.county.pk}).content.decode()
    # The columns of the same table, headed with their unit and their rule on hover.
    assert page.count('data-testid="ratio-column"') == 5
    assert "平均项目规模（万元/个）" in page and "投资强度（万元/亩）" in page and "开工率（%）" in page
    assert 'title="平均项目规模：协议引资额 ÷ 签约项目数。"' in page
    assert 'title="1 ÷ 3"' in page  # town A's 开工率: 1 of its 3 signed projects started
    unticked = client.get(reverse("stats:table"), {**QUERY, "unit": dataset.county.pk, "ratios": "none"})
    assert 'data-testid="ratio-column"' not in unticked.content.decode()
    out = io.StringIO()
    call_command("stats", "--year", "2024", "--months", "1-7", "--unit", dataset.county.code, stdout=out)
    assert json.loads(out.getvalue())["ratio_rows"] == shown["ratio_rows"]
    out = io.StringIO()
    call_command("stats", "--year", "2024", "--months", "1-7", "--ratios", "none", stdout=out)
    assert json.loads(out.getvalue())["ratio_rows"] == []


def test_the_default_export_carries_the_ratio_sheet_with_its_rules(dataset, client):
    client.force_login(dataset.bureau)
    book = openpyxl.load_workbook(
        io.BytesIO(client.get(reverse("stats:table_export"), {**QUERY, "unit": dataset.county.pk}).content)
    )
    main = [cell.value for row in book["主要指标"].iter_rows() for cell in row if cell.value]
    assert any("见「比率指标」工作表" in str(text) for text in main)
    ratios = [cell for row in book["比率指标"].iter_rows() for cell in row]
    texts = [str(cell.value) for cell in ratios if isinstance(cell.value, str)]
    assert "平均项目规模（万元/个）" in texts and "投资强度（万元/亩）" in texts
    assert "注：平均项目规模：协议引资额 ÷ 签约项目数。" in texts
    size = next(c for c in ratios if c.data_type == "n" and c.value == 29000 / 3)  # town A: 29000 万元 ÷ 3
    assert size.number_format == "#,##0.00"


def test_a_town_officer_sees_the_ratio_columns_for_its_own_rows_only(dataset, client):
    client.force_login(dataset.officer_a)
    data = api(client).json()
    assert {row["unit"] for row in data["ratio_rows"]} == {dataset.town_a.code}
    cells = data["ratio_rows"][0]["cells"]
    assert (cells["start_rate"]["numerator"], cells["start_rate"]["denominator"]) == ("1", "3")
    page = client.get(reverse("stats:table"), QUERY).content.decode()
    assert page.count('data-testid="ratio-column"') == 5
    assert dataset.town_b.name not in page.split('data-testid="stats-table"', 1)[1]


def test_ratio_changes_are_worded_as_points_or_growth():
    assert shown_change(Ratio.START_RATE, D("0.025")) == "增2.5个百分点"
    assert shown_change(Ratio.START_RATE, D("-0.0304")) == "减3.0个百分点"
    assert shown_change(Ratio.START_RATE, D("0.0004")) == "持平"
    assert shown_change(Ratio.AVERAGE_SIZE, D("0.555")) == "增55.5%"
    assert shown_change(Ratio.AVERAGE_SIZE, D("-0.2")) == "减20.0%"
    assert shown_change(Ratio.AVERAGE_SIZE, None) == "—"
