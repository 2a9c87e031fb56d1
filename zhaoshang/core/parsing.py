"""Parsing the values clerks type into ledgers: amounts, dates, codes, free text.

Pure functions, no database: the ledger import, the funds import and the forms all use
them, so "5亿元" means the same thing everywhere. Each parser raises ``ParseError`` with a
Chinese message that quotes what it could not read, e.g. 无法识别的日期「2024年13月5日」.
"""

import datetime
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

EXCEL_EPOCH = datetime.date(1899, 12, 30)  # Excel's day 0 (after its 1900 leap-year bug)
# Excel serial numbers from 1990 to 2100: anything else typed as a number is not a date.
EXCEL_SERIAL_RANGE = (32874, 73050)


class ParseError(ValueError):
    """A value that cannot be read; ``str(error)`` is the Chinese reason."""


# Full-width digits and Latin letters (and the ideographic space) to their ASCII forms.
# Chinese punctuation such as （一期） is left alone: it is part of a name as registered.
_FULL_WIDTH_ALNUM = {code: code - 0xFEE0 for code in range(0xFF10, 0xFF5B) if chr(code - 0xFEE0).isalnum()}
_FULL_WIDTH_ALNUM[0x3000] = 0x20
_WHITESPACE = re.compile(r"\s+")


# Control characters a clerk cannot see and Excel refuses to store (tab and line breaks
# are text), plus DEL and the C1 range that arrive with text pasted from old systems.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def strip_control_characters(text: str) -> str:
    return CONTROL_CHARACTERS.sub("", text)


def normalise_text(value) -> str:
    """Full-width digits and letters to half-width, line breaks and runs of spaces
    collapsed, control characters dropped, trimmed: clerks paste names with stray spaces
    and line breaks, ledgers saved from WPS carry full-width digits, and text copied out
    of old systems carries invisible control characters."""
    if value is None:
        return ""
    text = strip_control_characters(str(value).translate(_FULL_WIDTH_ALNUM))
    return _WHITESPACE.sub(" ", text).strip()


_BRACKETED = re.compile(r"[(（\[【][^)）\]】]*[)）\]】]")
_NOISE = re.compile(r"[\s:：*＊]")


def header_key(text) -> str:
    """How a header (or a unit, an industry) is compared: without spaces, line breaks and
    bracketed units. 总投资（亿元） → 总投资; ' 项目\\n名称 ' → 项目名称."""
    return _NOISE.sub("", _BRACKETED.sub("", normalise_text(text)))


def _normalise_number_text(value) -> str:
    # For numbers every full-width form goes: １．５ → 1.5, １２，５００ → 12,500.
    return unicodedata.normalize("NFKC", normalise_text(value))


def number_text(value) -> str:
    """A typed number as plain digits: full-width forms, thousands separators (1,200 and
    1，200) and spaces removed, the way the importer reads ledger cells."""
    return _normalise_number_text(value).replace(",", "").replace(" ", "")


# --- Amounts -------------------------------------------------------------------------------

UNIT_FACTORS_TO_WAN = {
    "亿元": Decimal(10000),
    "亿": Decimal(10000),
    "万元": Decimal(1),
    "万": Decimal(1),
    "元": Decimal("0.0001"),
}
_AMOUNT_PATTERN = re.compile(r"^([+-]?\d+(?:\.\d+)?)\s*(亿元|亿|万元|万|元)?$")
WAN_QUANTUM = Decimal("0.0001")  # money is stored in 万元 with 4 decimals (1 元)
# Amounts are stored with 18 digits, 4 of them decimals: below 10^14 万元 (100 万亿亿元).
MAX_WAN = Decimal(10) ** 14 - WAN_QUANTUM


def unit_from_header(header: str) -> str | None:
    """The money unit a column header names: 总投资（亿元） → 亿元."""
    text = normalise_text(header)
    for unit in ("亿元", "万元", "亿", "万"):
        if re.search(rf"[(（\[]\s*{unit}", text) or text.endswith(unit):
            return unit if unit.endswith("元") else unit + "元"
    return None


def parse_amount_wan(value, header_unit: str | None = "万元") -> Decimal | None:
    """An amount in 万元, exact. Blank → None.

    The unit written in the cell wins over the column's ("5000万元" in a 亿元 column is
    5000 万元); a bare number takes the column's unit. Floats from Excel are read through
    their shortest decimal form, so 8.025 stays 8.025 and never becomes 8.0249999.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise ParseError(f"无法识别的金额「{value}」")
    if isinstance(value, (int, float, Decimal)):
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        unit = header_unit or "万元"
    else:
        text = number_text(value)
        if not text:
            return None
        match = _AMOUNT_PATTERN.match(text)
        if not match:
            raise ParseError(f"无法识别的金额「{normalise_text(value)}」")
        try:
            number = Decimal(match.group(1))
        except InvalidOperation:
            raise ParseError(f"无法识别的金额「{normalise_text(value)}」") from None
        unit = match.group(2) or header_unit or "万元"
    if not number.is_finite():
        raise ParseError(f"无法识别的金额「{normalise_text(value)}」")
    if number < 0:
        raise ParseError(f"金额不能为负数「{normalise_text(value)}」")
    # Compared before any arithmetic: 1E+300 from a float cell overflows a quantize.
    if number * UNIT_FACTORS_TO_WAN[unit] > MAX_WAN:
        raise ParseError(f"金额过大（最多 {MAX_WAN.to_integral_value(rounding='ROUND_DOWN'):,}万元）")
    wan = number * UNIT_FACTORS_TO_WAN[unit]
    if wan != wan.quantize(WAN_QUANTUM):
        raise ParseError(f"金额精度超过 1 元「{normalise_text(value)}」")
    return wan.quantize(WAN_QUANTUM)


# --- Dates ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ParsedDate:
    """A date and how precisely the clerk knew it: "day", or "month" for 2024年3月
    (stored as the first of the month)."""

    date: datetime.date
    precision: str = "day"


_DATE_PATTERNS = [
    re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?$"),
    re.compile(r"^(\d{4})[./\-](\d{1,2})[./\-](\d{1,2})$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
]
_MONTH_PATTERNS = [
    re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月?$"),
    re.compile(r"^(\d{4})[./\-](\d{1,2})$"),
]


def parse_date(value) -> ParsedDate | None:
    """A date from what ledgers hold: real Excel dates, serial numbers typed as numbers,
    2024年3月8日, 2024.3.8, 2024/03/08, 2024-03-08, or a month (2024年3月, 2024.03).
    Blank → None; anything else → ParseError quoting the value."""
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return ParsedDate(value.date())
    if isinstance(value, datetime.date):
        return ParsedDate(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if float(value).is_integer() and EXCEL_SERIAL_RANGE[0] <= value <= EXCEL_SERIAL_RANGE[1]:
            return ParsedDate(EXCEL_EPOCH + datetime.timedelta(days=int(value)))
        raise ParseError(f"无法识别的日期「{value}」")
    text = _normalise_number_text(value)
    if not text:
        return None
    if text.isdigit() and len(text) == 5:
        return parse_date(int(text))
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            year, month, day = (int(part) for part in match.groups())
            try:
                return ParsedDate(datetime.date(year, month, day))
            except ValueError:
                raise ParseError(f"无法识别的日期「{text}」") from None
    for pattern in _MONTH_PATTERNS:
        match = pattern.match(text)
        if match:
            year, month = (int(part) for part in match.groups())
            if not 1 <= month <= 12:
                raise ParseError(f"无法识别的日期「{text}」")
            return ParsedDate(datetime.date(year, month, 1), precision="month")
    raise ParseError(f"无法识别的日期「{text}」")
