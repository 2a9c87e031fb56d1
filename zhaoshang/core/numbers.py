"""Rounding for display only: half-up, as statistics bulletins round.

Values are computed in Decimal at full precision; these helpers are the last step before
a number is shown or written to a bulletin.
"""

from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation

TEN_THOUSAND = Decimal(10000)
# Wide enough for any finite double: a stored amount beyond what the forms allow (written
# before imports were bounded) is still shown, not a 500 for everyone who lists it.
WIDE = Context(prec=400, rounding=ROUND_HALF_UP)


def round_half_up(value: Decimal, places: int) -> Decimal:
    value = Decimal(value)
    if not value.is_finite():
        return value
    return value.quantize(Decimal(1).scaleb(-places), context=WIDE)


def wan_to_yi(value_wan: Decimal | None) -> Decimal | None:
    """万元 → 亿元, rounded to two decimals."""
    if value_wan is None:
        return None
    return round_half_up(WIDE.divide(Decimal(value_wan), TEN_THOUSAND), 2)


def percent(ratio: Decimal | None, places: int = 1) -> Decimal | None:
    """A ratio (0.661) as a rounded percentage (66.1)."""
    if ratio is None:
        return None
    return round_half_up(WIDE.multiply(Decimal(ratio), 100), places)


def format_percent(ratio: Decimal | None) -> str:
    """66.1% — or "—" where the ratio is undefined (no target, last year zero)."""
    value = percent(ratio)
    return "—" if value is None else f"{value}%"


def format_points(ratio: Decimal | None) -> str:
    """A gap in percentage points: 超7.8个百分点 / 欠3.2个百分点."""
    value = percent(ratio)
    if value is None:
        return "—"
    if value >= 0:
        return f"超{value}个百分点"
    return f"欠{-value}个百分点"


def format_exact(value) -> str:
    """An exact amount as a clerk writes it: 123456.5, 12, 1381000 (no trailing zeros, no
    exponent); nothing → "". Amounts are stored to 4 decimals (万元 to the 元), and
    "123456.5000" read as a precision nobody entered."""
    if value in (None, ""):
        return ""
    try:
        value = Decimal(str(value))
    except InvalidOperation:  # not a number (a cell as typed): shown as it is
        return str(value)
    if not value.is_finite():
        return str(value)
    if value == value.to_integral_value():
        return f"{value.to_integral_value():f}"
    return f"{value.normalize():f}"


# --- Exact sums in SQL -------------------------------------------------------------------------
# SQLite stores NUMERIC as floating point: an amount is turned into integer 元 inside the
# query, so no total ever meets a float. funds and stats both sum money this way.

YUAN_PER_WAN = 10000


def as_yuan(expression):
    """万元 (4 decimals) → integer 元, exactly, on SQLite and PostgreSQL alike."""
    from django.db.models import BigIntegerField, DecimalField, Value
    from django.db.models.functions import Cast, Round

    scaled = Round(expression * Value(YUAN_PER_WAN), 0, output_field=DecimalField(max_digits=24, decimal_places=0))
    return Cast(scaled, BigIntegerField())
