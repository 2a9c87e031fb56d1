"""Amounts shown as entered: exact, no trailing zeros of the stored precision."""

from decimal import Decimal

import pytest

from zhaoshang.core.numbers import format_exact


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("123456.5000"), "123456.5"),
        (Decimal("50000.0000"), "50000"),
        (Decimal("0.0001"), "0.0001"),
        (Decimal("0E-4"), "0"),
        (Decimal("1.2E+6"), "1200000"),  # never an exponent
        (12, "12"),
        ("444.440", "444.44"),
        (None, ""),
        ("", ""),
        ("待定", "待定"),  # a cell typed as text is shown as it is, never a server error
    ],
)
def test_amounts_are_shown_as_entered(value, shown):
    assert format_exact(value) == shown
