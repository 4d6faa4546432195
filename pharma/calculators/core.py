"""Shared machinery of the calculators: Decimal arithmetic context, input checks, `Quantity`,
`Calculation` and `CalculationError` (see the package docstring for the conventions).
"""


# ruff: noqa: RUF003 - printed formulas use ×, −, – and µ on purpose

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass
from decimal import (
    ROUND_DOWN,
    ROUND_HALF_EVEN,
    Context,
    Decimal,
    DivisionByZero,
    InvalidOperation,
    Overflow,
    localcontext,
)
from typing import Any, TypeVar

Number = Decimal | int | str | float


DISPLAY_SIGNIFICANT_FIGURES = 4
MG_PER_KG = Decimal(1_000_000)
UG_PER_MG = Decimal(1000)
# 1 ft = 0.3048 m exactly, so 1 ft³ = 0.028316846592 m³ and 1 CFM = 1.69901079552 m³/h.
M3_PER_FT3 = Decimal("0.028316846592")

_CONTEXT = Context(
    prec=34, rounding=ROUND_HALF_EVEN, traps=[InvalidOperation, DivisionByZero, Overflow]
)

_F = TypeVar("_F", bound=Callable[..., Any])


def _decimal_context(function: _F) -> _F:
    """Run with Lumen's own decimal context whatever the caller's thread has set."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with localcontext(_CONTEXT):
            return function(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


# ---------------------------------------------------------------------------------------------
# Errors, quantities and calculations
# ---------------------------------------------------------------------------------------------


class CalculationError(ValueError):
    """An input is missing or out of range; ``field`` names the keyword argument."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


def _format_decimal(value: Decimal, significant_figures: int | None, rounding: str) -> str:
    if significant_figures is not None and value:
        exponent = min(value.adjusted() - significant_figures + 1, 0)
        value = value.quantize(Decimal(1).scaleb(exponent), rounding=rounding)
    text = f"{value.normalize():,f}"
    return "0" if text == "-0" else text


@dataclass(frozen=True)
class Quantity:
    """One named value with its unit, as printed in a calculation."""

    key: str
    symbol: str
    value: Decimal
    unit: str = ""
    description: str = ""
    derivation: str = ""  # how an intermediate was obtained, e.g. "F1 × F2 × F3 × F4 × F5"
    exact: bool = True  # inputs print as entered; computed values are rounded for display
    rounding: str = ROUND_HALF_EVEN  # ROUND_DOWN for limits

    def display(self, significant_figures: int | None = None) -> str:
        """The value and unit as text, e.g. ``120,000 mg``."""
        figures = significant_figures
        if figures is None and not self.exact:
            figures = DISPLAY_SIGNIFICANT_FIGURES
        number = _format_decimal(self.value, figures, self.rounding)
        if not self.unit:
            return number
        return f"{number} {self.unit}"

    def __str__(self) -> str:
        return self.display()


@dataclass(frozen=True)
class Calculation:
    """A worked calculation: formula, inputs, intermediates and result.

    ``expression`` is the right-hand side with ``{key}`` placeholders; ``formula`` fills in the
    symbols and ``substituted`` the values, so the two can never disagree.
    """

    key: str
    title: str
    expression: str
    inputs: tuple[Quantity, ...]
    result: Quantity
    intermediates: tuple[Quantity, ...] = ()
    reference: str = ""
    notes: tuple[str, ...] = ()

    def _all(self) -> tuple[Quantity, ...]:
        return (*self.inputs, *self.intermediates, self.result)

    @property
    def value(self) -> Decimal:
        return self.result.value

    @property
    def unit(self) -> str:
        return self.result.unit

    @property
    def formula(self) -> str:
        symbols = {q.key: q.symbol for q in self._all()}
        return f"{self.result.symbol} = {self.expression.format(**symbols)}"

    @property
    def substituted(self) -> str:
        return self.expression.format(**{q.key: q.display() for q in self._all()})

    def quantity(self, key: str) -> Quantity:
        """The input, intermediate or result called ``key``."""
        for candidate in self._all():
            if candidate.key == key:
                return candidate
        raise KeyError(key)

    def lines(self) -> list[str]:
        """The calculation, then each intermediate with its derivation, for a document."""
        out = [str(self)]
        for q in self.intermediates:
            how = f" ({q.derivation})" if q.derivation else ""
            out.append(f"{q.symbol} = {q.display()}{how}")
        return out

    def __str__(self) -> str:
        return f"{self.formula} = {self.substituted} = {self.result.display()}"


# ---------------------------------------------------------------------------------------------
# Input checks
# ---------------------------------------------------------------------------------------------


def _number(field: str, value: object) -> Decimal:
    if isinstance(value, bool) or value is None:
        raise CalculationError(field, f"a number is required (got {value!r}).")
    from pharma.calculators.cleaning import MacoSelection  # a governing MACO passes as a value

    if isinstance(value, Calculation | MacoSelection):
        value = value.value
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(repr(value)) if math.isfinite(value) else Decimal("NaN")
    elif isinstance(value, str):
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            raise CalculationError(field, f"{value!r} is not a number.") from None
    else:
        raise CalculationError(field, f"a number is required (got {type(value).__name__}).")
    if not number.is_finite():
        raise CalculationError(field, "must be a finite number.")
    return number


def _positive(field: str, value: object) -> Decimal:
    number = _number(field, value)
    if number <= 0:
        raise CalculationError(field, f"must be greater than zero (got {number}).")
    return number


def _non_negative(field: str, value: object) -> Decimal:
    number = _number(field, value)
    if number < 0:
        raise CalculationError(field, f"must not be negative (got {number}).")
    return number


def _at_least_one(field: str, value: object) -> Decimal:
    number = _number(field, value)
    if number < 1:
        raise CalculationError(field, f"must be at least 1 (got {number}).")
    return number


def _percent(field: str, value: object) -> Decimal:
    number = _number(field, value)
    if not 0 < number <= 100:
        raise CalculationError(field, f"must be more than 0 % and at most 100 % (got {number} %).")
    return number


def _name(field: str, value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise CalculationError(field, "a non-empty name is required.")
    return value.strip()


def _whole(field: str, value: object, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        number = _number(field, value)
        if number != number.to_integral_value():
            raise CalculationError(field, f"must be a whole number (got {number}).")
        value = int(number)
    if not low <= value <= high:
        raise CalculationError(field, f"must be between {low} and {high} (got {value}).")
    return value


def _q(key: str, symbol: str, value: Decimal, unit: str = "", description: str = "") -> Quantity:
    return Quantity(key, symbol, value, unit, description)


def _computed(
    key: str,
    symbol: str,
    value: Decimal,
    unit: str = "",
    description: str = "",
    derivation: str = "",
    *,
    limit: bool = False,
) -> Quantity:
    rounding = ROUND_DOWN if limit else ROUND_HALF_EVEN
    return Quantity(key, symbol, value, unit, description, derivation, False, rounding)
