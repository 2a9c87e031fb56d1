"""The project ledger as bureaus lay it out: a title, 填报单位, grouped two-row headers,
data, a 合计 row. Every text cell is formula-safe; totals are exact Decimal sums."""

import datetime
import io
from decimal import Decimal

from zhaoshang.core.export import safe_cell

# (group, header, width, value of a project)
COLUMNS = [
    ("项目基本情况", "项目编号", 18, lambda p: p.code),
    ("项目基本情况", "项目名称", 32, lambda p: p.name),
    ("项目基本情况", "投资方", 30, lambda p: p.investor.name if p.investor_id else ""),
    ("项目基本情况", "统一社会信用代码", 22, lambda p: (p.investor.uscc or "") if p.investor_id else ""),
    ("项目基本情况", "所属行业", 20, lambda p: p.industry.name if p.industry_id else p.industry_text),
    ("投资情况", "协议总投资（万元）", 16, lambda p: p.total_investment),
    ("投资情况", "固定资产投资（万元）", 16, lambda p: p.fixed_asset_investment),
    ("项目进展情况", "当前阶段（填报）", 12, lambda p: p.get_stage_display()),
    ("项目进展情况", "审核状态", 14, lambda p: verification_status(p)),
    ("项目进展情况", "签约时间", 12, lambda p: p.signed_on),
    ("项目进展情况", "开工时间", 12, lambda p: p.started_on),
    ("责任落实", "责任单位", 16, lambda p: p.responsible_unit.name),
    ("责任落实", "责任领导", 10, lambda p: p.responsible_leader),
]
TOTALLED = {"协议总投资（万元）": 5, "固定资产投资（万元）": 6}


def verification_status(project) -> str:
    """已审核 when the bureau confirmed the stage the unit reports; otherwise how far it did."""
    if not project.verified_stage:
        return "未审核"
    if project.verified_stage == project.stage:
        return "已审核"
    return f"已审核至「{project.get_verified_stage_display()}」"


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
        for offset, (_, header, col_width, _) in enumerate(span):
            sheet.cell(row=4, column=column + offset, value=header)
            sheet.column_dimensions[get_column_letter(column + offset)].width = col_width
        column += len(span)
    sheet.cell(row=3, column=width, value="备注")
    sheet.merge_cells(start_row=3, start_column=width, end_row=4, end_column=width)
    sheet.column_dimensions["A"].width = 6
    sheet.column_dimensions[get_column_letter(width)].width = 20

    totals = {header: Decimal(0) for header in TOTALLED}
    count = 0
    for count, project in enumerate(
        projects.select_related("investor", "industry", "responsible_unit").iterator(chunk_size=2000), start=1
    ):
        row = [count]
        for _, header, _, value in COLUMNS:
            cell = value(project)
            if header in totals and cell is not None:
                totals[header] += cell
            row.append(safe_cell(cell) if cell is not None else None)
        row.append(safe_cell(project.remarks))
        sheet.append(row)
    total_row = [None] * width
    total_row[0] = "合计"
    for header, index in TOTALLED.items():
        total_row[index + 1] = totals[header]
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
