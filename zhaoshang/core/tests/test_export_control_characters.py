"""A control character stored before forms refused them (audit rows can never be
corrected) does not break an export: the cell is written without it."""

import io

import openpyxl
import pytest
from django.urls import reverse

from zhaoshang.accounts.models import Unit
from zhaoshang.core.context import acting_as
from zhaoshang.core.export import safe_cell, write_xlsx
from zhaoshang.imports.errors import error_workbook
from zhaoshang.imports.tests.test_formats import xlsx

pytestmark = pytest.mark.django_db


def test_the_auditors_full_export_works_over_an_audit_row_holding_an_escape_character(personas, client_for):
    with acting_as(personas.sysadmin):
        Unit.objects.create(code="ESC", name="新\x1b城镇", type="town", parent=personas.county)
    response = client_for(personas.auditor).get(reverse("core:audit_export"))
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert "新城镇" in [cell.value for row in sheet.iter_rows() for cell in row]


@pytest.mark.parametrize("text", ["a\x00b", "a\x07b", "a\x0bb", "a\x1fb", "a\x7fb"])
def test_cells_drop_what_excel_cannot_hold_and_keep_tabs_and_line_breaks(text):
    assert safe_cell(text) == "ab"
    assert safe_cell("一\n二\t三") == "一\n二\t三"


def test_a_sheet_named_by_a_user_loses_what_excel_refuses_in_sheet_names():
    data = write_xlsx("第1轮/2026[调度]\x1b", [("名称", 10)], [["项目"]])
    assert openpyxl.load_workbook(io.BytesIO(data)).sheetnames == ["第1轮2026调度"]


def test_the_error_workbook_hands_back_values_not_the_uploads_formulas():
    upload = xlsx(("台账", [["项目名称", "总投资"], ["甲项目", "=1+1"], ['=HYPERLINK("http://x")', 5]]))
    result = openpyxl.load_workbook(io.BytesIO(error_workbook(upload, "台账.xlsx", "台账", 1, {2: ["错误"]}, {})))
    cells = [cell for row in result.active.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    assert not any(isinstance(cell.value, str) and cell.value.startswith("=") for cell in cells)
