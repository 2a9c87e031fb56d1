"""The limits every stored value keeps, whichever way it arrives: a form, an import, a
service called by a command.

Forms get Django's checks from the model fields; imports and bulk writes skip
``full_clean`` (it queries the database for every foreign key of every row), so they call
``field_limit_problems`` here instead, which reads the same limits off the model fields
without touching the database. The messages are what a clerk reads next to the row:
「第12行 协议总投资：金额过大（最多 99,999,999,999,999万元）」.
"""

import datetime
import re
from decimal import Decimal

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.utils import timezone

from zhaoshang.core.parsing import CONTROL_CHARACTERS

# A date a ledger may carry: nothing from before the People's Republic (a typo for 2019,
# or Excel's 1900 epoch), nothing more than 30 years ahead (an agreed date is a plan,
# 9999-12-31 is a placeholder). Past events (a follow-up, money that arrived) also refuse
# tomorrow; their services say so.
EARLIEST_DATE = datetime.date(1949, 10, 1)
YEARS_AHEAD = 30

_UNIT_IN_LABEL = re.compile(r"[（(]([^（）()]+)[）)]\s*$")


def latest_date(today: datetime.date | None = None) -> datetime.date:
    today = today or timezone.localdate()
    try:
        return today.replace(year=today.year + YEARS_AHEAD)
    except ValueError:  # 29 February
        return today.replace(year=today.year + YEARS_AHEAD, day=28)


def date_problem(value: datetime.date | None, *, past: bool = False, today: datetime.date | None = None) -> str | None:
    """Why ``value`` is not a plausible date, or None. ``past``: the date of something that
    has happened, so not after today."""
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        value = value.date()
    today = today or timezone.localdate()
    if past and value > today:
        return f"日期「{value:%Y-%m-%d}」晚于今天"
    latest = latest_date(today)
    if not EARLIEST_DATE <= value <= latest:
        return f"日期「{value:%Y-%m-%d}」不合理（应在 {EARLIEST_DATE:%Y-%m-%d} 至 {latest:%Y-%m-%d} 之间）"
    return None


def validate_plausible_date(value) -> None:
    """Form validator: the date rule above (forms of past events check "not after today"
    in their services)."""
    problem = date_problem(value)
    if problem:
        raise ValidationError(problem + "。", code="implausible_date")


def validate_no_control_characters(value) -> None:
    """Form validator: text with invisible control characters is refused, so what is
    stored is what the clerk sees (and every export can write it)."""
    if isinstance(value, str) and CONTROL_CHARACTERS.search(value):
        raise ValidationError("含有不可见的控制字符，请删除后重新输入。", code="control_characters")


# Larger than any value stored (amounts stop below 10^14 万元, ids and counts far below) and
# small enough for every database to compare with its integer and decimal columns.
LARGEST_NUMBER = 10**15


def validate_bounded_number(value) -> None:
    """Form validator for every number field, filters included."""
    if value is not None and abs(value) >= LARGEST_NUMBER:
        raise ValidationError("数值过大，请检查后重新输入。", code="number_too_large")


def _unit(field: models.Field) -> str:
    match = _UNIT_IN_LABEL.search(str(field.verbose_name))
    return match.group(1) if match else ""


def decimal_problem(value: Decimal | None, field: models.DecimalField) -> str | None:
    """Why ``value`` does not fit ``field`` (digits, decimal places, minimum), or None."""
    if value is None:
        return None
    value = Decimal(value)
    unit = _unit(field)
    what = "金额" if "元" in unit else "数值"
    if not value.is_finite():
        return f"无法识别的{what}「{value}」"
    integer_digits = field.max_digits - field.decimal_places
    largest = Decimal(10) ** integer_digits - 1
    if abs(value) >= largest + 1:
        return f"{what}过大（最多 {largest:,}{unit}）"
    if value != value.quantize(Decimal(1).scaleb(-field.decimal_places)):
        return f"{what}的小数位过多（最多 {field.decimal_places} 位）"
    for validator in field.validators:
        if getattr(validator, "code", "") == "min_value" and value < validator.limit_value:
            return f"{what}不能小于 {validator.limit_value}"
        if getattr(validator, "code", "") == "max_value" and value > validator.limit_value:
            return f"{what}不能大于 {validator.limit_value}"
    return None


def integer_problem(value: int | None, field: models.Field) -> str | None:
    if value is None:
        return None
    low, high = _integer_range(field)
    if not low <= value <= high:
        return f"数值超出范围（应在 {low} 至 {high} 之间）"
    return None


def _integer_range(field: models.Field) -> tuple[int, int]:
    if isinstance(field, models.PositiveSmallIntegerField):
        return 0, 32767
    if isinstance(field, models.SmallIntegerField):
        return -32768, 32767
    if isinstance(field, models.PositiveIntegerField):
        return 0, 2147483647
    if isinstance(field, models.BigIntegerField):
        return -(2**63), 2**63 - 1
    return -2147483648, 2147483647


def text_problem(value: str | None, field: models.Field) -> str | None:
    if not value:
        return None
    if CONTROL_CHARACTERS.search(value):
        return "含有不可见的控制字符"
    max_length = getattr(field, "max_length", None)
    if max_length and len(value) > max_length:
        return f"过长（最多 {max_length} 个字符，现有 {len(value)} 个）"
    return None


def field_problem(field: models.Field, value, *, past: bool = False) -> str | None:
    """Why ``value`` cannot be stored in ``field``, or None."""
    if isinstance(field, models.DecimalField):
        return decimal_problem(value, field)
    if isinstance(field, models.DateTimeField):
        return None  # set by the system, never typed
    if isinstance(field, models.DateField):
        return date_problem(value, past=past)
    if isinstance(field, models.IntegerField) and isinstance(value, int):
        return integer_problem(value, field)
    if isinstance(field, (models.CharField, models.TextField)) and isinstance(value, str):
        return text_problem(value, field)
    return None


def field_limit_problems(model: type[models.Model], values: dict, *, past: tuple[str, ...] = ()) -> dict[str, str]:
    """{field name: reason} for each value of ``values`` (field name → value) that the
    model's field cannot hold. Names that are not concrete fields are ignored."""
    problems: dict[str, str] = {}
    for name, value in values.items():
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:  # not the model's (the investor's name, a contact …)
            continue
        if not getattr(field, "concrete", False) or field.is_relation:
            continue
        problem = field_problem(field, value, past=name in past)
        if problem:
            problems[name] = problem
    return problems


def instance_limit_problems(instance: models.Model, *, past: tuple[str, ...] = ()) -> dict[str, str]:
    """``field_limit_problems`` over every editable concrete field of ``instance``."""
    values = {
        field.name: getattr(instance, field.attname)
        for field in instance._meta.concrete_fields
        if field.editable and not field.is_relation
    }
    return field_limit_problems(type(instance), values, past=past)
