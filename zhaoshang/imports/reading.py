"""Reading spreadsheets as units keep them: .xlsx, legacy .xls, .csv in UTF-8 or GBK.

Every format becomes a list of ``Sheet``: a name and rows of raw cell values (dates as
datetime where the file knows them, numbers as numbers, text as text). Parsing meaning
out of them is the next step's job.
"""

import csv
import datetime
import io
import json
import re
import zipfile
from dataclasses import dataclass, field

from django.conf import settings


class ReadError(ValueError):
    """The file cannot be read as a spreadsheet; the message is Chinese."""


@dataclass
class Sheet:
    name: str
    rows: list[list] = field(default_factory=list)


XLSX_MAGIC = b"PK\x03\x04"
XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # OLE2 compound document


def sniff_format(data: bytes, filename: str = "") -> str:
    """'xlsx', 'xls' or 'csv', from the content (not only the extension)."""
    if data.startswith(XLSX_MAGIC):
        return "xlsx"
    if data.startswith(XLS_MAGIC):
        return "xls"
    head = data[:4096]
    if b"\x00" in head:
        raise ReadError("无法识别的文件格式，请上传 .xlsx、.xls 或 .csv 文件。")
    return "csv"


def read_workbook(data: bytes, filename: str = "") -> list[Sheet]:
    if not data:
        raise ReadError("文件为空。")
    kind = sniff_format(data, filename)
    if kind == "xlsx":
        return _read_xlsx(data)
    if kind == "xls":
        return _read_xls(data)
    return [_read_csv(data, filename)]


# --- Bounds: what a spreadsheet may unpack to ------------------------------------------------
# The upload limit counts compressed bytes: 1.5 MB of .xlsx once unpacked to 1.5 GB in the
# web process. Before a reader allocates anything the zip's declared sizes are checked, then
# each sheet's extent (calamine allocates every cell from A1 to the furthest one, so one cell
# at XFD1048576 is a bomb of its own); .xls and .csv are bounded while read.
MAX_RATIO = 200  # a ledger's sheet XML compresses 10–30×; repeated rows of a bomb far more
# Patterns that begin with a literal: an optional namespace prefix in front made a scan of a
# 10,000-row ledger's 26 MB of sheet XML several times slower.
_ROWS = re.compile(rb"<row\b([^>]*)>")
_CELLS = re.compile(rb"<c[\s/>]")
_WIDE_FIRST_REFS = re.compile(rb'<c r="([A-Z]{2,3})\d')
_TAGS = re.compile(rb"<(row|c)(?=[\s/>])([^>]*)")
_REF = re.compile(rb'\sr="([A-Z]*)(\d*)"')
_PREFIXES = re.compile(rb"<(/?)[A-Za-z_][\w.-]*:")
_SHEET_PARTS = re.compile(r"^xl/worksheets/[^/]+\.xml$")


def _too_large(rows: int, columns: int) -> str | None:
    if rows > settings.IMPORT_MAX_ROWS:
        return f"文件过大：工作表超过 {settings.IMPORT_MAX_ROWS:,} 行，请分成几个文件导入。"
    if columns > settings.IMPORT_MAX_COLUMNS:
        return f"文件过大：工作表超过 {settings.IMPORT_MAX_COLUMNS} 列，请删除多余的列后重新上传。"
    return None


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _sheet_extent(xml: bytes) -> tuple[int, int]:
    """(rows, columns) a sheet's XML reaches, as a reader places its cells: by the reference
    a row or cell names, else one after the previous. Excel and WPS name every cell's
    reference first, which the quick path reads; anything else is walked tag by tag."""
    if b":row" in xml:  # namespace-prefixed tags (rare): read them bare
        xml = _PREFIXES.sub(rb"<\1", xml)
    rows = row = 0
    for attributes in _ROWS.findall(xml):
        ref = _REF.search(b" " + attributes)
        row = int(ref.group(2)) if ref and ref.group(2) else row + 1
        rows = max(rows, row)
    if len(_CELLS.findall(xml)) == xml.count(b'<c r="'):
        return rows, max(map(_column_number, set(_WIDE_FIRST_REFS.findall(xml))), default=26)
    columns = column = 0
    for tag, attributes in _TAGS.findall(xml):
        ref = _REF.search(b" " + attributes)
        if tag == b"row":
            column = 0
        else:
            column = _column_number(ref.group(1)) if ref and ref.group(1) else column + 1
            columns = max(columns, column)
    return rows, columns


def check_xlsx_bounds(data: bytes) -> None:
    """Refuse, with a Chinese reason, an .xlsx whose content unpacks beyond the bounds."""
    limit = settings.IMPORT_MAX_UNCOMPRESSED_BYTES
    refused = f"文件解压后过大（上限 {limit // 1048576} MB），可能不是正常的台账，请用 Excel 或 WPS 另存后重新上传。"
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
        if sum(entry.file_size for entry in entries) > limit:
            raise ReadError(refused)
        for entry in entries:
            if entry.file_size > 1048576 and entry.file_size > MAX_RATIO * max(entry.compress_size, 1):
                raise ReadError(refused)
        for entry in entries:
            if _SHEET_PARTS.match(entry.filename):
                # Read through zipfile, which stops at the declared size and checks the CRC:
                # a part that unpacks to more than it declares is refused here.
                problem = _too_large(*_sheet_extent(archive.read(entry)))
                if problem:
                    raise ReadError(problem)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError, EOFError):
        raise ReadError(
            "无法读取 Excel 文件：文件已损坏或不是有效的 .xlsx 文件，请用 Excel 或 WPS 另存后重新上传。"
        ) from None


def _read_xlsx(data: bytes) -> list[Sheet]:
    """Through calamine (Rust): about ten times faster than openpyxl on a 10,000-row ledger,
    which was a third of an import's preview. Cells come out as openpyxl gave them: empty as
    None, whole numbers as int, dates as datetime, formulas as their last computed value."""
    from python_calamine import CalamineError, CalamineWorkbook, PasswordError

    check_xlsx_bounds(data)
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = []
        for name in workbook.sheet_names:
            rows = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
            sheets.append(Sheet(name, _trim([[_calamine_cell(value) for value in row] for row in rows])))
    except PasswordError:
        raise ReadError("无法读取 Excel 文件：文件设有打开密码，请取消密码后重新上传。") from None
    except (CalamineError, zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise ReadError(
            "无法读取 Excel 文件：文件已损坏或不是有效的 .xlsx 文件，请用 Excel 或 WPS 另存后重新上传。"
        ) from None
    return sheets


def _calamine_cell(value):
    if value == "":
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return datetime.datetime(value.year, value.month, value.day)
    return value


def _read_xls(data: bytes) -> list[Sheet]:
    import xlrd

    try:
        # Sheets loaded one at a time and rows not padded to the widest: a single cell at
        # IV65536 would otherwise make 16 million.
        book = xlrd.open_workbook(file_contents=data, on_demand=True, ragged_rows=True)
    except xlrd.XLRDError as error:
        raise ReadError(f"无法读取 .xls 文件：{error}") from None
    sheets = []
    for sheet_index in range(book.nsheets):
        sheet = book.sheet_by_index(sheet_index)
        problem = _too_large(sheet.nrows, sheet.ncols)
        if problem:
            raise ReadError(problem)
        rows = []
        for index in range(sheet.nrows):
            values = []
            for cell in sheet.row(index):
                if cell.ctype == xlrd.XL_CELL_DATE:
                    values.append(datetime.datetime(*xlrd.xldate_as_tuple(cell.value, book.datemode)))
                elif cell.ctype == xlrd.XL_CELL_EMPTY or cell.ctype == xlrd.XL_CELL_BLANK:
                    values.append(None)
                elif cell.ctype == xlrd.XL_CELL_NUMBER and float(cell.value).is_integer():
                    values.append(int(cell.value))
                else:
                    values.append(cell.value)
            rows.append(values)
        sheets.append(Sheet(sheet.name, _trim(rows)))
    return sheets


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM) first; WPS and Excel on Chinese Windows save GB18030/GBK."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ReadError("无法识别文件编码，请另存为 UTF-8 或 GBK 编码的 CSV。")


def _read_csv(data: bytes, filename: str) -> Sheet:
    text = decode_text(data)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    rows = []
    try:
        for row in csv.reader(io.StringIO(text), dialect):
            problem = _too_large(len(rows) + 1, len(row))
            if problem:
                raise ReadError(problem)
            rows.append([cell if cell != "" else None for cell in row])
    except csv.Error:  # a field beyond the csv module's limit, a stray NUL
        raise ReadError(
            "无法读取 CSV 文件：内容格式有误（例如单元格过长），请用 Excel 或 WPS 另存后重新上传。"
        ) from None
    return Sheet(filename or "CSV", _trim(rows))


def _trim(rows: list[list]) -> list[list]:
    """Drop trailing empty cells of each row (sheets often report phantom columns)."""
    trimmed = []
    for row in rows:
        end = len(row)
        while end and (row[end - 1] is None or (isinstance(row[end - 1], str) and not row[end - 1].strip())):
            end -= 1
        trimmed.append(list(row[:end]))
    while trimmed and not trimmed[-1]:
        trimmed.pop()
    return trimmed


# --- A parsed copy kept beside the upload ---------------------------------------------------
# Reading a 10,000-row .xlsx takes seconds; the preview pages and the commit read the same
# upload again. The cells are kept once as tagged JSON (never pickle: it is read back from
# storage) and used while the upload's checksum still matches.


def _encode(value):
    if isinstance(value, datetime.datetime):
        return {"dt": value.isoformat()}
    if isinstance(value, datetime.date):
        return {"d": value.isoformat()}
    if isinstance(value, datetime.time):
        return {"t": value.isoformat()}
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def _decode(value):
    if isinstance(value, dict):
        if "dt" in value:
            return datetime.datetime.fromisoformat(value["dt"])
        if "d" in value:
            return datetime.date.fromisoformat(value["d"])
        if "t" in value:
            return datetime.time.fromisoformat(value["t"])
    return value


def sheets_to_json(sheets: list[Sheet], sha256: str) -> bytes:
    payload = {
        "sha256": sha256,
        "sheets": [[sheet.name, [[_encode(v) for v in row] for row in sheet.rows]] for sheet in sheets],
    }
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def sheets_from_json(data: bytes, sha256: str) -> list[Sheet] | None:
    """The sheets, or None when the copy is unreadable or belongs to another upload."""
    try:
        payload = json.loads(data.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(payload, dict) or payload.get("sha256") != sha256:
        return None
    return [Sheet(name, [[_decode(v) for v in row] for row in rows]) for name, rows in payload["sheets"]]
