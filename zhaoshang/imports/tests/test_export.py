"""The ledger export: the bureau's layout, the list's filters, only rows in scope, safe cells."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from zhaoshang.core.models import AuditLog
from zhaoshang.projects.tests.factories import company, project

pytestmark = pytest.mark.django_db


def export(client, user, query: str = ""):
    client.force_login(user)
    response = client.get(reverse("imports:ledger_export") + query)
    assert response.status_code == 200
    return response, openpyxl.load_workbook(io.BytesIO(response.content)).active


def data_rows(sheet) -> list[list]:
    """Rows between the two header rows and the 合计 row."""
    return [[cell.value for cell in row] for row in sheet.iter_rows(min_row=5, max_row=sheet.max_row - 1)]


def test_the_file_has_the_title_the_grouped_headers_and_prints_on_a4_landscape(personas, client):
    project(personas.officer_a, personas.town_a, name="城关镇的项目", total="2000")
    response, sheet = export(client, personas.officer_a)

    assert response["Content-Disposition"].startswith("attachment")
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    today = timezone.localdate()
    assert sheet["A1"].value == f"城关镇项目台账（截至{today.year}年{today.month}月{today.day}日）"
    assert sheet["A2"].value == "填报单位：城关镇"
    assert "单位：万元" in [cell.value for cell in sheet[2]]
    merged = {str(area) for area in sheet.merged_cells.ranges}
    assert {"A1:O1", "A3:A4", "B3:F3", "G3:H3", "I3:L3", "M3:N3", "O3:O4"} <= merged
    assert [cell.value for cell in sheet[3]][:2] == ["序号", "项目基本情况"]
    assert [cell.value for cell in sheet[4]][1:15] == [
        "项目编号",
        "项目名称",
        "投资方",
        "统一社会信用代码",
        "所属行业",
        "协议总投资（万元）",
        "固定资产投资（万元）",
        "当前阶段（填报）",
        "审核状态",
        "签约时间",
        "开工时间",
        "责任单位",
        "责任领导",
        None,  # 备注 is merged down from row 3
    ]
    assert sheet["O3"].value == "备注"
    assert sheet.freeze_panes == "C5"
    assert sheet.page_setup.orientation == "landscape" and int(sheet.page_setup.paperSize) == 9  # A4


def test_an_officer_exports_only_their_own_rows(personas, client):
    project(personas.officer_a, personas.town_a, name="城关镇的项目", total="2000")
    project(personas.officer_b, personas.town_b, name="河口镇的项目", total="99999")
    _, sheet = export(client, personas.officer_a)
    assert [row[2] for row in data_rows(sheet)] == ["城关镇的项目"]
    _, sheet = export(client, personas.bureau)
    assert sorted(row[2] for row in data_rows(sheet)) == ["城关镇的项目", "河口镇的项目"]


def test_the_totals_row_is_the_exact_sum_written_as_numbers(personas, client):
    project(personas.officer_a, personas.town_a, name="甲", total="1000.5", fixed_asset_investment=Decimal("800.25"))
    project(personas.officer_a, personas.town_a, name="乙", total="2000.0001")
    project(personas.officer_a, personas.town_a, name="丙", total=None)
    _, sheet = export(client, personas.bureau)
    total = [cell for cell in sheet[sheet.max_row]]
    assert total[0].value == "合计"
    assert total[6].data_type == "n" and Decimal(str(total[6].value)) == Decimal("3000.5001")
    assert Decimal(str(total[7].value)) == Decimal("800.25")
    assert not any(isinstance(cell.value, str) and cell.value.startswith("=") for row in sheet for cell in row)


def test_text_that_looks_like_a_formula_is_exported_as_text(personas, client):
    project(
        personas.officer_a,
        personas.town_a,
        name='=HYPERLINK("http://evil.example","点我")',
        investor=company("+cmd|' /C calc'!A0"),
        stage="signed",
        remarks="@SUM(1+1)",
    )
    _, sheet = export(client, personas.officer_a)
    row = data_rows(sheet)[0]
    assert row[2] == '\'=HYPERLINK("http://evil.example","点我")'
    assert row[3] == "'+cmd|' /C calc'!A0"
    assert row[-1] == "'@SUM(1+1)"
    assert all(cell.data_type != "f" for cell in sheet[5])


def test_the_export_follows_the_filters_and_sort_on_screen(personas, client):
    project(personas.officer_a, personas.town_a, name="甲", total="500")
    project(personas.officer_a, personas.town_a, name="乙", total="30000")
    project(personas.officer_b, personas.town_b, name="丙", total="40000")
    _, sheet = export(client, personas.bureau, "?amount=1-5yi&sort=amount")
    assert [row[2] for row in data_rows(sheet)] == ["乙", "丙"]
    _, sheet = export(client, personas.bureau, f"?unit={personas.town_b.pk}")
    assert [row[2] for row in data_rows(sheet)] == ["丙"]
    assert sheet["A1"].value.startswith("河口镇项目台账")


def test_an_officer_cannot_widen_the_export_with_another_towns_filter(personas, client):
    project(personas.officer_a, personas.town_a, name="城关镇的项目", total="2000")
    project(personas.officer_b, personas.town_b, name="河口镇的项目", total="2000")
    _, sheet = export(client, personas.officer_a, f"?unit={personas.town_b.pk}")
    assert [row[2] for row in data_rows(sheet)] == ["城关镇的项目"]


def test_every_export_is_in_the_audit_log_with_its_filter_and_row_count(personas, client):
    project(personas.officer_a, personas.town_a, name="甲", total="500")
    project(personas.officer_a, personas.town_a, name="乙", total="30000")
    export(client, personas.bureau, "?amount=1-5yi")
    entry = AuditLog.objects.get(action="export")
    assert entry.username == personas.bureau.username
    assert entry.detail.startswith("导出项目台账 1 个项目") and "协议总投资=1-5yi" in entry.detail


def test_an_empty_export_still_has_headers_and_a_zero_total(personas, client):
    _, sheet = export(client, personas.officer_a)
    assert sheet.max_row == 5 and sheet["A5"].value == "合计" and sheet["G5"].value == 0
