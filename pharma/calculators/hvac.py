"""HVAC and cleanrooms (ISO 14644-1:2015): air changes, class limits, sampling locations,
counts against a class, pressure cascade.
"""


# ruff: noqa: RUF001, RUF002, RUF003 - printed formulas use ×, −, – and µ on purpose

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import (
    ROUND_CEILING,
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    Decimal,
)
from enum import StrEnum

from pharma.calculators.core import (
    M3_PER_FT3,
    Calculation,
    CalculationError,
    Number,
    Quantity,
    _computed,
    _decimal_context,
    _format_decimal,
    _name,
    _non_negative,
    _number,
    _positive,
    _q,
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
