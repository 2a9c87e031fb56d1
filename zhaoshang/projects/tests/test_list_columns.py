"""The project list's columns (projects/columns.py, through core.generic): the chooser kept
per user, the .xlsx export of exactly the chosen columns, and the 台账 speaking the same
labels and values."""

import datetime
import io
import re
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from zhaoshang.core.models import AuditLog, ListColumns
from zhaoshang.projects.columns import PROJECT_COLUMNS
from zhaoshang.projects.exports import COLUMNS as LEDGER_COLUMNS
from zhaoshang.projects.tests.factories import company, project

pytestmark = pytest.mark.django_db

LIST = reverse("projects:list")


def headers(page: str) -> list[str]:
    head = page[page.index("<thead>") : page.index("</thead>")]
    return [re.sub(r"<[^>]+>|[↑↓ ]", "", cell) for cell in re.findall(r"<th[^>]*>(.*?)</th>", head)]


def sheet_rows(response) -> list[tuple]:
    assert response.status_code == 200
    return list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))


def test_an_officer_chooses_columns_once_and_finds_them_in_another_browser(personas, client_for, client):
    project(personas.officer_a, personas.town_a, name="锂电池项目", responsible_leader="王副镇长")
    officer = client_for(personas.officer_a)
    response = officer.post(LIST, {"columns": ["leader", "started_on", "select"], "query": "stage=negotiating"})
    assert response.status_code == 302 and response["Location"].endswith("?stage=negotiating")
    assert ListColumns.objects.get(user=personas.officer_a, list_key="projects:list").columns == [
        "started_on",
        "leader",
    ]  # in the list's order; the select box is not the user's to hide
    client.logout()
    page = client_for(personas.officer_a).get(LIST).content.decode()
    assert headers(page) == ["", "项目名称", "责任单位", "协议总投资", "阶段", "开工日期", "责任领导"]
    assert "王副镇长" in page
    # The bureau still sees the defaults.
    bureau = client_for(personas.bureau).get(LIST).content.decode()
    assert headers(bureau) == ["", "项目名称", "责任单位", "投资方", "协议总投资", "阶段", "已审核", "签约日期"]


def test_a_choice_kept_in_the_old_session_becomes_the_saved_one_and_no_choice_means_the_defaults(personas, client_for):
    officer = client_for(personas.officer_a)
    session = officer.session
    session["project_columns"] = ["industry", "nonsense"]
    session.save()
    assert headers(officer.get(LIST).content.decode())[3:] == ["所属行业", "协议总投资", "阶段"]
    assert ListColumns.objects.get(user=personas.officer_a).columns == ["industry"]
    assert "project_columns" not in officer.session
    # Someone with neither a saved choice nor an old one gets the defaults.
    county = client_for(personas.county_officer).get(LIST).content.decode()
    assert headers(county)[3:] == ["投资方", "协议总投资", "阶段", "已审核", "签约日期"]
    assert not ListColumns.objects.filter(user=personas.county_officer).exists()


def test_the_excel_export_has_exactly_the_chosen_columns_typed_and_only_rows_in_scope(personas, client_for):
    signed = project(
        personas.officer_a,
        personas.town_a,
        name="安泰电容器项目",
        stage="signed",
        investor=company("深圳安泰电子元件有限公司"),
        total="123456.5",
        signed_on=datetime.date(2024, 4, 12),
    )
    project(personas.officer_b, personas.town_b, name="河口镇的项目")
    officer = client_for(personas.officer_a)
    officer.post(LIST, {"columns": ["code", "signed_on", "verification"]})
    rows = sheet_rows(officer.get(LIST, {"export": "xlsx"}))
    assert rows[0] == (
        "项目名称",
        "项目编号",
        "责任单位",
        "协议总投资（万元）",
        "当前阶段（填报）",
        "审核状态",
        "签约时间",
    )
    assert rows[1:] == [
        (
            "安泰电容器项目",
            signed.code,
            personas.town_a.name,
            Decimal("123456.5"),
            "签约",
            "未审核",
            datetime.datetime(2024, 4, 12),
        )
    ]
    assert AuditLog.objects.filter(action="export", detail__startswith="导出项目库 1 条").exists()


def test_the_ledger_takes_its_headers_from_the_list_columns():
    labels = [definition.sheet_label for _, definition in LEDGER_COLUMNS]
    assert labels[:3] == ["项目编号", "项目名称", "投资方"]
    assert all(definition is PROJECT_COLUMNS.by_name[definition.name] for _, definition in LEDGER_COLUMNS)
