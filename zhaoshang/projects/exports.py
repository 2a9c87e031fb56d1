"""The project ledger as bureaus lay it out: a title, 填报单位, grouped two-row headers,
data, a 合计 row. Every text cell is formula-safe; totals are exact Decimal sums."""

import datetime
import io
from decimal import Decimal

from zhaoshang.core.columns import NUMBER
from zhaoshang.core.export import safe_cell
from zhaoshang.projects.columns import PROJECT_COLUMNS

# The bureau's groups over the list's columns (projects/columns.py): headers, widths and
# values come from there, so the 台账 and the list's own export never say a thing twice.
GROUPS = [
    ("项目基本情况", ("code", "name", "investor", "uscc", "industry")),
    ("投资情况", ("amount", "fixed_asset_investment")),
    ("项目进展情况", ("stage", "verification", "signed_on", "started_on")),
    ("责任落实", ("unit", "leader")),
]
COLUMNS = [(group, PROJECT_COLUMNS.by_name[name]) for group, names in GROUPS for name in names]
REMARKS = PROJECT_COLUMNS.by_name["remarks"]


def ledger_workbook(projects, *, unit_name: str, as_of: datetime.date) -> tuple[bytes, int]:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "项目台账"
    width = len(COLUMNS) + 2  # 序号 + columns + 备注
    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    center = Alignment(horizontal="center", vertical="center", wrap_text=True)
    bold = Font(bold=True)

    sheet.cell(
        row=1, column=1, value=safe_cell(f"{unit_name}项目台账（截至{as_of.year}年{as_of.month}月{as_of.day}日）")
    ).font = Font(bold=True, size=16)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet.cell(row=1, column=1).alignment = center
    sheet.cell(row=2, column=1, value=safe_cell(f"填报单位：{unit_name}"))
    sheet.cell(row=2, column=width - 2, value="单位：万元")

    # Row 3: groups (merged across their columns); row 4: headers. 序号 and 备注 span both rows.
    sheet.cell(row=3, column=1, value="序号")
    sheet.merge_cells(start_row=3, start_column=1, end_row=4, end_column=1)
    column = 2
    for group in dict.fromkeys(group for group, *_ in COLUMNS):
        span = [c for c in COLUMNS if c[0] == group]
        sheet.cell(row=3, column=column, value=group)
        if len(span) > 1:
            sheet.merge_cells(start_row=3, start_column=column, end_row=3, end_column=column + len(span) - 1)
        for offset, (_, definition) in enumerate(span):
            sheet.cell(row=4, column=column + offset, value=definition.sheet_label)
            sheet.column_dimensions[get_column_letter(column + offset)].width = definition.width
        column += len(span)
    sheet.cell(row=3, column=width, value="备注")
    sheet.merge_cells(start_row=3, start_column=width, end_row=4, end_column=width)
    sheet.column_dimensions["A"].width = 6
    sheet.column_dimensions[get_column_letter(width)].width = 20

    # The money columns get a 合计: exact Decimal sums, written as numbers.
    totalled = [index for index, (_, definition) in enumerate(COLUMNS) if definition.kind == NUMBER]
    totals = dict.fromkeys(totalled, Decimal(0))
    definitions = [definition for _, definition in COLUMNS]
    count = 0
    rows = PROJECT_COLUMNS.prepare(projects, [*definitions, REMARKS])
    for count, project in enumerate(rows.iterator(chunk_size=2000), start=1):
        row = [count]
        for index, definition in enumerate(definitions):
            cell = definition.sheet(project)
            if index in totals and cell is not None:
                totals[index] += cell
            row.append(safe_cell(cell) if cell is not None else None)
        row.append(safe_cell(REMARKS.sheet(project) or ""))
        sheet.append(row)
    total_row = [None] * width
    total_row[0] = "合计"
    for index, total in totals.items():
        total_row[index + 1] = total
    sheet.append(total_row)

    last = sheet.max_row
    for cells in sheet.iter_rows(min_row=3, max_row=last, max_col=width):
        for cell in cells:
            cell.border = border
            if cell.row <= 4:
                cell.font = bold
                cell.alignment = center
            elif isinstance(cell.value, Decimal):
                cell.number_format = "#,##0.00##"
            elif isinstance(cell.value, datetime.date):
                cell.number_format = "yyyy-mm-dd"
    for cell in sheet[last]:
        cell.font = bold
    sheet.freeze_panes = "C5"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    # One page wide, as many pages tall as it takes; headers repeat on every page.
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.print_title_rows = "3:4"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue(), count
