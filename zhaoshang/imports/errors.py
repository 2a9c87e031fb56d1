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

    For an .xlsx upload the original workbook is kept (titles, merges, formats) and a column
    「错误说明」 is added; other formats come back as an .xlsx of their cells.
    """
    from openpyxl import Workbook, load_workbook
    from openpyxl.styles import Font, PatternFill

    from zhaoshang.imports.reading import read_workbook, sniff_format

    red = PatternFill("solid", fgColor="FFC7CE")
    if sniff_format(data, filename) == "xlsx":
        workbook = load_workbook(io.BytesIO(data))
        sheet = workbook[sheet_name] if sheet_name in workbook.sheetnames else workbook.active
    else:
        workbook = Workbook()
        sheet = workbook.active
        source = next(
            (s for s in read_workbook(data, filename) if s.name == sheet_name), read_workbook(data, filename)[0]
        )
        for row in source.rows:
            sheet.append([safe_cell(value) for value in row])
    column = sheet.max_column + 1
    sheet.cell(row=header_row, column=column, value="错误说明").font = Font(bold=True, color="9C0006")
    for number, messages in errors.items():
        sheet.cell(row=number, column=column, value="；".join(messages)).fill = red
        for index in bad_columns.get(number, ()):
            sheet.cell(row=number, column=index + 1).fill = red
    sheet.column_dimensions[sheet.cell(row=header_row, column=column).column_letter].width = 60
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
