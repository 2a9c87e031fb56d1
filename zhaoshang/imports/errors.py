"""The original sheet handed back with an error column, so a clerk fixes it where they work."""

import io

from zhaoshang.core.export import safe_cell


def error_workbook(
    data: bytes,
    filename: str,
    sheet_name: str,
    header_row: int,
    errors: dict[int, list[str]],
    bad_columns: dict[int, set[int]],
) -> bytes:
    """``errors``: sheet row number → messages; ``bad_columns``: row → 0-based columns to mark.

    For an .xlsx upload the original workbook is kept (titles, merges, formats; values
    rather than formulas) and a column 「错误说明」 is added; other formats come back as an
    .xlsx of their cells.
    """
    from openpyxl import Workbook, load_workbook
    from openpyxl.styles import Font, PatternFill

    from zhaoshang.imports.reading import read_workbook, sniff_format

    red = PatternFill("solid", fgColor="FFC7CE")
    if sniff_format(data, filename) == "xlsx":
        # Values only (a formula of the upload comes back as its last computed value),
        # every text formula-escaped: the sheet goes back to a clerk who opens it in Excel.
        workbook = load_workbook(io.BytesIO(data), data_only=True)
        for each in workbook.worksheets:
            for row in each.iter_rows():
                for cell in row:
                    if isinstance(cell.value, str):
                        cell.value = safe_cell(cell.value)
        sheet = workbook[sheet_name] if sheet_name in workbook.sheetnames else workbook.active
    else:
        workbook = Workbook()
        sheet = workbook.active
        source = next(
            (s for s in read_workbook(data, filename) if s.name == sheet_name), read_workbook(data, filename)[0]
        )
        for row in source.rows:
            sheet.append([safe_cell(value) for value in row])
    column = _error_column(sheet, header_row)
    sheet.cell(row=header_row, column=column, value="错误说明").font = Font(bold=True, color="9C0006")
    for number, messages in errors.items():
        sheet.cell(row=number, column=column, value=safe_cell("；".join(messages))).fill = red
        for index in bad_columns.get(number, ()):
            sheet.cell(row=number, column=index + 1).fill = red
    sheet.column_dimensions[sheet.cell(row=header_row, column=column).column_letter].width = 60
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _error_column(sheet, header_row: int) -> int:
    """The first column after the header row's last used one that no data row uses either
    (a note typed to the right of the table must not be overwritten)."""
    used = [cell.column for cell in sheet[header_row] if cell.value not in (None, "")]
    column = (max(used) if used else sheet.max_column) + 1
    while any(
        sheet.cell(row=row, column=column).value not in (None, "") for row in range(header_row, sheet.max_row + 1)
    ):
        column += 1
    return column
