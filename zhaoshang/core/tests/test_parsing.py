"""Values as clerks type them into ledgers parse to exact amounts and dates."""

import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhaoshang.core.parsing import ParseError, normalise_text, parse_amount_wan, parse_date, unit_from_header
from zhaoshang.core.validators import uscc_check_character, uscc_problem


@pytest.mark.parametrize(
    ("value", "header_unit", "expected"),
    [
        ("10亿元", "亿元", "100000"),
        ("5000万元", "亿元", "5000"),  # the unit in the cell wins
        (" 12 ", "亿元", "120000"),
        ("１.５２５", "亿元", "15250"),  # full-width digits
        (2, "亿元", "20000"),
        (8.025, "亿元", "80250"),  # a float read through its shortest decimal form
        (0.325, "亿元", "3250"),
        ("1,250.5", "万元", "1250.5"),
        ("１２,５００", "万元", "12500"),
        ("5亿", None, "50000"),
        ("12500元", "万元", "1.25"),
    ],
)
def test_amounts_parse_to_exact_wan(value, header_unit, expected):
    assert parse_amount_wan(value, header_unit) == Decimal(expected)


@pytest.mark.parametrize("value", ["3-5亿", "约5亿", "五亿", "-3", "1.23456"])
def test_unreadable_amounts_are_refused_with_the_value_quoted(value):
    with pytest.raises(ParseError) as error:
        parse_amount_wan(value, "万元")
    assert "金额" in str(error.value)


def test_a_blank_amount_is_none():
    assert parse_amount_wan("  ", "亿元") is None
    assert parse_amount_wan(None, "亿元") is None


@pytest.mark.parametrize(
    ("header", "unit"),
    [("总投资（亿元）", "亿元"), ("计划投资（万元）", "万元"), ("投资额(万元)", "万元"), ("项目名称", None)],
)
def test_the_unit_is_read_from_the_header(header, unit):
    assert unit_from_header(header) == unit


@pytest.mark.parametrize(
    ("value", "expected", "precision"),
    [
        ("2024年3月8日", "2024-03-08", "day"),
        ("2024.3.8", "2024-03-08", "day"),
        ("2024/03/08", "2024-03-08", "day"),
        ("2024-03-08", "2024-03-08", "day"),
        (45364, "2024-03-13", "day"),  # an Excel serial typed as a number
        (datetime.datetime(2024, 4, 12), "2024-04-12", "day"),
        ("2024年3月", "2024-03-01", "month"),
        ("2024.03", "2024-03-01", "month"),
        ("2024年1月", "2024-01-01", "month"),
    ],
)
def test_dates_parse_as_ledgers_write_them(value, expected, precision):
    parsed = parse_date(value)
    assert parsed.date.isoformat() == expected
    assert parsed.precision == precision


@pytest.mark.parametrize("value", ["2024年13月5日", "2024.2.30", "明年", "2024.13", 12])
def test_impossible_dates_are_refused_with_the_value_quoted(value):
    with pytest.raises(ParseError) as error:
        parse_date(value)
    assert f"无法识别的日期「{value}」" == str(error.value)


def test_names_lose_stray_spaces_line_breaks_and_full_width_forms():
    assert normalise_text(" 安泰年产3亿片片式电容器项目\n") == "安泰年产3亿片片式电容器项目"
    assert normalise_text("智能终端项目（一期）") == "智能终端项目（一期）"  # as registered
    assert normalise_text("年产２０亿片") == "年产20亿片"


def test_credit_codes_from_the_sample_ledger_are_checked():
    assert uscc_problem("91330200M3W4DXD74E") is None
    assert uscc_problem("91320500922A6ULR50") == "校验位错误"
    assert uscc_problem("9133020") == "应为 18 位"
    assert uscc_problem("91330200M3W4DXD7IE") == "含有不允许的字符「I」"


@given(st.text(alphabet="0123456789ABCDEFGHJKLMNPQRTUWXY", min_size=17, max_size=17))
def test_a_code_with_its_computed_check_character_is_valid(first17):
    assert uscc_problem(first17 + uscc_check_character(first17)) is None
