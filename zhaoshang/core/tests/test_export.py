"""Exported cells never run as formulas in Excel or WPS."""

import pytest

from zhaoshang.core.export import attachment_response, safe_cell


@pytest.mark.parametrize("text", ["=1+1", "+86", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_text_that_would_run_as_a_formula_is_escaped(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["项目", "1+1", 12, None, -5])
def test_other_values_are_left_alone(value):
    assert safe_cell(value) == value


def test_a_chinese_file_name_is_sent_per_rfc_5987():
    response = attachment_response(b"x", "台账.xlsx", "application/octet-stream")
    assert "filename*=UTF-8''%E5%8F%B0%E8%B4%A6.xlsx" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
