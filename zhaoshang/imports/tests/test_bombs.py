"""A small upload that unpacks to gigabytes is refused before it is opened: a sheet of
many repeated rows (a ratio no ledger has), a single cell at the far corner of the sheet
(the reader would allocate every cell up to it), too many rows or columns in a CSV."""

import io
import time
import zipfile

import pytest

from zhaoshang.imports.reading import ReadError, read_workbook
from zhaoshang.imports.tests.test_formats import xlsx


def _with_sheet_xml(sheet_xml: bytes) -> bytes:
    """A valid workbook whose first sheet's XML is replaced by ``sheet_xml``."""
    source = zipfile.ZipFile(io.BytesIO(xlsx(("台账", [["项目名称"], ["甲项目"]]))))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            content = source.read(entry)
            if entry.filename == "xl/worksheets/sheet1.xml":
                content = sheet_xml
            target.writestr(entry.filename, content, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _sheet(rows: bytes) -> bytes:
    return (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        + rows
        + b"</sheetData></worksheet>"
    )


def test_a_sheet_of_repeated_rows_unpacking_far_beyond_its_size_is_refused():
    row = b'<row><c t="inlineStr"><is><t>' + "项".encode() * 2000 + b"</t></is></c></row>"
    bomb = _with_sheet_xml(_sheet(row * 5_000))  # 30 MB of XML in well under 1 MB
    assert len(bomb) < 200_000
    started = time.monotonic()
    with pytest.raises(ReadError) as refused:
        read_workbook(bomb, "台账.xlsx")
    assert str(refused.value).startswith("文件解压后过大")
    assert time.monotonic() - started < 5


def test_a_sheet_of_many_small_rows_is_refused_by_its_rows():
    row = b'<row><c t="inlineStr"><is><t>' + "项".encode() * 50 + b"</t></is></c></row>"
    bomb = _with_sheet_xml(_sheet(row * 200_000))  # 38 MB of XML in 0.2 MB
    with pytest.raises(ReadError) as refused:
        read_workbook(bomb, "台账.xlsx")
    assert "文件过大：工作表超过 100,000 行" in str(refused.value)


def test_one_cell_at_the_far_corner_of_the_sheet_is_refused():
    far = _with_sheet_xml(
        _sheet(
            b'<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row>'
            b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
        )
    )
    with pytest.raises(ReadError) as refused:
        read_workbook(far, "台账.xlsx")
    assert "文件过大：工作表超过 100,000 行" in str(refused.value)


def test_a_wide_sheet_is_refused_by_its_columns():
    wide = _with_sheet_xml(_sheet(b'<row r="1"><c r="A1"><v>1</v></c><c r="ZZ1"><v>1</v></c></row>'))
    with pytest.raises(ReadError) as refused:
        read_workbook(wide, "台账.xlsx")
    assert "超过 256 列" in str(refused.value)


def test_rows_without_references_still_count():
    rows = _with_sheet_xml(_sheet(b"<row><c><v>1</v></c></row>" * 150))
    from django.test import override_settings

    with override_settings(IMPORT_MAX_ROWS=100), pytest.raises(ReadError) as refused:
        read_workbook(rows, "台账.xlsx")
    assert "超过 100 行" in str(refused.value)


def test_an_ordinary_workbook_is_read_as_before():
    sheets = read_workbook(_with_sheet_xml(_sheet(b'<row r="1"><c r="A1"><v>7</v></c></row>')), "台账.xlsx")
    assert sheets[0].rows == [[7]]


def test_a_csv_with_too_many_rows_or_a_giant_cell_is_refused_in_chinese(settings):
    settings.IMPORT_MAX_ROWS = 100
    with pytest.raises(ReadError) as refused:
        read_workbook(("项目名称\n" + "甲项目\n" * 150).encode(), "台账.csv")
    assert "超过 100 行" in str(refused.value)
    with pytest.raises(ReadError) as refused:
        read_workbook(("项目名称\n" + "甲" * 200_000 + "\n").encode(), "台账.csv")
    assert str(refused.value).startswith("无法读取 CSV 文件")


def test_an_xls_sheet_beyond_the_bounds_is_refused_before_its_rows_are_read(monkeypatch, settings):
    """No .xls writer is installed: xlrd's book is mocked with the extent a bomb declares."""
    from types import SimpleNamespace

    import xlrd

    from zhaoshang.imports import reading

    def unread(index):
        raise AssertionError("rows read")

    settings.IMPORT_MAX_ROWS = 10_000
    sheet = SimpleNamespace(name="项目", nrows=65536, ncols=20, row=unread)
    book = SimpleNamespace(nsheets=1, sheet_by_index=lambda index: sheet, datemode=0)
    monkeypatch.setattr(xlrd, "open_workbook", lambda file_contents, **options: book)
    with pytest.raises(ReadError) as refused:
        read_workbook(reading.XLS_MAGIC + b"\x00" * 64, "老台账.xls")
    assert "文件过大：工作表超过 10,000 行" in str(refused.value)
