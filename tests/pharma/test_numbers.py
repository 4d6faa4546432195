"""Numbers typed in any locale are read one way or refused (finding 3: "0,012" was stored as
12 and "185.000" as 185)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pharma.numbers import NumberError, parse_number


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("12", "12"),
        ("12.25", "12.25"),
        ("0,5", "0.5"),
        ("0.012", "0.012"),  # a zero before the point cannot be a thousands group
        ("1.2345", "1.2345"),
        ("1,250,000", "1250000"),
        ("1.250.000", "1250000"),
        ("1.250,5", "1250.5"),
        ("1,250.5", "1250.5"),
        ("1 250 000", "1250000"),
        ("1\u202f250", "1250"),
        ("-3.5", "-3.5"),
        ("2.5e-3", "0.0025"),
    ],
)
def test_unambiguous_numbers_are_read_one_way(typed, value):
    assert parse_number(typed) == Decimal(value)


@pytest.mark.parametrize(
    ("typed", "advice"),
    [
        ("0,012", "Write 0.012 (a point marks decimals)."),
        ("185.000", "Write 185000 for thousands or 185 for the decimal."),
        ("1,234", "Write 1234 for thousands or 1.2340 for the decimal."),
    ],
)
def test_one_separator_and_three_digits_is_refused_with_advice(typed, advice):
    with pytest.raises(NumberError, match="is ambiguous") as refused:
        parse_number(typed)
    assert str(refused.value).endswith(advice)


@pytest.mark.parametrize("typed", ["", "abc", "1,2,3", "1.2.3,4,5", "1e999999", "nan", "inf"])
def test_what_is_not_a_number_is_refused(typed):
    with pytest.raises(NumberError):
        parse_number(typed)
