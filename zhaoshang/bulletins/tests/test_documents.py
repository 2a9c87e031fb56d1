"""The Word file has the official-document look and opens again; the workbook is safe."""

import io
import shutil
import subprocess
import zipfile

import openpyxl
import pytest
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_LINE_SPACING
from docx.oxml.ns import qn

from zhaoshang.bulletins import documents
from zhaoshang.bulletins.sections import Section, paragraph, table
from zhaoshang.bulletins.services import generate
from zhaoshang.bulletins.tests.factories import draft

pytestmark = pytest.mark.django_db


@pytest.fixture
def docx_bytes(dataset):
    return documents.render_docx(generate(draft(dataset.bureau, dataset.city), dataset.bureau).content)


def east_asian_font(paragraph):
    fonts = paragraph.runs[0]._element.rPr.find(qn("w:rFonts"))
    return fonts.get(qn("w:eastAsia"))


def test_the_page_is_a4_with_the_official_margins_and_a_landscape_appendix(docx_bytes):
    document = Document(io.BytesIO(docx_bytes))
    page = document.sections[0]
    measured = [page.page_width.mm, page.page_height.mm, page.top_margin.mm, page.bottom_margin.mm]
    measured += [page.left_margin.mm, page.right_margin.mm]
    assert measured == pytest.approx([210, 297, 37, 35, 28, 26], abs=0.1)
    appendix = document.sections[-1]
    assert appendix.orientation == WD_ORIENT.LANDSCAPE and appendix.page_width.mm == pytest.approx(297, abs=0.1)


def test_title_headings_and_body_use_the_official_fonts_in_east_asian_slots(docx_bytes):
    document = Document(io.BytesIO(docx_bytes))
    paragraphs = [p for p in document.paragraphs if p.text]
    title, issuer, heading, body = paragraphs[:4]
    assert title.text == "全市招商引资工作情况通报（2024年1—7月）"
    assert east_asian_font(title) == "方正小标宋简体" and title.runs[0].font.size.pt == 22
    assert title.alignment == 1  # centred
    assert east_asian_font(heading) == "黑体" and heading.text == "一、总体情况"
    assert east_asian_font(body) == "仿宋_GB2312" and body.runs[0].font.size.pt == 16
    assert body.paragraph_format.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    assert body.paragraph_format.line_spacing.pt == 28
    assert body.paragraph_format.first_line_indent.pt == 32
    assert body._p.pPr.ind.get(qn("w:firstLineChars")) == "200"
    assert issuer.text.startswith("示范市投资促进局")


def test_the_footer_numbers_pages_with_a_page_field_between_dashes(docx_bytes):
    document = Document(io.BytesIO(docx_bytes))
    footer = document.sections[0].footer.paragraphs[0]
    xml = footer._p.xml
    assert 'w:fldCharType="begin"' in xml and "PAGE" in xml and 'w:fldCharType="end"' in xml
    assert footer.text.startswith("— ") and footer.text.endswith(" —")
    assert all(section.footer.is_linked_to_previous for section in document.sections[1:])


def test_tables_repeat_their_header_rows_in_heiti(docx_bytes):
    document = Document(io.BytesIO(docx_bytes))
    grid = document.tables[-1]
    assert grid.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert grid.rows[1]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert east_asian_font(grid.rows[0].cells[0].paragraphs[0]) == "黑体"
    assert east_asian_font(grid.rows[2].cells[0].paragraphs[0]) == "仿宋_GB2312"
    assert grid.rows[2].cells[0].text == "市本级"


def test_the_file_is_a_valid_package(docx_bytes):
    with zipfile.ZipFile(io.BytesIO(docx_bytes)) as package:
        assert package.testzip() is None
        assert "word/document.xml" in package.namelist() and "word/footer1.xml" in package.namelist()


@pytest.mark.database_neutral  # LibreOffice's start-up is most of it: once per run of scripts/test
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_converts_it_to_pdf(docx_bytes, tmp_path):
    source = tmp_path / "bulletin.docx"
    source.write_bytes(docx_bytes)
    subprocess.run(
        [shutil.which("soffice"), "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
        check=True,
        timeout=120,
        capture_output=True,
    )
    assert (tmp_path / "bulletin.pdf").stat().st_size > 1000


def test_the_workbook_never_runs_a_cell_as_a_formula():
    content = {
        "title": "=cmd|' /C calc'!A0",
        "issuer": "市投资促进局",
        "issue_date_text": "2024年8月5日",
        "sections": [
            Section(
                "not_started",
                "签约未开工项目",
                [
                    paragraph("+SUM(A1)"),
                    table("列表", [[("项目名称", 1, 1)]], [['=HYPERLINK("http://x")'], ["@evil"]], sheet="名单"),
                ],
            ).as_dict("一、")
        ],
    }
    book = openpyxl.load_workbook(io.BytesIO(documents.render_xlsx(content)))
    values = [cell.value for sheet in book for row in sheet.iter_rows() for cell in row if cell.value]
    assert "'=cmd|' /C calc'!A0" in values and "'+SUM(A1)" in values
    assert '\'=HYPERLINK("http://x")' in values and "'@evil" in values
    assert not any(isinstance(value, str) and value.startswith(("=", "+", "@")) for value in values)


def test_the_workbook_has_the_text_the_statistics_table_and_the_lists(dataset):
    generated = generate(draft(dataset.bureau, dataset.city), dataset.bureau)
    book = openpyxl.load_workbook(io.BytesIO(documents.render_xlsx(generated.content, generated.result)))
    assert book.sheetnames == ["通报", "主要指标", "签约未开工项目", "附表"]
    assert book["通报"]["A1"].value == "全市招商引资工作情况通报（2024年1—7月）"
    assert book["主要指标"]["A1"].value == "示范市招商引资主要指标完成情况表（2024年1—7月）"
