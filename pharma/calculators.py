"""Calculators for QA documents: cleaning validation, HVAC/cleanroom and water system.

Pure functions on `decimal.Decimal` (no Django, no floats in the arithmetic), so a document can
print every step: ``str(calc)`` gives
``MACO = PDE_prev × MBS_next / TDD_next = 0.5 mg/day × 120,000 mg / 500 mg/day = 120 mg``.

Conventions
-----------
* Numeric inputs accept ``int``, ``Decimal``, ``str`` (``"0.5"``) or ``float`` (converted through
  its shortest repr, so ``0.1`` is ``Decimal("0.1")``). ``bool``, NaN and infinities are refused.
* Bad input raises `CalculationError` (a `ValueError`) whose ``field`` is the keyword argument
  (or ``"products[2].batch_size_kg"``), so a form can attach the message to its field.
* Units are in the keyword names (``pde_prev_mg_per_day``, ``batch_size_kg``, ``swab_area_cm2``).
* Values the facts file could not verify (minimum pressure differential, alert levels, the
  50 kg body weight, safety factors, the ppm criterion) are parameters; the organisation
  defaults live in ``pharma/qa_settings.py``.

Result objects
--------------
`Quantity` — ``key`` (identifier), ``symbol`` (printed), ``value`` (full-precision Decimal),
``unit``, ``description``, ``derivation`` (for intermediates); ``display()`` / ``str()``.
Inputs print exactly as entered; computed values print with 4 significant figures (integer
digits are never rounded away); limits round *down* for display so a printed limit never
exceeds the computed one. Use ``.value`` for comparisons, never the printed text.

`Calculation` — ``key``, ``title``, ``formula`` ("MACO = PDE_prev × MBS_next / TDD_next"),
``substituted`` (the same with values and units), ``inputs``, ``intermediates``, ``result``,
``value``/``unit`` (of the result), ``reference``, ``notes``; ``quantity(key)`` looks any of
them up; ``str()`` is the one-line worked calculation; ``lines()`` adds the intermediates.

Cleaning validation
  `pde_from_noael` → Calculation (mg/day)
  `maco_health_based`, `maco_dose_based`, `maco_ppm` → Calculation (mg)
  `maco_governing` → `MacoSelection` (``criteria``, ``governing``, ``governing_key``)
  `maco_matrix` → `MacoMatrix` (``pairs`` of `MacoPair`, ``worst``, ``surface_limit``)
  `swab_limit` → Calculation (µg/swab), `rinse_limit` → Calculation (µg/mL; intermediate
  ``m_sample`` µg per sample when a sample volume is given)
HVAC / cleanroom (ISO 14644-1:2015)
  `air_changes_per_hour` → Calculation (1/h)
  `iso_class_limit` → `ParticleLimit` (``limit`` or None when not applicable, ``reason``)
  `iso_class_table` → Table 1 as ``{class: {size: ParticleLimit}}``
  `minimum_sampling_locations` → Calculation (NL, Table A.1)
  `cleanroom_counts_check` → `CountsCheck` (``locations``, ``worst``, ``passed``)
  `pressure_cascade_check` → `CascadeCheck` (``steps`` of `DifferentialCheck`, ``passed``)
Water system
  `water_sampling_plan` → `WaterSamplingPlan` (``phases`` of `SamplingPhase`, ``schedule()``)
  `usp_water_limits` → ``{WaterParameter: WaterLimit}``
  `assess_water_results` → `WaterAssessment` (``results``, ``summaries``, ``excursions``)
"""

# ruff: noqa: RUF001, RUF002, RUF003 - printed formulas use ×, −, – and µ on purpose

from __future__ import annotations

import functools
import math
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import (
    ROUND_CEILING,
    ROUND_DOWN,
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    Context,
    Decimal,
    DivisionByZero,
    InvalidOperation,
    Overflow,
    localcontext,
)
from enum import StrEnum
from typing import Any, TypeVar

Number = Decimal | int | str | float

__all__ = [
    "Calculation",
    "CalculationError",
    "CascadeCheck",
    "CascadeStep",
    "ClassifiedResult",
    "CountsCheck",
    "DifferentialCheck",
    "DifferentialStatus",
    "LocationCounts",
    "LocationResult",
    "MacoMatrix",
    "MacoPair",
    "MacoSelection",
    "ParticleLimit",
    "Product",
    "Quantity",
    "SamplingPhase",
    "WaterAssessment",
    "WaterLimit",
    "WaterParameter",
    "WaterResult",
    "WaterSamplingPlan",
    "WaterStatus",
    "WaterSummary",
    "WaterType",
    "air_changes_per_hour",
    "assess_water_results",
    "cleanroom_counts_check",
    "iso_class_limit",
    "iso_class_table",
    "maco_dose_based",
    "maco_governing",
    "maco_health_based",
    "maco_matrix",
    "maco_ppm",
    "minimum_sampling_locations",
    "pde_from_noael",
    "pressure_cascade_check",
    "rinse_limit",
    "swab_limit",
    "usp_water_limits",
    "water_sampling_plan",
]

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


# ---------------------------------------------------------------------------------------------
# Cleaning validation
# ---------------------------------------------------------------------------------------------

EMA_HBEL = "EMA/CHMP/CVMP/SWP/169430/2012 (HBEL guideline); ICH Q3C Appendix 3"
APIC_CLEANING = "APIC Guidance on Aspects of Cleaning Validation in API Plants (2021)"
LEGACY_CLEANING = (
    "FDA Guide to Inspections: Validation of Cleaning Processes (1993), as cited; "
    "EU GMP Annex 15 (2015) §10.6: legacy criteria alone are no longer sufficient"
)


@_decimal_context
def pde_from_noael(
    *,
    noael_mg_per_kg_day: Number,
    f1: Number,
    f2: Number,
    f3: Number,
    f4: Number,
    f5: Number,
    body_weight_kg: Number = 50,
) -> Calculation:
    """PDE = NOAEL × W / (F1 × F2 × F3 × F4 × F5), in mg/day.

    Pass a LOAEL as ``noael_mg_per_kg_day`` with F5 > 1 when no NOAEL is available. Every
    F-factor is an uncertainty factor and must be at least 1. ``body_weight_kg`` defaults to
    the 50 kg of ICH Q3C (UNVERIFIED in a primary text: the organisation may change it).
    """
    noael = _positive("noael_mg_per_kg_day", noael_mg_per_kg_day)
    weight = _positive("body_weight_kg", body_weight_kg)
    factors = [_at_least_one(f"f{i}", f) for i, f in enumerate((f1, f2, f3, f4, f5), start=1)]
    product = math.prod(factors, start=Decimal(1))
    return Calculation(
        key="pde",
        title="Permitted daily exposure (PDE)",
        expression="{noael} × {weight} / ({f1} × {f2} × {f3} × {f4} × {f5})",
        inputs=(
            _q("noael", "NOAEL", noael, "mg/kg/day", "No-observed-adverse-effect level"),
            _q("weight", "W", weight, "kg", "Body-weight adjustment"),
            _q("f1", "F1", factors[0], "", "Extrapolation between species"),
            _q("f2", "F2", factors[1], "", "Variability between individuals"),
            _q("f3", "F3", factors[2], "", "Short study duration"),
            _q("f4", "F4", factors[3], "", "Severe toxicity"),
            _q("f5", "F5", factors[4], "", "Only a LOAEL available"),
        ),
        intermediates=(
            _computed(
                "f_total", "F", product, "", "Product of the factors", "F1 × F2 × F3 × F4 × F5"
            ),
        ),
        result=_computed("pde", "PDE", noael * weight / product, "mg/day", limit=True),
        reference=EMA_HBEL,
    )


def _mbs(field: str, batch_size_kg: Number) -> tuple[Quantity, Quantity]:
    kg = _positive(field, batch_size_kg)
    return (
        _q("mbs_kg", "MBS_next", kg, "kg", "Minimum batch size of the next product"),
        _computed(
            "mbs",
            "MBS_next",
            kg * MG_PER_KG,
            "mg",
            "Minimum batch size in mg",
            "MBS_next (kg) × 1,000,000 mg/kg",
        ),
    )


@_decimal_context
def maco_health_based(
    *,
    pde_prev_mg_per_day: Number | Calculation,
    mbs_next_kg: Number,
    tdd_next_mg_per_day: Number,
    purge_factor: Number = 1,
    safety_factor: Number = 1,
) -> Calculation:
    """MACO = PDE_prev × MBS_next / TDD_next (mg), optionally × PF / SF (APIC).

    ``pde_prev_mg_per_day`` is the HBEL (PDE/ADE) of the previous product, or the `Calculation`
    from `pde_from_noael`; ``tdd_next_mg_per_day`` the maximum daily dose of the next product;
    ``purge_factor`` (≥ 1) and ``safety_factor`` (≥ 1) default to 1 and are printed only when set.
    """
    pde = _positive("pde_prev_mg_per_day", pde_prev_mg_per_day)
    mbs_kg, mbs = _mbs("mbs_next_kg", mbs_next_kg)
    tdd = _positive("tdd_next_mg_per_day", tdd_next_mg_per_day)
    pf = _at_least_one("purge_factor", purge_factor)
    sf = _at_least_one("safety_factor", safety_factor)
    inputs = [
        _q("pde", "PDE_prev", pde, "mg/day", "HBEL (PDE) of the previous product"),
        mbs_kg,
        _q("tdd", "TDD_next", tdd, "mg/day", "Maximum daily dose of the next product"),
    ]
    expression = "{pde} × {mbs} / {tdd}"
    if pf != 1 or sf != 1:
        inputs += [
            _q("pf", "PF", pf, "", "Purge factor"),
            _q("sf", "SF", sf, "", "Safety factor"),
        ]
        expression = "{pde} × {mbs} × {pf} / ({tdd} × {sf})"
    return Calculation(
        key="maco_health_based",
        title="MACO, health-based (PDE)",
        expression=expression,
        inputs=tuple(inputs),
        intermediates=(mbs,),
        result=_computed("maco", "MACO", pde * mbs.value * pf / (tdd * sf), "mg", limit=True),
        reference=f"{EMA_HBEL}; {APIC_CLEANING}",
    )


@_decimal_context
def maco_dose_based(
    *,
    min_daily_dose_prev_mg: Number,
    mbs_next_kg: Number,
    tdd_next_mg_per_day: Number,
    safety_factor: Number = 1000,
) -> Calculation:
    """MACO = TDD_prev × MBS_next / (SF × TDD_next) (mg), the legacy 1/1000-of-dose criterion.

    ``min_daily_dose_prev_mg`` is the minimum therapeutic daily dose of the previous product;
    ``safety_factor`` defaults to 1000 (organisation setting ``maco_dose_safety_factor``).
    """
    tdd_prev = _positive("min_daily_dose_prev_mg", min_daily_dose_prev_mg)
    mbs_kg, mbs = _mbs("mbs_next_kg", mbs_next_kg)
    tdd_next = _positive("tdd_next_mg_per_day", tdd_next_mg_per_day)
    sf = _at_least_one("safety_factor", safety_factor)
    return Calculation(
        key="maco_dose_based",
        title="MACO, 1/SF of the minimum therapeutic dose",
        expression="{tdd_prev} × {mbs} / ({sf} × {tdd_next})",
        inputs=(
            _q(
                "tdd_prev",
                "TDD_prev",
                tdd_prev,
                "mg/day",
                "Minimum therapeutic daily dose of the previous product",
            ),
            mbs_kg,
            _q(
                "tdd_next", "TDD_next", tdd_next, "mg/day", "Maximum daily dose of the next product"
            ),
            _q("sf", "SF", sf, "", "Safety factor"),
        ),
        intermediates=(mbs,),
        result=_computed("maco", "MACO", tdd_prev * mbs.value / (sf * tdd_next), "mg", limit=True),
        reference=LEGACY_CLEANING,
    )


@_decimal_context
def maco_ppm(*, mbs_next_kg: Number, ppm: Number = 10) -> Calculation:
    """MACO = C × MBS_next (mg), C = ``ppm`` mg per kg of the next batch (legacy 10 ppm)."""
    concentration = _positive("ppm", ppm)
    kg = _positive("mbs_next_kg", mbs_next_kg)
    return Calculation(
        key="maco_ppm",
        title=f"MACO, {_format_decimal(concentration, None, ROUND_HALF_EVEN)} ppm of the next batch",
        expression="{ppm} × {mbs_kg}",
        inputs=(
            _q("ppm", "C", concentration, "mg/kg", "Concentration criterion (ppm = mg/kg)"),
            _q("mbs_kg", "MBS_next", kg, "kg", "Minimum batch size of the next product"),
        ),
        result=_computed("maco", "MACO", concentration * kg, "mg", limit=True),
        reference=LEGACY_CLEANING,
    )


@dataclass(frozen=True)
class MacoSelection:
    """Every criterion that could be computed, and the lowest, which governs."""

    criteria: tuple[Calculation, ...]
    governing: Calculation
    notes: tuple[str, ...] = ()

    @property
    def governing_key(self) -> str:
        return self.governing.key

    @property
    def value(self) -> Decimal:
        return self.governing.value


@_decimal_context
def maco_governing(
    *,
    mbs_next_kg: Number,
    tdd_next_mg_per_day: Number,
    pde_prev_mg_per_day: Number | Calculation | None = None,
    min_daily_dose_prev_mg: Number | None = None,
    dose_safety_factor: Number = 1000,
    ppm: Number | None = 10,
    purge_factor: Number = 1,
    safety_factor: Number = 1,
) -> MacoSelection:
    """Compute the health-based, dose-based and ppm MACO where inputs allow; the lowest governs.

    A criterion is skipped when its input is None (``ppm=None`` skips the ppm criterion). On a
    tie the earlier criterion in that order is reported as governing. Raises when none applies.
    """
    criteria: list[Calculation] = []
    notes: list[str] = []
    if pde_prev_mg_per_day is not None:
        criteria.append(
            maco_health_based(
                pde_prev_mg_per_day=pde_prev_mg_per_day,
                mbs_next_kg=mbs_next_kg,
                tdd_next_mg_per_day=tdd_next_mg_per_day,
                purge_factor=purge_factor,
                safety_factor=safety_factor,
            )
        )
    else:
        notes.append(
            "No HBEL (PDE) given: EU GMP Annex 15 (2015) expects health-based limits; "
            "legacy criteria alone are not sufficient."
        )
    if min_daily_dose_prev_mg is not None:
        criteria.append(
            maco_dose_based(
                min_daily_dose_prev_mg=min_daily_dose_prev_mg,
                mbs_next_kg=mbs_next_kg,
                tdd_next_mg_per_day=tdd_next_mg_per_day,
                safety_factor=dose_safety_factor,
            )
        )
    if ppm is not None:
        criteria.append(maco_ppm(mbs_next_kg=mbs_next_kg, ppm=ppm))
    if not criteria:
        raise CalculationError(
            "pde_prev_mg_per_day", "give a PDE, a minimum daily dose or a ppm criterion."
        )
    governing = min(criteria, key=lambda c: c.value)  # min() keeps the first on a tie
    return MacoSelection(tuple(criteria), governing, tuple(notes))


@dataclass(frozen=True)
class Product:
    """A product made on the shared train, with the columns of the protocol's product table."""

    name: str
    batch_size_kg: Number  # minimum batch size (when it is the next product)
    max_daily_dose_mg: Number  # TDD when it is the next product
    pde_mg_per_day: Number | None = None  # HBEL when it is the previous product
    min_daily_dose_mg: Number | None = None  # minimum therapeutic dose when previous


@dataclass(frozen=True)
class MacoPair:
    previous: str
    next: str
    selection: MacoSelection

    @property
    def value(self) -> Decimal:
        return self.selection.value


@dataclass(frozen=True)
class MacoMatrix:
    """Every previous → next changeover; ``worst`` is the one with the lowest governing MACO."""

    pairs: tuple[MacoPair, ...]
    worst: MacoPair
    surface_limit: Calculation | None = None  # µg/cm² from the worst MACO and the shared area

    def pair(self, previous: str, next: str) -> MacoPair:
        for candidate in self.pairs:
            if (candidate.previous, candidate.next) == (previous, next):
                return candidate
        raise KeyError((previous, next))


@_decimal_context
def maco_matrix(
    products: Sequence[Product],
    *,
    shared_area_cm2: Number | None = None,
    dose_safety_factor: Number = 1000,
    ppm: Number | None = 10,
    purge_factor: Number = 1,
    safety_factor: Number = 1,
) -> MacoMatrix:
    """The governing MACO for every ordered pair of different products, and the worst case.

    With ``shared_area_cm2`` the worst case is also given per unit area (µg/cm²).
    """
    if len(products) < 2:
        raise CalculationError("products", "at least two products are needed for a changeover.")
    names = [_name(f"products[{i}].name", p.name) for i, p in enumerate(products)]
    if len(set(names)) != len(names):
        raise CalculationError("products", "product names must be unique.")
    pairs = []
    for i, previous in enumerate(products):
        for j, following in enumerate(products):
            if i == j:
                continue
            try:
                selection = maco_governing(
                    mbs_next_kg=following.batch_size_kg,
                    tdd_next_mg_per_day=following.max_daily_dose_mg,
                    pde_prev_mg_per_day=previous.pde_mg_per_day,
                    min_daily_dose_prev_mg=previous.min_daily_dose_mg,
                    dose_safety_factor=dose_safety_factor,
                    ppm=ppm,
                    purge_factor=purge_factor,
                    safety_factor=safety_factor,
                )
            except CalculationError as error:
                index = {
                    "mbs_next_kg": (j, "batch_size_kg"),
                    "tdd_next_mg_per_day": (j, "max_daily_dose_mg"),
                    "pde_prev_mg_per_day": (i, "pde_mg_per_day"),
                    "min_daily_dose_prev_mg": (i, "min_daily_dose_mg"),
                }.get(error.field)
                if index is None:
                    raise
                raise CalculationError(f"products[{index[0]}].{index[1]}", error.message) from None
            pairs.append(MacoPair(names[i], names[j], selection))
    worst = min(pairs, key=lambda p: p.value)
    surface = None
    if shared_area_cm2 is not None:
        area = _positive("shared_area_cm2", shared_area_cm2)
        maco = worst.selection.governing.result
        surface = Calculation(
            key="surface_limit",
            title="Limit per unit of shared surface (worst case)",
            expression="{maco} × 1,000 µg/mg / {area}",
            inputs=(maco, _q("area", "A_total", area, "cm²", "Total shared product-contact area")),
            result=_computed(
                "surface", "L_surface", maco.value * UG_PER_MG / area, "µg/cm²", limit=True
            ),
            notes=(f"Worst case: {worst.previous} followed by {worst.next}.",),
        )
    return MacoMatrix(tuple(pairs), worst, surface)


RECOVERY_NOTE = (
    "Recovery is applied to the limit: the limit is on the amount measured, uncorrected "
    "(measured = true amount × R). Do not also divide results by R. (Dividing the limit by R, "
    "as some secondary sources write it, would raise the limit and is not used.)"
)


@_decimal_context
def swab_limit(
    *,
    maco_mg: Number | Calculation,
    swab_area_cm2: Number,
    shared_area_cm2: Number,
    recovery_percent: Number | None = None,
) -> Calculation:
    """Limit per swab (µg) = MACO × A_swab / A_total [× R].

    Without ``recovery_percent`` the limit applies to recovery-corrected results; with it, to
    the measured (uncorrected) amount. ``maco_mg`` may be the governing `Calculation`.
    """
    maco = _positive("maco_mg", maco_mg)
    swab = _positive("swab_area_cm2", swab_area_cm2)
    total = _positive("shared_area_cm2", shared_area_cm2)
    if swab > total:
        raise CalculationError("swab_area_cm2", "cannot exceed the total shared area.")
    surface = maco * UG_PER_MG / total
    inputs = [
        _q("maco", "MACO", maco, "mg", "Maximum allowable carry-over"),
        _q("swab", "A_swab", swab, "cm²", "Area sampled by one swab"),
        _q("total", "A_total", total, "cm²", "Total shared product-contact area"),
    ]
    intermediates = [
        _computed(
            "surface",
            "L_surface",
            surface,
            "µg/cm²",
            "Limit per unit area",
            "MACO × 1,000 µg/mg / A_total",
            limit=True,
        ),
    ]
    expression = "{maco} × 1,000 µg/mg × {swab} / {total}"
    limit = surface * swab
    notes: tuple[str, ...] = ("Limit applies to recovery-corrected results.",)
    if recovery_percent is not None:
        recovery = _percent("recovery_percent", recovery_percent)
        inputs.append(_q("recovery", "R", recovery, "%", "Swab recovery"))
        intermediates.append(
            _computed(
                "corrected",
                "L_swab,corrected",
                limit,
                "µg/swab",
                "Limit on the recovery-corrected amount",
                "L_surface × A_swab",
                limit=True,
            )
        )
        expression += " × {recovery}"
        limit = limit * recovery / 100
        notes = (RECOVERY_NOTE,)
    return Calculation(
        key="swab_limit",
        title="Acceptance limit per swab",
        expression=expression,
        inputs=tuple(inputs),
        intermediates=tuple(intermediates),
        result=_computed("limit", "L_swab", limit, "µg/swab", limit=True),
        reference=APIC_CLEANING,
        notes=notes,
    )


@_decimal_context
def rinse_limit(
    *,
    maco_mg: Number | Calculation,
    rinse_volume_l: Number,
    sample_volume_ml: Number | None = None,
    recovery_percent: Number | None = None,
    rinsed_area_cm2: Number | None = None,
    shared_area_cm2: Number | None = None,
) -> Calculation:
    """Rinse concentration limit (µg/mL = mg/L) = MACO [× A_rinsed / A_total] / V_rinse [× R].

    ``rinse_volume_l`` is the total volume of the final rinse. When the rinse covers only part
    of the train give ``rinsed_area_cm2`` and ``shared_area_cm2`` (both or neither). With
    ``sample_volume_ml`` the intermediate ``m_sample`` is the amount allowed in one sample (µg).
    Recovery follows the swab convention (limit on the measured value).
    """
    maco = _positive("maco_mg", maco_mg)
    volume = _positive("rinse_volume_l", rinse_volume_l)
    inputs = [
        _q("maco", "MACO", maco, "mg", "Maximum allowable carry-over"),
        _q("volume", "V_rinse", volume, "L", "Total rinse volume"),
    ]
    intermediates: list[Quantity] = []
    expression = "{maco}"
    residue = maco
    if (rinsed_area_cm2 is None) != (shared_area_cm2 is None):
        missing = "shared_area_cm2" if shared_area_cm2 is None else "rinsed_area_cm2"
        raise CalculationError(
            missing, "give both the rinsed and the total shared area, or neither."
        )
    if rinsed_area_cm2 is not None:
        rinsed = _positive("rinsed_area_cm2", rinsed_area_cm2)
        total = _positive("shared_area_cm2", shared_area_cm2)
        if rinsed > total:
            raise CalculationError("rinsed_area_cm2", "cannot exceed the total shared area.")
        inputs += [
            _q("rinsed", "A_rinsed", rinsed, "cm²", "Area covered by the rinse"),
            _q("total", "A_total", total, "cm²", "Total shared product-contact area"),
        ]
        expression += " × {rinsed} / {total}"
        residue = maco * rinsed / total
    expression += " / {volume}"
    # mg/L and µg/mL are the same concentration.
    concentration = residue / volume
    notes: tuple[str, ...] = ("1 mg/L = 1 µg/mL.", "Limit applies to recovery-corrected results.")
    if recovery_percent is not None:
        recovery = _percent("recovery_percent", recovery_percent)
        inputs.append(_q("recovery", "R", recovery, "%", "Rinse recovery"))
        intermediates.append(
            _computed(
                "corrected",
                "C_rinse,corrected",
                concentration,
                "µg/mL",
                "Limit on the recovery-corrected concentration",
                "MACO / V_rinse"
                if rinsed_area_cm2 is None
                else "MACO × A_rinsed / A_total / V_rinse",
                limit=True,
            )
        )
        expression += " × {recovery}"
        concentration = concentration * recovery / 100
        notes = ("1 mg/L = 1 µg/mL.", RECOVERY_NOTE)
    if sample_volume_ml is not None:
        sample = _positive("sample_volume_ml", sample_volume_ml)
        inputs.append(_q("sample", "V_sample", sample, "mL", "Volume of one rinse sample"))
        intermediates.append(
            _computed(
                "m_sample",
                "m_sample",
                concentration * sample,
                "µg",
                "Amount allowed per sample",
                "C_rinse × V_sample",
                limit=True,
            )
        )
    return Calculation(
        key="rinse_limit",
        title="Acceptance limit for the rinse",
        expression=expression,
        inputs=tuple(inputs),
        intermediates=tuple(intermediates),
        result=_computed("limit", "C_rinse", concentration, "µg/mL", limit=True),
        reference=APIC_CLEANING,
        notes=notes,
    )


# ---------------------------------------------------------------------------------------------
# HVAC and cleanrooms
# ---------------------------------------------------------------------------------------------

ISO_14644_1 = "ISO 14644-1:2015"
_AIRFLOW_UNITS: dict[str, tuple[str, Decimal]] = {
    # unit key: (printed unit, m³/h per unit)
    "m3/h": ("m³/h", Decimal(1)),
    "m3/min": ("m³/min", Decimal(60)),
    "m3/s": ("m³/s", Decimal(3600)),
    "cfm": ("CFM", M3_PER_FT3 * 60),
}


@_decimal_context
def air_changes_per_hour(
    *, supply_airflow: Number, room_volume_m3: Number, airflow_unit: str = "m3/h"
) -> Calculation:
    """ACH = Q (m³/h) / V (m³). ``airflow_unit``: "m3/h", "m3/min", "m3/s" or "cfm"."""
    unit_key = str(airflow_unit).strip().lower().replace("³", "3")
    if unit_key not in _AIRFLOW_UNITS:
        raise CalculationError(
            "airflow_unit",
            f"unknown unit {airflow_unit!r}; use one of {', '.join(_AIRFLOW_UNITS)}.",
        )
    printed, factor = _AIRFLOW_UNITS[unit_key]
    flow = _positive("supply_airflow", supply_airflow)
    volume = _positive("room_volume_m3", room_volume_m3)
    inputs = (
        _q("flow", "Q", flow, printed, "Supply airflow"),
        _q("volume", "V", volume, "m³", "Room volume"),
    )
    intermediates: tuple[Quantity, ...] = ()
    expression = "{flow} / {volume}"
    if factor != 1:
        derivation = (
            "CFM × 0.028316846592 m³/ft³ × 60 min/h"
            if unit_key == "cfm"
            else f"Q × {factor} ({printed} → m³/h)"
        )
        intermediates = (
            _computed("flow_h", "Q", flow * factor, "m³/h", "Supply airflow in m³/h", derivation),
        )
        expression = "{flow_h} / {volume}"
    return Calculation(
        key="ach",
        title="Air changes per hour",
        expression=expression,
        inputs=inputs,
        intermediates=intermediates,
        result=_computed("ach", "ACH", flow * factor / volume, "h⁻¹"),
    )


TABLE_1_SIZES_UM: tuple[Decimal, ...] = tuple(
    Decimal(s) for s in ("0.1", "0.2", "0.3", "0.5", "1", "5")
)
_CN_EXPONENT = Decimal("2.08")
_FOOTNOTES = {
    "b": "Large air sample volumes for classification; sequential sampling may be applied (Annex D).",
    "c": "Not applicable: very high particle concentration in this region of the table.",
    "d": "Not applicable: sampling and statistical limitations for particles in low concentrations.",
    "e": "Not applicable: particles > 1 µm at low concentration may be lost in the sampling system.",
    "g": "ISO Class 9 applies to the in-operation state only.",
}


@dataclass(frozen=True)
class ParticleLimit:
    """Cn for one ISO class and particle size; ``limit`` is None where classification does not
    apply (the dashes of Table 1), with the ``reason``. ``calculation`` is always the formula."""

    iso_class: Decimal
    particle_size_um: Decimal
    calculation: Calculation
    applicable: bool
    reason: str = ""
    notes: tuple[str, ...] = ()

    @property
    def limit(self) -> int | None:
        return int(self.calculation.value) if self.applicable else None


def _iso_class(field: str, value: object) -> Decimal:
    number = _number(field, value)
    if not 1 <= number <= 9 or (number * 2) != (number * 2).to_integral_value():
        raise CalculationError(field, f"ISO class must be 1 to 9 in steps of 0.5 (got {number}).")
    return number


def _particle_size(field: str, value: object) -> Decimal:
    number = _number(field, value)
    if not Decimal("0.1") <= number <= 5:
        raise CalculationError(field, f"particle size must be 0.1 to 5 µm (got {number} µm).")
    return number


def _three_significant_whole(value: Decimal) -> Decimal:
    """Nearest whole number with no more than three significant figures (ISO 14644-1 §3.3)."""
    exponent = max(value.adjusted() - 2, 0)
    return value.quantize(Decimal(1).scaleb(exponent), rounding=ROUND_HALF_UP)


@_decimal_context
def iso_class_limit(iso_class: Number, particle_size_um: Number) -> ParticleLimit:
    """Cn = 10^N × (0.1 µm / D)^2.08 particles/m³, rounded as ISO 14644-1:2015 Table 1.

    Applicability follows Table 1's footnotes, generalised by concentration so intermediate
    classes and sizes are treated alike: c where D < 0.5 µm and Cn > 1,000,000; d where
    Cn < 10; e where D > 1 µm for ISO 5 and cleaner. On the tabulated cells this reproduces
    Table 1 exactly.
    """
    n = _iso_class("iso_class", iso_class)
    d = _particle_size("particle_size_um", particle_size_um)
    raw = Decimal(10) ** n * (Decimal("0.1") / d) ** _CN_EXPONENT
    cn = _three_significant_whole(raw)
    calculation = Calculation(
        key="iso_cn",
        title=f"ISO Class {_format_decimal(n, None, ROUND_HALF_EVEN)} limit at ≥{_format_decimal(d, None, ROUND_HALF_EVEN)} µm",
        expression="10^{n} × (0.1 µm / {d})^2.08",
        inputs=(_q("n", "N", n, "", "ISO class number"), _q("d", "D", d, "µm", "Particle size")),
        intermediates=(_computed("raw", "Cn (unrounded)", raw, "particles/m³", "Before rounding"),),
        result=Quantity("cn", "Cn", cn, "particles/m³", "Maximum concentration"),
        reference=f"{ISO_14644_1}, formula (1) and Table 1",
        notes=("Rounded to the nearest whole number, no more than three significant figures.",),
    )
    reason = ""
    if d < Decimal("0.5") and cn > 1_000_000:
        reason = _FOOTNOTES["c"]
    elif d > 1 and n <= 5:
        reason = _FOOTNOTES["e"]
    elif cn < 10:
        reason = _FOOTNOTES["d"]
    notes = []
    if not reason and cn < 100:
        notes.append(_FOOTNOTES["b"])
    if n > Decimal("8.5"):
        notes.append(_FOOTNOTES["g"])
    return ParticleLimit(n, d, calculation, not reason, reason, tuple(notes))


def iso_class_table(
    classes: Sequence[Number] = tuple(range(1, 10)),
    sizes_um: Sequence[Number] = TABLE_1_SIZES_UM,
) -> dict[Decimal, dict[Decimal, ParticleLimit]]:
    """ISO 14644-1:2015 Table 1 (or any classes and sizes) as ``{class: {size: ParticleLimit}}``."""
    table: dict[Decimal, dict[Decimal, ParticleLimit]] = {}
    for n in classes:
        row = {}
        for size in sizes_um:
            cell = iso_class_limit(n, size)
            row[cell.particle_size_um] = cell
        table[_iso_class("classes", n)] = row
    return table


# ISO 14644-1:2015 Annex A, Table A.1: (largest area in m², minimum number of locations NL).
TABLE_A1: tuple[tuple[int, int], ...] = (
    (2, 1), (4, 2), (6, 3), (8, 4), (10, 5), (24, 6), (28, 7), (32, 8), (36, 9), (52, 10),
    (56, 11), (64, 12), (68, 13), (72, 14), (76, 15), (104, 16), (108, 17), (116, 18),
    (148, 19), (156, 20), (192, 21), (232, 22), (276, 23), (352, 24), (436, 25), (636, 26),
    (1000, 27),
)  # fmt: skip


@_decimal_context
def minimum_sampling_locations(*, area_m2: Number) -> Calculation:
    """NL from ISO 14644-1:2015 Table A.1; above 1000 m², NL = 27 × A / 1000 rounded up."""
    area = _positive("area_m2", area_m2)
    reference = f"{ISO_14644_1}, Annex A, Table A.1"
    area_q = _q("area", "A", area, "m²", "Area of the cleanroom or clean zone")
    smaller = 0
    for largest, locations in TABLE_A1:
        if area <= largest:
            lower = f"{smaller} m² < " if smaller else ""
            return Calculation(
                key="sampling_locations",
                title="Minimum number of sampling locations",
                expression=f"Table A.1 ({lower}{{area}} ≤ {largest} m²)",
                inputs=(area_q,),
                result=Quantity("nl", "NL", Decimal(locations), "", "Minimum number of locations"),
                reference=reference,
            )
        smaller = largest
    nl = (27 * area / 1000).to_integral_value(rounding=ROUND_CEILING)
    return Calculation(
        key="sampling_locations",
        title="Minimum number of sampling locations",
        expression="⌈27 × {area} / 1,000 m²⌉",
        inputs=(area_q,),
        intermediates=(
            _computed("raw", "27 × A / 1000", 27 * area / 1000, "", "Before rounding up"),
        ),
        result=Quantity("nl", "NL", nl, "", "Minimum number of locations"),
        reference=reference,
    )


@dataclass(frozen=True)
class LocationCounts:
    """Particle concentrations (particles/m³, ≥ the size) of the samples at one location."""

    location: str
    particle_size_um: Number
    concentrations_per_m3: Sequence[Number]


@dataclass(frozen=True)
class LocationResult:
    location: str
    particle_size_um: Decimal
    samples: int
    average: Decimal
    limit: int
    passed: bool

    @property
    def ratio(self) -> Decimal:
        """Average as a fraction of the limit (worst location has the highest)."""
        return self.average / self.limit


@dataclass(frozen=True)
class CountsCheck:
    iso_class: Decimal
    locations: tuple[LocationResult, ...]
    worst: dict[Decimal, LocationResult]  # by particle size
    limits: dict[Decimal, ParticleLimit]
    minimum_locations: int | None = None
    notes: tuple[str, ...] = ()

    @property
    def enough_locations(self) -> bool | None:
        if self.minimum_locations is None:
            return None
        return len({r.location for r in self.locations}) >= self.minimum_locations

    @property
    def failures(self) -> tuple[LocationResult, ...]:
        return tuple(r for r in self.locations if not r.passed)

    @property
    def passed(self) -> bool:
        return not self.failures and self.enough_locations is not False


@_decimal_context
def cleanroom_counts_check(
    *,
    iso_class: Number,
    locations: Sequence[LocationCounts],
    area_m2: Number | None = None,
) -> CountsCheck:
    """Each location's average concentration must not exceed Cn (ISO 14644-1:2015 A.6).

    Give ``area_m2`` to also check the number of locations against Table A.1. A size for which
    the class is not applicable (e.g. 5 µm at ISO 5) raises `CalculationError`.
    """
    n = _iso_class("iso_class", iso_class)
    if not locations:
        raise CalculationError("locations", "at least one location is required.")
    limits: dict[Decimal, ParticleLimit] = {}
    results: list[LocationResult] = []
    seen: set[tuple[str, Decimal]] = set()
    for i, entry in enumerate(locations):
        name = _name(f"locations[{i}].location", entry.location)
        size = _particle_size(f"locations[{i}].particle_size_um", entry.particle_size_um)
        if (name, size) in seen:
            raise CalculationError(f"locations[{i}]", f"{name} at {size} µm is listed twice.")
        seen.add((name, size))
        if size not in limits:
            limits[size] = iso_class_limit(n, size)
        particle_limit = limits[size]
        if not particle_limit.applicable:
            raise CalculationError(
                f"locations[{i}].particle_size_um",
                f"ISO Class {n} cannot be classified at {size} µm. {particle_limit.reason}",
            )
        values = [
            _non_negative(f"locations[{i}].concentrations_per_m3[{k}]", v)
            for k, v in enumerate(entry.concentrations_per_m3)
        ]
        if not values:
            raise CalculationError(f"locations[{i}].concentrations_per_m3", "no samples given.")
        average = sum(values, Decimal(0)) / len(values)
        limit = particle_limit.limit
        assert limit is not None
        results.append(LocationResult(name, size, len(values), average, limit, average <= limit))
    worst: dict[Decimal, LocationResult] = {}
    for result in results:
        current = worst.get(result.particle_size_um)
        if current is None or result.average > current.average:
            worst[result.particle_size_um] = result
    minimum = None
    if area_m2 is not None:
        minimum = int(minimum_sampling_locations(area_m2=area_m2).value)
    return CountsCheck(n, tuple(results), worst, limits, minimum)


@dataclass(frozen=True)
class CascadeStep:
    """Air should flow from ``cleaner`` to ``less_clean``; ``minimum_pa`` overrides the default."""

    cleaner: str
    less_clean: str
    minimum_pa: Number | None = None


class DifferentialStatus(StrEnum):
    OK = "ok"
    BELOW_MINIMUM = "below_minimum"
    REVERSED = "reversed"  # the less clean room is at the higher pressure


@dataclass(frozen=True)
class DifferentialCheck:
    cleaner: str
    less_clean: str
    calculation: Calculation  # ΔP = P_cleaner − P_less_clean
    minimum_pa: Decimal
    status: DifferentialStatus

    @property
    def differential_pa(self) -> Decimal:
        return self.calculation.value

    @property
    def passed(self) -> bool:
        return self.status is DifferentialStatus.OK


@dataclass(frozen=True)
class CascadeCheck:
    steps: tuple[DifferentialCheck, ...]

    @property
    def passed(self) -> bool:
        return all(step.passed for step in self.steps)

    @property
    def reversals(self) -> tuple[DifferentialCheck, ...]:
        return tuple(s for s in self.steps if s.status is DifferentialStatus.REVERSED)

    @property
    def failures(self) -> tuple[DifferentialCheck, ...]:
        return tuple(s for s in self.steps if not s.passed)


@_decimal_context
def pressure_cascade_check(
    *,
    room_pressures_pa: Mapping[str, Number],
    cascade: Sequence[CascadeStep | tuple[str, str]],
    minimum_differential_pa: Number | None,
) -> CascadeCheck:
    """Check ΔP = P_cleaner − P_less_clean ≥ the minimum for each adjacent pair.

    Pressures are relative to any common reference (may be negative). There is no default
    minimum: the often-quoted 10–15 Pa is unverified, so pass the organisation's setting
    (``min_pressure_differential_pa``); a step's own ``minimum_pa`` overrides it. A negative
    ΔP is reported as ``reversed``; zero or too small as ``below_minimum``.
    """
    pressures = {
        _name("room_pressures_pa", room): _number(f"room_pressures_pa[{room!r}]", p)
        for room, p in room_pressures_pa.items()
    }
    if not cascade:
        raise CalculationError("cascade", "at least one pair of adjacent rooms is required.")
    default = None
    if minimum_differential_pa is not None:
        default = _positive("minimum_differential_pa", minimum_differential_pa)
    checks = []
    for i, raw in enumerate(cascade):
        step = raw if isinstance(raw, CascadeStep) else CascadeStep(*raw)
        step = CascadeStep(str(step.cleaner).strip(), str(step.less_clean).strip(), step.minimum_pa)
        for attribute in ("cleaner", "less_clean"):
            room = getattr(step, attribute)
            if room not in pressures:
                raise CalculationError(
                    f"cascade[{i}].{attribute}", f"no pressure given for room {room!r}."
                )
        if step.cleaner == step.less_clean:
            raise CalculationError(f"cascade[{i}]", "a room cannot be adjacent to itself.")
        if step.minimum_pa is not None:
            minimum = _positive(f"cascade[{i}].minimum_pa", step.minimum_pa)
        elif default is not None:
            minimum = default
        else:
            raise CalculationError(
                "minimum_differential_pa",
                "set the minimum pressure differential (Pa) for the organisation or this check.",
            )
        high, low = pressures[step.cleaner], pressures[step.less_clean]
        delta = high - low
        if delta < 0:
            status = DifferentialStatus.REVERSED
        elif delta < minimum:
            status = DifferentialStatus.BELOW_MINIMUM
        else:
            status = DifferentialStatus.OK
        calculation = Calculation(
            key="pressure_differential",
            title=f"Pressure differential {step.cleaner} → {step.less_clean}",
            expression="{high} − {low}",
            inputs=(
                _q("high", f"P({step.cleaner})", high, "Pa", "Pressure of the cleaner room"),
                _q("low", f"P({step.less_clean})", low, "Pa", "Pressure of the less clean room"),
                _q("minimum", "ΔP_min", minimum, "Pa", "Minimum differential"),
            ),
            result=Quantity("delta", "ΔP", delta, "Pa", "Differential"),
        )
        checks.append(
            DifferentialCheck(step.cleaner, step.less_clean, calculation, minimum, status)
        )
    return CascadeCheck(tuple(checks))


# ---------------------------------------------------------------------------------------------
# Water system
# ---------------------------------------------------------------------------------------------

WHO_WATER = "WHO GMP: water for pharmaceutical use (TRS 970 Annex 2), validation phases 1–3"


@dataclass(frozen=True)
class SamplingPhase:
    number: int
    start: date
    end: date  # inclusive
    frequency: str
    samples_per_point: dict[str, int]

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def total_samples(self) -> int:
        return sum(self.samples_per_point.values())


@dataclass(frozen=True)
class WaterSamplingPlan:
    """Three WHO phases with sample counts; ``schedule()`` lists every (date, phase, point)."""

    points_of_use: tuple[str, ...]
    system_points: tuple[str, ...]
    phases: tuple[SamplingPhase, ...]
    phase3_interval_days: dict[str, int] = field(repr=False)

    reference = WHO_WATER

    @property
    def total_samples(self) -> int:
        return sum(p.total_samples for p in self.phases)

    @property
    def end(self) -> date:
        return self.phases[-1].end

    def schedule(self) -> Iterator[tuple[date, int, str]]:
        yield from _schedule(self)


def _schedule(plan: WaterSamplingPlan) -> Iterator[tuple[date, int, str]]:
    points = (*plan.system_points, *plan.points_of_use)
    for phase in plan.phases:
        for offset in range(phase.days):
            day = phase.start + timedelta(days=offset)
            for index, point in enumerate(points):
                if phase.number < 3:
                    yield day, phase.number, point
                    continue
                # Phase 3 rotation: each point on its own day of the cycle, spreading the load.
                interval = plan.phase3_interval_days[point]
                if offset % interval == index % interval:
                    yield day, phase.number, point


def _one_year_later(start: date) -> date:
    try:
        return start.replace(year=start.year + 1)
    except ValueError:  # 29 February
        return start.replace(year=start.year + 1, day=28)


def _points(field: str, values: Sequence[str]) -> tuple[str, ...]:
    if isinstance(values, str):
        raise CalculationError(field, "give a list of point names, not one string.")
    names = tuple(_name(f"{field}[{i}]", v) for i, v in enumerate(values))
    if len(set(names)) != len(names):
        raise CalculationError(field, "point names must be unique.")
    return names


def water_sampling_plan(
    *,
    start: date,
    points_of_use: Sequence[str],
    system_points: Sequence[str] = (),
    phase1_weeks: int = 2,
    phase2_weeks: int = 2,
    phase3_interval_days: int = 7,
    phase3_system_interval_days: int | None = None,
) -> WaterSamplingPlan:
    """WHO three-phase PQ sampling plan from ``start`` (phase 1 day 1).

    Phases 1 and 2 (2–4 weeks each): every point sampled daily. Phase 3 (one year, ending the
    day before the anniversary of its start): each point of use once every
    ``phase3_interval_days`` in rotation, system points (feed water, after each purification
    step) every ``phase3_system_interval_days`` (default: the same interval).
    """
    if not isinstance(start, date):
        raise CalculationError("start", "a start date is required.")
    pou = _points("points_of_use", points_of_use)
    system = _points("system_points", system_points)
    if not pou:
        raise CalculationError("points_of_use", "at least one point of use is required.")
    if overlap := set(pou) & set(system):
        raise CalculationError(
            "system_points", f"also listed as points of use: {', '.join(sorted(overlap))}."
        )
    weeks1 = _whole("phase1_weeks", phase1_weeks, 2, 4)
    weeks2 = _whole("phase2_weeks", phase2_weeks, 2, 4)
    interval = _whole("phase3_interval_days", phase3_interval_days, 1, 365)
    system_interval = interval
    if phase3_system_interval_days is not None:
        system_interval = _whole("phase3_system_interval_days", phase3_system_interval_days, 1, 365)
    intervals = {p: interval for p in pou} | {p: system_interval for p in system}

    end1 = start + timedelta(weeks=weeks1) - timedelta(days=1)
    start2 = end1 + timedelta(days=1)
    end2 = start2 + timedelta(weeks=weeks2) - timedelta(days=1)
    start3 = end2 + timedelta(days=1)
    end3 = _one_year_later(start3) - timedelta(days=1)
    phase3_frequency = f"points of use every {interval} days in rotation"
    if system:
        phase3_frequency += f"; system points every {system_interval} days"
    skeleton = (
        SamplingPhase(1, start, end1, "daily at every point", {}),
        SamplingPhase(2, start2, end2, "daily at every point", {}),
        SamplingPhase(3, start3, end3, phase3_frequency, {}),
    )
    plan = WaterSamplingPlan(pou, system, skeleton, intervals)
    counts: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys((*system, *pou), 0))
    for _, phase, point in _schedule(plan):
        counts[phase][point] += 1
    phases = tuple(
        SamplingPhase(p.number, p.start, p.end, p.frequency, counts[p.number]) for p in skeleton
    )
    return WaterSamplingPlan(pou, system, phases, intervals)


class WaterParameter(StrEnum):
    TOC = "toc"
    CONDUCTIVITY = "conductivity"
    BIOBURDEN = "bioburden"
    ENDOTOXIN = "endotoxin"


class WaterType(StrEnum):
    PW = "PW"
    WFI = "WFI"


class WaterStatus(StrEnum):
    WITHIN = "within"
    ALERT = "alert"
    ACTION = "action"


# Units each parameter may be reported in: (printed unit, factor to the parameter's base unit).
_WATER_UNITS: dict[WaterParameter, dict[str, tuple[str, Decimal]]] = {
    WaterParameter.TOC: {"ppb": ("ppb", Decimal(1))},
    WaterParameter.CONDUCTIVITY: {"µs/cm": ("µS/cm", Decimal(1))},
    WaterParameter.BIOBURDEN: {
        "cfu/ml": ("cfu/mL", Decimal(1)),
        "cfu/100ml": ("cfu/100 mL", Decimal("0.01")),
    },
    WaterParameter.ENDOTOXIN: {"eu/ml": ("EU/mL", Decimal(1))},
}


def _water_unit(field: str, parameter: WaterParameter, unit: str) -> tuple[str, Decimal]:
    key = str(unit).replace(" ", "").replace("μ", "µ").lower()  # Greek mu → micro sign
    if key.startswith("us/"):
        key = "µ" + key[1:]
    known = _WATER_UNITS[parameter]
    if key not in known:
        allowed = ", ".join(u for u, _ in known.values())
        raise CalculationError(
            field, f"unit {unit!r} is not one for {parameter.value} ({allowed})."
        )
    return known[key]


def _water_parameter(field: str, value: object) -> WaterParameter:
    try:
        return WaterParameter(str(value).strip().lower())
    except ValueError:
        allowed = ", ".join(p.value for p in WaterParameter)
        raise CalculationError(field, f"unknown parameter {value!r} ({allowed}).") from None


@dataclass(frozen=True)
class WaterLimit:
    """Action limit (exceeding it needs action) and optional site alert level, in ``unit``."""

    parameter: WaterParameter
    unit: str
    action: Decimal
    alert: Decimal | None = None
    source: str = ""

    def __post_init__(self) -> None:
        parameter = _water_parameter("parameter", self.parameter)
        unit, _ = _water_unit("unit", parameter, self.unit)
        action = _positive(f"{parameter.value}.action", self.action)
        alert = None
        if self.alert is not None:
            alert = _positive(f"{parameter.value}.alert", self.alert)
            if alert >= action:
                raise CalculationError(
                    f"{parameter.value}.alert", f"must be below the action limit ({action} {unit})."
                )
        object.__setattr__(self, "parameter", parameter)
        object.__setattr__(self, "unit", unit)
        object.__setattr__(self, "action", action)
        object.__setattr__(self, "alert", alert)


_USP_LIMITS: dict[WaterType, tuple[tuple[WaterParameter, str, str, str], ...]] = {
    WaterType.PW: (
        (WaterParameter.TOC, "ppb", "500", "USP <643>"),
        (WaterParameter.CONDUCTIVITY, "µS/cm", "1.3", "USP <645> stage 1, at 25 °C"),
        (WaterParameter.BIOBURDEN, "cfu/mL", "100", "USP <1231> action level"),
    ),
    WaterType.WFI: (
        (WaterParameter.TOC, "ppb", "500", "USP <643>"),
        (WaterParameter.CONDUCTIVITY, "µS/cm", "1.3", "USP <645> stage 1, at 25 °C"),
        (WaterParameter.BIOBURDEN, "cfu/100 mL", "10", "USP <1231> action level"),
        (WaterParameter.ENDOTOXIN, "EU/mL", "0.25", "USP WFI monograph, <85>"),
    ),
}


def usp_water_limits(
    water_type: WaterType | str, *, alerts: Mapping[str, Number] | None = None
) -> dict[WaterParameter, WaterLimit]:
    """USP default limits for PW or WFI, with the site's alert levels (same units) if given.

    Conductivity 1.3 µS/cm is the stage 1 limit at 25 °C only; for other temperatures build a
    `WaterLimit` from the <645> table. Alert levels are site-set: none by default.
    """
    try:
        kind = WaterType(str(water_type).strip().upper())
    except ValueError:
        raise CalculationError(
            "water_type", f"unknown water type {water_type!r} (PW, WFI)."
        ) from None
    alerts = {_water_parameter("alerts", k).value: v for k, v in (alerts or {}).items()}
    limits = {}
    for parameter, unit, action, source in _USP_LIMITS[kind]:
        alert = alerts.pop(parameter.value, None)
        limits[parameter] = WaterLimit(parameter, unit, Decimal(action), alert, source)
    if alerts:
        raise CalculationError("alerts", f"no {kind} limit for {', '.join(map(str, alerts))}.")
    return limits


@dataclass(frozen=True)
class WaterResult:
    point: str
    sampled_on: date
    parameter: WaterParameter | str
    value: Number
    unit: str


@dataclass(frozen=True)
class ClassifiedResult:
    result: WaterResult
    limit: WaterLimit
    value: Decimal  # in the limit's unit
    status: WaterStatus


@dataclass(frozen=True)
class WaterSummary:
    point: str
    parameter: WaterParameter
    unit: str
    results: int
    alerts: int
    actions: int
    highest: Decimal
    excursion_dates: tuple[date, ...]

    @property
    def worst_status(self) -> WaterStatus:
        if self.actions:
            return WaterStatus.ACTION
        return WaterStatus.ALERT if self.alerts else WaterStatus.WITHIN


@dataclass(frozen=True)
class WaterAssessment:
    results: tuple[ClassifiedResult, ...]
    summaries: tuple[WaterSummary, ...]  # by point, then parameter

    @property
    def excursions(self) -> tuple[ClassifiedResult, ...]:
        return tuple(r for r in self.results if r.status is not WaterStatus.WITHIN)

    @property
    def within_limits(self) -> bool:
        return not any(r.status is WaterStatus.ACTION for r in self.results)


@_decimal_context
def assess_water_results(
    results: Sequence[WaterResult], limits: Mapping[WaterParameter | str, WaterLimit]
) -> WaterAssessment:
    """Classify each result: above the action limit → action; else above the alert → alert.

    Limits are "not more than", so a result equal to a limit is within it. Results may be in
    another unit of the same parameter (cfu/mL vs cfu/100 mL) and are converted to the limit's.
    """
    by_parameter = {_water_parameter("limits", k): v for k, v in limits.items()}
    if not all(isinstance(v, WaterLimit) for v in by_parameter.values()):
        raise CalculationError("limits", "each limit must be a WaterLimit.")
    classified = []
    for i, result in enumerate(results):
        parameter = _water_parameter(f"results[{i}].parameter", result.parameter)
        _name(f"results[{i}].point", result.point)
        if not isinstance(result.sampled_on, date):
            raise CalculationError(f"results[{i}].sampled_on", "a date is required.")
        limit = by_parameter.get(parameter)
        if limit is None:
            raise CalculationError("limits", f"no limit given for {parameter.value}.")
        value = _non_negative(f"results[{i}].value", result.value)
        _, factor = _water_unit(f"results[{i}].unit", parameter, result.unit)
        _, limit_factor = _water_unit("limits", parameter, limit.unit)
        in_limit_unit = value * factor / limit_factor
        if in_limit_unit > limit.action:
            status = WaterStatus.ACTION
        elif limit.alert is not None and in_limit_unit > limit.alert:
            status = WaterStatus.ALERT
        else:
            status = WaterStatus.WITHIN
        classified.append(ClassifiedResult(result, limit, in_limit_unit, status))
    groups: dict[tuple[str, WaterParameter], list[ClassifiedResult]] = defaultdict(list)
    for item in classified:
        groups[(item.result.point.strip(), item.limit.parameter)].append(item)
    summaries = []
    for (point, parameter), items in sorted(groups.items()):
        summaries.append(
            WaterSummary(
                point=point,
                parameter=parameter,
                unit=items[0].limit.unit,
                results=len(items),
                alerts=sum(i.status is WaterStatus.ALERT for i in items),
                actions=sum(i.status is WaterStatus.ACTION for i in items),
                highest=max(i.value for i in items),
                excursion_dates=tuple(
                    sorted(i.result.sampled_on for i in items if i.status is not WaterStatus.WITHIN)
                ),
            )
        )
    return WaterAssessment(tuple(classified), tuple(summaries))
