"""The bulletin as files: Word in the official-document look, and Excel.

Word follows GB/T 9704 (党政机关公文格式) as bulletins are typeset: A4; margins top 37 mm,
bottom 35 mm, left 28 mm, right 26 mm; the title in 方正小标宋简体 二号 centred; first-level
headings (一、) in 黑体 三号, second-level (（一）) in 楷体 三号; body in 仿宋_GB2312 三号 at a
fixed 28-point line, first line indented two characters; page numbers "— 1 —" in the
footer (宋体 四号) from a PAGE field; tables with a 黑体 header repeated on every page and
仿宋 cells. Chinese fonts are set in ``w:eastAsia`` (Word ignores ``w:ascii`` for Chinese
text). The all-units table (附件) goes on landscape pages after the signature.

Both renderers read only the content dict (sections.py), so the preview, the Word file and
the workbook say the same thing.
"""

import io
import re
from decimal import Decimal

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from zhaoshang.core.parsing import strip_control_characters

TITLE_FONT = "方正小标宋简体"
HEITI = "黑体"
KAITI = "楷体_GB2312"
FANGSONG = "仿宋_GB2312"
SONGTI = "宋体"
SIZE_2 = Pt(22)  # 二号
SIZE_3 = Pt(16)  # 三号
SIZE_4 = Pt(14)  # 四号
SIZE_5 = Pt(10.5)  # 五号
SIZE_6 = Pt(7.5)  # 六号: the landscape all-units table (21 columns), so figures do not wrap
LINE = Pt(28)
MARGINS = {"top": Mm(37), "bottom": Mm(35), "left": Mm(28), "right": Mm(26)}


# --- Word ---------------------------------------------------------------------------------------


def set_run_font(run, name: str, size, bold: bool = False) -> None:
    """Font for Latin and Chinese text alike (w:ascii, w:hAnsi, w:eastAsia, w:cs)."""
    run.font.size = size
    run.font.bold = bold
    _set_fonts(run._element.get_or_add_rPr(), name)


def _set_fonts(rpr, name: str) -> None:
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), name)


def _format(paragraph, *, align=None, indent: bool = True, line=LINE, size=SIZE_3) -> None:
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = line
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    if align is not None:
        paragraph.alignment = align
    if indent:
        # Two characters: Word reads firstLineChars; other programs the length.
        fmt.first_line_indent = Pt(size.pt * 2)
        paragraph._p.get_or_add_pPr().get_or_add_ind().set(qn("w:firstLineChars"), "200")


def _add_text(document_or_cell, text: str, font: str, size, *, align=None, indent=True, line=LINE, bold=False):
    paragraph = document_or_cell.add_paragraph()
    _format(paragraph, align=align, indent=indent, line=line, size=size)
    # python-docx refuses text Word's XML cannot hold; a stored name must not stop a bulletin.
    set_run_font(paragraph.add_run(strip_control_characters(text)), font, size, bold)
    return paragraph


def _page_setup(section, *, landscape: bool = False) -> None:
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
    else:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = MARGINS["top"]
    section.bottom_margin = MARGINS["bottom"]
    section.left_margin = MARGINS["left"]
    section.right_margin = MARGINS["right"]


def _page_number_footer(section) -> None:
    """ "— 1 —" centred: an em dash, the PAGE field, an em dash (宋体 四号)."""
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    set_run_font(paragraph.add_run("— "), SONGTI, SIZE_4)
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        run = paragraph.add_run()
        set_run_font(run, SONGTI, SIZE_4)
        if kind is not None:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
            run._r.append(element)
        elif text == " PAGE ":
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
            run._r.append(element)
        else:
            run.text = text
    set_run_font(paragraph.add_run(" —"), SONGTI, SIZE_4)


def _repeat_header(row) -> None:
    properties = row._tr.get_or_add_trPr()
    element = OxmlElement("w:tblHeader")
    element.set(qn("w:val"), "true")
    properties.append(element)


def _keep_row_together(row) -> None:
    """A row never splits across pages (w:cantSplit): a unit's figures stay on one line of
    one page."""
    element = OxmlElement("w:cantSplit")
    element.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(element)


def _cell_text(cell, text: str, font: str, size, bold: bool = False) -> None:
    paragraph = cell.paragraphs[0]
    _format(paragraph, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, line=Pt(size.pt * 1.3), size=size)
    set_run_font(paragraph.add_run(strip_control_characters(text)), font, size, bold)


def _narrow_cell_margins(grid, twips: int = 28) -> None:
    """Left/right cell margins of about 0.5 mm (Word's default is 1.9 mm): 21 columns of
    figures fit on a landscape page without wrapping."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    properties = grid._tbl.tblPr
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        element = OxmlElement(f"w:{side}")
        element.set(qn("w:w"), str(twips))
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    properties.append(margins)


def _add_table(document, block: dict, width_mm: float) -> None:
    header, rows = block["header"], block["rows"]
    columns = sum(span for text, span, _ in header[0])
    size = SIZE_6 if block["wide"] else SIZE_5
    _add_text(document, block["title"], HEITI, SIZE_3, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    grid = document.add_table(rows=len(header) + len(rows), cols=columns)
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    # Spans first; then the cells are listed once: python-docx's table.cell(r, c) walks the
    # whole table on every call, which made a 20-column table take seconds.
    spans, taken = [], set()  # (row, column, colspan, rowspan, text); cells covered by a span
    for r, header_row in enumerate(header):
        c = 0
        for text, colspan, rowspan in header_row:
            while (r, c) in taken:
                c += 1
            spans.append((r, c, colspan, rowspan, text))
            taken.update((r + dr, c + dc) for dr in range(rowspan) for dc in range(colspan))
            c += colspan
        _repeat_header(grid.rows[r])
    for row in grid.rows:
        _keep_row_together(row)
    for r, c, colspan, rowspan, _ in spans:
        if colspan > 1 or rowspan > 1:
            grid.cell(r, c).merge(grid.cell(r + rowspan - 1, c + colspan - 1))
    cells = grid._cells
    weights = block["widths"] or [1] * columns
    unit = width_mm / sum(weights)
    # Word reads the cells' widths, LibreOffice the grid's columns: set both, no autofit.
    grid.autofit = False
    if block["wide"]:
        _narrow_cell_margins(grid)
    for index, column in enumerate(grid.columns):
        column.width = Mm(unit * weights[index])
    for index, cell in enumerate(cells):
        cell.width = Mm(unit * weights[index % columns])
    for r, c, _, _, text in spans:
        _cell_text(cells[r * columns + c], text, HEITI, size)
    bold_rows = set(block["bold_rows"])
    for r, values in enumerate(rows, start=len(header)):
        for c, value in enumerate(values):
            _cell_text(cells[r * columns + c], value, FANGSONG, size, bold=r - len(header) in bold_rows)


def render_docx(content: dict) -> bytes:
    document = Document()
    normal = document.styles["Normal"]
    normal.font.size = SIZE_3
    _set_fonts(normal.element.get_or_add_rPr(), FANGSONG)
    section = document.sections[0]
    _page_setup(section)
    _page_number_footer(section)
    text_width = 210 - 28 - 26

    _add_text(
        document, content["title"], TITLE_FONT, SIZE_2, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, line=Pt(36)
    )
    _add_text(
        document,
        f"{content['issuer']}　　{content['issue_date_text']}",
        KAITI,
        SIZE_3,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        indent=False,
    )
    _add_text(document, "", FANGSONG, SIZE_3, indent=False)
    main = [s for s in content["sections"] if not s["appendix"]]
    appendices = [s for s in content["sections"] if s["appendix"]]
    for item in main:
        _add_text(document, item["number"] + item["heading"], HEITI, SIZE_3)
        _add_blocks(document, item, text_width)
    _add_text(document, "", FANGSONG, SIZE_3, indent=False)
    for text in (content["issuer"], content["issue_date_text"]):
        signature = _add_text(document, text, FANGSONG, SIZE_3, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
        signature.paragraph_format.right_indent = Pt(SIZE_3.pt * 4)
    for item in appendices:
        landscape = any(block.get("wide") for block in item["blocks"])
        new = document.add_section(WD_SECTION.NEW_PAGE)
        _page_setup(new, landscape=landscape)
        _add_text(document, item["number"], HEITI, SIZE_3, indent=False)
        width = (297 if landscape else 210) - 28 - 26
        _add_blocks(document, item, width)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _add_blocks(document, item: dict, width_mm: float) -> None:
    blocks = [block for block in item["blocks"] if block["type"] != "table" or block["in_word"]]
    if not blocks:
        _add_text(document, item["empty_text"], FANGSONG, SIZE_3)
        return
    for block in blocks:
        if block["type"] == "paragraph":
            _add_text(document, block["text"], FANGSONG, SIZE_3)
        elif block["type"] == "subheading":
            _add_text(document, block["text"], KAITI, SIZE_3)
        elif block["type"] == "note":
            _add_text(document, block["text"], FANGSONG, SIZE_5, indent=False, line=Pt(16))
        elif block["type"] == "table":
            _add_table(document, block, width_mm)


# --- Excel ---------------------------------------------------------------------------------------


def render_xlsx(content: dict, result=None) -> bytes:
    """Sheet 1: the bulletin's text. Then the statistics table in its own layout (every
    indicator, from ``stats.tables.workbook``), then one sheet per list or table of the
    bulletin. Every cell goes through ``core.export.safe_cell``."""
    from openpyxl import Workbook, load_workbook
    from openpyxl.styles import Alignment, Font

    from zhaoshang.core.export import safe_cell
    from zhaoshang.stats import tables

    book = load_workbook(io.BytesIO(tables.workbook(result))) if result is not None else Workbook()
    if result is None:
        book.remove(book.active)
    text = book.create_sheet("通报", 0)
    text.column_dimensions["A"].width = 110
    wrap = Alignment(wrap_text=True, vertical="top")
    text.append([safe_cell(content["title"])])
    text["A1"].font = Font(bold=True, size=16)
    text.append([safe_cell(f"{content['issuer']}　{content['issue_date_text']}")])
    for item in content["sections"]:
        text.append([])
        text.append([safe_cell(item["number"] + item["heading"])])
        text.cell(text.max_row, 1).font = Font(bold=True)
        shown = [block for block in item["blocks"] if block["type"] != "table"]
        if not any(block["type"] == "table" for block in item["blocks"]) and not shown:
            text.append([safe_cell(item["empty_text"])])
        for block in shown:
            text.append([safe_cell(block["text"])])
            text.cell(text.max_row, 1).alignment = wrap
        for block in item["blocks"]:
            if block["type"] == "table":
                text.append([safe_cell(f"（见工作表“{block['sheet']}”）")])
    for item in content["sections"]:
        for block in item["blocks"]:
            if block["type"] == "table":
                _table_sheet(book.create_sheet(block["sheet"][:31]), block)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


NUMBER = re.compile(r"-?(0|[1-9]\d{0,2}(,\d{3})+|[1-9]\d*)(\.\d+)?")
PERCENT = re.compile(r"-?(0|[1-9]\d*)(\.\d+)?%")


def typed(text: str) -> tuple[Decimal | None, str]:
    """A table cell's text as a number for Excel, with the number format that shows it as
    the bulletin does: "12,345.60" → 12345.60 as #,##0.00; "63.3%" → 0.633 as 0.0%. Any
    other text (names, dates, "—", codes with a leading zero) stays text: (None, "")."""
    if not isinstance(text, str):
        return None, ""
    if PERCENT.fullmatch(text):
        places = len(text[:-1].partition(".")[2])
        return Decimal(text[:-1]) / 100, "0." + "0" * places + "%" if places else "0%"
    if NUMBER.fullmatch(text):
        places = len(text.partition(".")[2])
        return Decimal(text.replace(",", "")), "#,##0." + "0" * places if places else "#,##0"
    return None, ""


def _table_sheet(sheet, block: dict) -> None:
    from openpyxl.styles import Alignment, Font

    from zhaoshang.core.export import safe_cell

    header, rows = block["header"], block["rows"]
    columns = sum(span for _, span, _ in header[0])
    sheet.append([safe_cell(block["title"])])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=max(columns, 1))
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A1"].alignment = Alignment(horizontal="center")
    taken = set()
    for r, header_row in enumerate(header, start=2):
        c = 1
        for text, colspan, rowspan in header_row:
            while (r, c) in taken:
                c += 1
            sheet.cell(r, c, safe_cell(text)).font = Font(bold=True)
            if colspan > 1 or rowspan > 1:
                sheet.merge_cells(start_row=r, start_column=c, end_row=r + rowspan - 1, end_column=c + colspan - 1)
            for dr in range(rowspan):
                for dc in range(colspan):
                    taken.add((r + dr, c + dc))
            c += colspan
    first = 2 + len(header)
    bold_rows = set(block["bold_rows"])
    for index, values in enumerate(rows):
        for c, value in enumerate(values, start=1):
            number, number_format = typed(value)
            cell = sheet.cell(first + index, c, safe_cell(value) if number is None else number)
            if number_format:
                cell.number_format = number_format
            if index in bold_rows:
                cell.font = Font(bold=True)
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 30
