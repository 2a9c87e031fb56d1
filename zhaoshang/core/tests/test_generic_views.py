"""The generic list, detail, edit and delete pages (core/generic.py), by persona, over the
pages of core/tests/generic_urls.py: a model's pages declared in a few lines."""

import io
import re
from decimal import Decimal

import openpyxl
import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from zhaoshang.core import generic
from zhaoshang.core.choices import AuditAction
from zhaoshang.core.models import AuditLog, ListColumns
from zhaoshang.projects.tests.factories import company, project
from zhaoshang.relations.models import Company
from zhaoshang.targets.models import Target

pytestmark = [pytest.mark.django_db, pytest.mark.urls("zhaoshang.core.tests.generic_urls")]


def target(unit, value="10", indicator="signed_count", year=2025, note=""):
    return Target.objects.create(year=year, unit=unit, indicator=indicator, value=Decimal(value), note=note)


def url(name, obj=None):
    return reverse(f"generic_test:{name}", kwargs={"pk": obj.pk} if obj is not None else None)


def headers(page: str) -> list[str]:
    head = page[page.index("<thead>") : page.index("</thead>")]
    return [re.sub(r"<[^>]+>|[↑↓ ]", "", cell) for cell in re.findall(r"<th[^>]*>(.*?)</th>", head)]


def sheet_of(response):
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return openpyxl.load_workbook(io.BytesIO(response.content)).active


# --- scope -----------------------------------------------------------------------------------------


def test_the_other_town_gets_404_on_detail_edit_and_delete(personas, client_for):
    theirs = target(personas.town_b, note="河口镇的目标")
    client = client_for(personas.officer_a)
    for name in ("target_detail", "target_edit", "target_delete"):
        assert client.get(url(name, theirs)).status_code == 404, name
    assert (
        client.post(url("target_edit", theirs), {"year": 2025, "indicator": "signed_count", "value": "1"}).status_code
        == 404
    )
    assert client.post(url("target_delete", theirs)).status_code == 404
    theirs.refresh_from_db()
    assert theirs.value == Decimal("10")
    assert Target.objects.filter(pk=theirs.pk).exists()
    listed = client.get(url("target_list")).content.decode()
    assert "河口镇" not in listed


def test_the_own_town_reads_and_edits(personas, client_for):
    mine = target(personas.town_a)
    client = client_for(personas.officer_a)
    page = client.get(url("target_detail", mine)).content.decode()
    assert "城关镇" in page and url("target_edit", mine) in page
    response = client.post(url("target_edit", mine), {"year": 2025, "indicator": "signed_count", "value": "12"})
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.value == Decimal("12")


def test_the_leader_reads_only(personas, client_for):
    row = target(personas.town_a)
    client = client_for(personas.leader)
    assert client.get(url("target_list")).status_code == 200
    detail = client.get(url("target_detail", row)).content.decode()
    assert url("target_edit", row) not in detail and url("target_delete", row) not in detail
    assert client.get(url("target_edit", row)).status_code == 404
    assert (
        client.post(url("target_edit", row), {"year": 2025, "indicator": "signed_count", "value": "1"}).status_code
        == 404
    )
    assert client.get(url("target_delete", row)).status_code == 404
    assert client.post(url("target_delete", row)).status_code == 404
    assert Target.objects.filter(pk=row.pk, value=Decimal("10")).exists()


def test_roles_without_business_data_get_404(personas, client_for):
    target(personas.town_a)
    for user in (personas.sysadmin, personas.auditor):
        assert client_for(user).get(url("target_list")).status_code == 404


# --- list ----------------------------------------------------------------------------------------------


def test_an_empty_list_says_so_in_chinese(personas, client_for):
    page = client_for(personas.officer_a).get(url("target_list")).content.decode()
    assert "没有目标任务" in page
    assert 'class="page-title"' in page


def test_the_column_chooser_persists_per_user_and_list(personas, client_for, client):
    target(personas.town_a, note="全年任务")
    officer = client_for(personas.officer_a)
    response = officer.post(url("target_list"), {"columns": ["year", "note", "password"], "query": "year=2025"})
    assert response.status_code == 302 and response["Location"].endswith("?year=2025")
    stored = ListColumns.objects.get(user=personas.officer_a)
    assert stored.columns == ["year", "note"]  # a name that is no column is dropped
    client.logout()
    page = client_for(personas.officer_a).get(url("target_list")).content.decode()  # a new session
    assert headers(page) == ["单位", "年度", "说明"] and "全年任务" in page
    # Another user's list is untouched.
    county = client_for(personas.county_officer).get(url("target_list")).content.decode()
    assert "全年任务" not in county
    # 恢复默认
    junk = client_for(personas.officer_a).post(url("target_list"), {"reset": "1", "query": "a=1\r\nSet-Cookie: x"})
    assert junk.status_code == 302 and "\n" not in junk["Location"] and junk["Location"].startswith(url("target_list"))
    assert not ListColumns.objects.filter(user=personas.officer_a).exists()


def test_the_export_has_exactly_the_chosen_columns_and_the_filtered_rows_typed(personas, client_for):
    target(personas.town_a, value="12.5", year=2025)
    target(personas.town_a, value="7", year=2024, indicator="funds_in_place")
    target(personas.town_b, value="99", year=2025)
    client = client_for(personas.officer_a)
    client.post(url("target_list"), {"columns": ["year", "value"]})
    sheet = sheet_of(client.get(url("target_list"), {"year": "2025", "export": "xlsx"}))
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("单位", "年度", "目标值")
    assert rows[1:] == [("城关镇", 2025, 12.5)]  # town B's row and the 2024 row are not there
    value_cell = sheet.cell(row=2, column=3)
    assert value_cell.data_type == "n"
    assert AuditLog.objects.filter(action=AuditAction.EXPORT, detail__contains="1 条").exists()


def test_an_htmx_filter_change_returns_only_the_table(personas, client_for):
    target(personas.town_a, year=2025)
    target(personas.town_a, year=2024, indicator="funds_in_place")
    response = client_for(personas.officer_a).get(url("target_list"), {"year": "2024"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert body.lstrip().startswith('<div class="card" id="object-table">')
    assert "<html" not in body and "page-title" not in body
    assert "2024" in body and ">2025<" not in body


def test_only_declared_columns_sort(personas, client_for):
    target(personas.town_a, value="5", indicator="signed_count")
    target(personas.town_a, value="50", indicator="funds_in_place")
    client = client_for(personas.officer_a)
    client.post(url("target_list"), {"columns": ["value"]})
    descending = client.get(url("target_list"), {"sort": "-value"}).content.decode()
    assert descending.index(">50<") < descending.index(">5<")
    for junk in ("unit__password", "-created_by__password", "value; DROP", "__"):
        assert client.get(url("target_list"), {"sort": junk}).status_code == 200


def test_the_list_reads_a_fixed_number_of_queries_whatever_the_rows(personas, client_for):
    client = client_for(personas.officer_a)
    client.post(url("target_list"), {"columns": ["year", "indicator", "value", "note"]})

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url("target_list")).status_code == 200
        return len(captured)

    target(personas.town_a)
    few = queries()
    for year in range(1990, 2020):
        target(personas.town_a, year=year)
    assert queries() == few
    assert few <= 12


# --- edit -------------------------------------------------------------------------------------------------


def test_a_stale_edit_is_refused_and_shows_the_other_change(personas, client_for):
    firm = company(name="城关镇录入的企业有限公司", unit=personas.town_a)
    client = client_for(personas.officer_a)
    form = client.get(url("company_edit", firm)).content.decode()
    assert 'name="version"' in form
    # Someone else saves first.
    other = Company.objects.get(pk=firm.pk)
    other.address, other.nature = "城关镇工业园区8号", "private"
    other.save_versioned(other.version)
    response = client.post(
        url("company_edit", firm), {"name": "我改的名称有限公司", "nature": "private", "address": "", "version": 1}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="stale-warning"' in page
    assert "城关镇工业园区8号" in page and "我改的名称有限公司" in page
    assert "<td>企业性质</td>" not in page  # unchanged fields are not listed
    firm.refresh_from_db()
    assert firm.name == "城关镇录入的企业有限公司" and firm.address == "城关镇工业园区8号"


def test_an_object_moved_out_of_scope_between_opening_and_saving_is_not_saved(personas, client_for, monkeypatch):
    mine = target(personas.town_a)
    client = client_for(personas.officer_a)
    assert client.get(url("target_edit", mine)).status_code == 200

    def moved_meanwhile(view, form, obj):
        # The bureau gives the target to the other town after the view read it.
        Target._base_manager.filter(pk=obj.pk).update(unit=personas.town_b)
        return True

    monkeypatch.setattr(generic.ObjectEditView, "form_ready", moved_meanwhile)
    response = client.post(url("target_edit", mine), {"year": 2025, "indicator": "signed_count", "value": "77"})
    assert response.status_code == 404
    mine.refresh_from_db()
    assert mine.value == Decimal("10") and mine.unit == personas.town_b


def test_a_create_cannot_make_a_row_in_another_town(personas, client_for):
    client = client_for(personas.officer_a)
    data = {"year": 2026, "indicator": "signed_count", "value": "3"}
    refused = client.post(url("target_create"), {**data, "unit": personas.town_b.pk})
    assert refused.status_code == 200 and "不在您的管理范围内" in refused.content.decode()
    assert not Target.objects.exists()
    saved = client.post(url("target_create"), {**data, "unit": personas.town_a.pk})
    created = Target.objects.get()
    assert saved.status_code == 302 and saved["Location"] == url("target_detail", created)
    assert created.unit == personas.town_a


def test_a_versioned_edit_raises_the_version_and_audits(personas, client_for):
    firm = company(name="城关镇录入的企业有限公司", unit=personas.town_a)
    client = client_for(personas.officer_a)
    response = client.post(
        url("company_edit", firm), {"name": "新名称有限公司", "nature": "", "address": "", "version": 1}
    )
    assert response.status_code == 302
    firm.refresh_from_db()
    assert firm.version == 2 and firm.name == "新名称有限公司"
    assert AuditLog.objects.filter(action=AuditAction.UPDATE, object_id=str(firm.pk)).exists()


# --- delete ---------------------------------------------------------------------------------------------


def test_delete_asks_first_and_get_never_deletes(personas, client_for):
    mine = target(personas.town_a)
    client = client_for(personas.officer_a)
    page = client.get(url("target_delete", mine)).content.decode()
    assert "确认删除" in page and str(mine) in page
    assert Target.objects.filter(pk=mine.pk).exists()
    response = client.post(url("target_delete", mine))
    assert response.status_code == 302 and response["Location"] == url("target_list")
    assert not Target.objects.filter(pk=mine.pk).exists()
    assert AuditLog.objects.filter(action=AuditAction.DELETE, object_id=str(mine.pk)).exists()


def test_a_record_still_referred_to_is_refused_in_words(personas, client_for):
    firm = company(name="有项目的企业有限公司", unit=personas.town_a)
    project(personas.officer_a, personas.town_a, stage="signed", investor=firm)
    response = client_for(personas.bureau).post(url("company_delete", firm))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="delete-refused"' in page and "不能删除" in page and "项目" in page
    assert Company.objects.filter(pk=firm.pk).exists()


def test_a_services_refusal_lands_on_the_form_field_that_edits_what_it_names():
    class ProjectLikeForm(forms.Form):
        investor_name = forms.CharField(required=False)
        name = forms.CharField(required=False)

    form = ProjectLikeForm({})
    assert form.is_valid()
    error = ValidationError({"investor": "投资方已停用", "name": "项目名称重复", "code": "编号冲突"})
    generic.apply_errors(form, error, {"investor": "investor_name"})
    assert form.errors["investor_name"] == ["投资方已停用"] and form.errors["name"] == ["项目名称重复"]
    assert form.non_field_errors() == ["编号冲突"]  # a field the form does not have: on top
