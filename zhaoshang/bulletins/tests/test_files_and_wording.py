"""The bulletin's files: numbers in Excel are numbers, Word rows never split across pages;
the ranking sentence is worded for ties."""

import io
from decimal import Decimal

import openpyxl
import pytest
from docx import Document
from docx.oxml.ns import qn

from zhaoshang.bulletins import documents
from zhaoshang.bulletins.sections import _leaders_text
from zhaoshang.bulletins.services import generate
from zhaoshang.bulletins.tests.factories import draft
from zhaoshang.stats.choices import Indicator

pytestmark = pytest.mark.django_db


def test_the_workbook_stores_figures_and_percentages_as_numbers(dataset):
    generated = generate(draft(dataset.bureau, dataset.city), dataset.bureau)
    book = openpyxl.load_workbook(io.BytesIO(documents.render_xlsx(generated.content, generated.result)))
    figures = [
        cell for row in book["主要指标"].iter_rows(min_row=4) for cell in row[1:] if cell.value not in (None, "")
    ]
    numeric = [cell for cell in figures if cell.data_type == "n"]
    assert numeric and all(not str(cell.value).startswith("'") for cell in figures)
    table = book["各单位主要指标"] if "各单位主要指标" in book.sheetnames else None
    for sheet in book.worksheets[2:]:
        for row in sheet.iter_rows(min_row=3):
            for cell in row:
                if isinstance(cell.value, str):
                    assert documents.typed(cell.value)[0] is None, (
                        f"{sheet.title}!{cell.coordinate} is a number as text"
                    )
    assert table is None or any(cell.data_type == "n" for row in table.iter_rows(min_row=3) for cell in row)


def test_numbers_in_tables_become_numbers_and_text_stays_text():
    assert documents.typed("12,345.60") == (Decimal("12345.60"), "#,##0.00")
    assert documents.typed("63.3%") == (Decimal("0.633"), "0.0%")
    assert documents.typed("7") == (Decimal(7), "#,##0")
    for text in ("城关镇", "2024-05-20", "—", "007", "=1+1", "超序时进度5.0个百分点"):
        assert documents.typed(text) == (None, "")


def test_word_table_rows_never_split_across_pages(dataset):
    content = generate(draft(dataset.bureau, dataset.city), dataset.bureau).content
    document = Document(io.BytesIO(documents.render_docx(content)))
    for grid in document.tables:
        for row in grid.rows:
            assert row._tr.trPr.find(qn("w:cantSplit")) is not None


class _Row:
    def __init__(self, name, value, rank):
        self.unit = type("U", (), {"name": name})()
        self.cells = {Indicator.SIGNED_COUNT: type("C", (), {"value": Decimal(value), "rank": rank})()}


def test_nine_units_tied_first_are_not_called_the_top_three():
    tied = [_Row(f"{n}镇", 2, 1) for n in "甲乙丙丁戊己庚辛壬"]
    text = _leaders_text(tied, Indicator.SIGNED_COUNT)
    assert text == "并列第一的是甲镇、乙镇、丙镇、丁镇、戊镇等9个单位（各2个）"
    assert "前三" not in text
    distinct = [_Row("甲镇", 3, 1), _Row("乙镇", 2, 2), _Row("丙镇", 1, 3)]
    assert _leaders_text(distinct, Indicator.SIGNED_COUNT) == "排名前三位的是甲镇（3个）、乙镇（2个）、丙镇（1个）"
    mixed = [_Row("甲镇", 3, 1), _Row("乙镇", 2, 2), _Row("丙镇", 2, 2)]
    assert _leaders_text(mixed, Indicator.SIGNED_COUNT) == "第一的是甲镇（3个），并列第二的是乙镇、丙镇（各2个）"
