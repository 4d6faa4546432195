"""Water systems: the three-phase sampling plan, pharmacopoeial limits and results against
them.
"""


# ruff: noqa: RUF001, RUF002, RUF003 - printed formulas use ×, −, – and µ on purpose

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from enum import StrEnum

from pharma.calculators.core import (
    CalculationError,
    Number,
    _decimal_context,
    _name,
    _non_negative,
    _number,
    _positive,
    _whole,
)

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
    NITRATE = "nitrate"


class WaterType(StrEnum):
    PW = "PW"
    WFI = "WFI"


def judged_as(grade: str) -> WaterType:
    """The limits a water grade is judged against: highly purified water (Ph. Eur. 1927)
    meets the same limits as WFI, so it is never judged as purified water."""
    return WaterType.WFI if str(grade).strip().upper() in ("WFI", "HPW") else WaterType.PW


class WaterStatus(StrEnum):
    WITHIN = "within"
    ALERT = "alert"
    ACTION = "action"


# Units each parameter may be reported in: (printed unit, factor to the parameter's base unit).
_WATER_UNITS: dict[WaterParameter, dict[str, tuple[str, Decimal]]] = {
    # 1 mg/L of carbon in water is 1,000 ppb (µg/L): Ph. Eur. states TOC in mg/L, USP in ppb.
    WaterParameter.TOC: {"ppb": ("ppb", Decimal(1)), "mg/l": ("mg/L", Decimal(1000))},
    WaterParameter.CONDUCTIVITY: {"µs/cm": ("µS/cm", Decimal(1))},
    WaterParameter.BIOBURDEN: {
        "cfu/ml": ("cfu/mL", Decimal(1)),
        "cfu/100ml": ("cfu/100 mL", Decimal("0.01")),
    },
    # Ph. Eur. states endotoxins in IU/mL, USP in EU/mL: the units are the same size.
    WaterParameter.ENDOTOXIN: {"eu/ml": ("EU/mL", Decimal(1)), "iu/ml": ("IU/mL", Decimal(1))},
    WaterParameter.NITRATE: {"ppm": ("ppm", Decimal(1))},
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


# The limits each pharmacopoeia sets, with the text each comes from. Checked against the
# texts in December 2026 (issue 16): the USP monographs Purified Water and Water for Injection
# (USP–NF; <643> TOC, <645> conductivity, <85> endotoxins) and the microbial action levels of
# general chapter <1231> (informational); Ph. Eur. monographs 0008 Purified water (section
# "Purified water in bulk"), 0169 Water for injections ("Water for injections in bulk") and
# 1927 Highly purified water (suppressed from Ph. Eur. 9.x, still quoted by older
# protocols; judged as WFI plus its nitrate test). Conductivity is not here: its limit
# depends on the temperature (tables below).
_USP_LIMITS: dict[WaterType, tuple[tuple[WaterParameter, str, str, str], ...]] = {
    WaterType.PW: (
        (WaterParameter.TOC, "ppb", "500", "USP <643> (Purified Water monograph)"),
        (WaterParameter.CONDUCTIVITY, "µS/cm", "1.3", "USP <645> stage 1, at 25 °C"),
        (WaterParameter.BIOBURDEN, "cfu/mL", "100", "USP <1231> action level"),
    ),
    WaterType.WFI: (
        (WaterParameter.TOC, "ppb", "500", "USP <643> (Water for Injection monograph)"),
        (WaterParameter.CONDUCTIVITY, "µS/cm", "1.3", "USP <645> stage 1, at 25 °C"),
        (WaterParameter.BIOBURDEN, "cfu/100 mL", "10", "USP <1231> action level"),
        (WaterParameter.ENDOTOXIN, "EU/mL", "0.25", "USP Water for Injection monograph, <85>"),
    ),
}
PH_EUR_LIMITS: dict[str, tuple[tuple[WaterParameter, str, str, str], ...]] = {
    "PW": (
        (WaterParameter.TOC, "mg/L", "0.5", "Ph. Eur. 0008 Purified water in bulk, TOC (2.2.44)"),
        (WaterParameter.NITRATE, "ppm", "0.2", "Ph. Eur. 0008 Purified water in bulk, nitrates"),
        (WaterParameter.BIOBURDEN, "cfu/mL", "100",
         "Ph. Eur. 0008 Purified water in bulk, microbiological monitoring action level"),
    ),
    "WFI": (
        (WaterParameter.TOC, "mg/L", "0.5", "Ph. Eur. 0169 Water for injections in bulk, TOC (2.2.44)"),
        (WaterParameter.BIOBURDEN, "cfu/100 mL", "10",
         "Ph. Eur. 0169 Water for injections in bulk, microbiological monitoring action level"),
        (WaterParameter.ENDOTOXIN, "IU/mL", "0.25",
         "Ph. Eur. 0169 Water for injections in bulk, bacterial endotoxins (2.6.14), less than"),
    ),
    "HPW": (
        (WaterParameter.TOC, "mg/L", "0.5", "Ph. Eur. 1927 Highly purified water, TOC (2.2.44)"),
        (WaterParameter.NITRATE, "ppm", "0.2", "Ph. Eur. 1927 Highly purified water, nitrates"),
        (WaterParameter.BIOBURDEN, "cfu/100 mL", "10",
         "Ph. Eur. 1927 Highly purified water, microbiological monitoring action level"),
        (WaterParameter.ENDOTOXIN, "IU/mL", "0.25",
         "Ph. Eur. 1927 Highly purified water, bacterial endotoxins (2.6.14), less than"),
    ),
}  # fmt: skip


def compendial_limits(grade: str, pharmacopoeia: str = "USP") -> dict[WaterParameter, WaterLimit]:
    """The action limits (conductivity aside) a grade of water meets under `pharmacopoeia`:
    USP for PW and WFI (HPW judged as WFI), or Ph. Eur. for PW, WFI and HPW."""
    grade = str(grade).strip().upper()
    if str(pharmacopoeia) == Pharmacopoeia.PH_EUR:
        rows = PH_EUR_LIMITS.get(grade)
        if rows is None:
            raise CalculationError("grade", f"unknown water grade {grade!r} (PW, WFI, HPW).")
    else:
        rows = _USP_LIMITS[judged_as(grade)]
    return {
        parameter: WaterLimit(parameter, unit, Decimal(action), None, source)
        for parameter, unit, action, source in rows
        if parameter != WaterParameter.CONDUCTIVITY
    }


def conductivity_table(grade: str, pharmacopoeia: str = "USP") -> dict:
    """The stage 1 (or single-stage) conductivity table a grade is judged by, as
    ``{"rows": [(°C, µS/cm)], "interpolate": bool, "source": str, "staged": bool}``."""
    if str(pharmacopoeia) == Pharmacopoeia.PH_EUR and judged_as(grade) == WaterType.PW:
        return {"rows": PH_EUR_PW_CONDUCTIVITY, "interpolate": True, "source": PH_EUR_PW,
                "staged": False}  # fmt: skip
    source = USP_645 if str(pharmacopoeia) != Pharmacopoeia.PH_EUR else PH_EUR_WFI
    return {"rows": USP_645_STAGE_1, "interpolate": False, "source": source, "staged": True}


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


# --- Conductivity against temperature ----------------------------------------------------

# USP <645> Water Conductivity, Bulk Water, Stage 1 (Table 1, "Stage 1 Temperature and
# Conductivity Requirements", non-temperature-compensated conductivity): µS/cm by water
# temperature in °C. The measured temperature is rounded down to the nearest 5 °C step (no
# interpolation). Checked row by row against the table as reproduced in the Hanna
# Instruments HI 4321 manual, "USP <645>" (0 °C 0.6 … 25 °C 1.3 … 100 °C 3.1). Ph. Eur.
# 0169 Water for injections (Table 0169.-1) and the former 1927 Highly purified water use
# the same values (the texts are harmonised): 1.1 µS/cm at 20 °C.
USP_645_STAGE_1: tuple[tuple[int, str], ...] = (
    (0, "0.6"), (5, "0.8"), (10, "0.9"), (15, "1.0"), (20, "1.1"), (25, "1.3"), (30, "1.4"),
    (35, "1.5"), (40, "1.7"), (45, "1.8"), (50, "1.9"), (55, "2.1"), (60, "2.2"), (65, "2.4"),
    (70, "2.5"), (75, "2.7"), (80, "2.7"), (85, "2.7"), (90, "2.7"), (95, "2.9"), (100, "3.1"),
)  # fmt: skip
# USP <645> Stage 2: the sample, stirred at 25 ± 1 °C until it has taken up the air's carbon
# dioxide, is not more than 2.1 µS/cm.
USP_645_STAGE_2_LIMIT = Decimal("2.1")
USP_645_STAGE_2_TEMPERATURE = (Decimal(24), Decimal(26))
# USP <645> Stage 3 (Table 2, "Stage 3 pH and Conductivity Requirements", for atmosphere- and
# temperature-equilibrated samples at 25 °C): the stage 2 conductivity against the limit for
# the pH (saturated KCl added, read to the nearest 0.1); a pH outside 5.0–7.0 fails. Checked
# against the stage 3 table as reproduced in the Hanna Instruments HI 5321 manual, p. 47.
USP_645_STAGE_3: tuple[tuple[str, str], ...] = (
    ("5.0", "4.7"), ("5.1", "4.1"), ("5.2", "3.6"), ("5.3", "3.3"), ("5.4", "3.0"),
    ("5.5", "2.8"), ("5.6", "2.6"), ("5.7", "2.5"), ("5.8", "2.4"), ("5.9", "2.4"),
    ("6.0", "2.4"), ("6.1", "2.4"), ("6.2", "2.5"), ("6.3", "2.4"), ("6.4", "2.3"),
    ("6.5", "2.2"), ("6.6", "2.1"), ("6.7", "2.6"), ("6.8", "3.1"), ("6.9", "3.8"),
    ("7.0", "4.6"),
)  # fmt: skip
# Ph. Eur. 0008 Purified water, "Purified water in bulk", conductivity (Table 0008.-2,
# "Temperature and conductivity requirements"): µS/cm by temperature in °C; for temperatures
# between the tabulated ones the monograph asks for linear interpolation. The 20 °C row
# (4.3 µS/cm) is confirmed by the purewater-hartmann.de summary of the Ph. Eur. water grades;
# the other rows are as in the monograph's table.
PH_EUR_PW_CONDUCTIVITY: tuple[tuple[int, str], ...] = (
    (0, "2.4"), (10, "3.6"), (20, "4.3"), (25, "5.1"), (30, "5.4"), (40, "6.5"), (50, "7.1"),
    (60, "8.1"), (70, "9.1"), (75, "9.7"), (80, "9.7"), (90, "9.7"), (100, "10.2"),
)  # fmt: skip
USP_645 = "USP <645> stage 1 table"
PH_EUR_PW = "Ph. Eur. 0008 Purified water, conductivity table"
PH_EUR_WFI = "Ph. Eur. 0169 Water for injections, conductivity stage 1 table"


class Pharmacopoeia(StrEnum):
    USP = "USP"
    PH_EUR = "Ph. Eur."


@dataclass(frozen=True)
class ConductivityCheck:
    """One conductivity result against the limit for its temperature. Under USP <645> (and
    Ph. Eur. WFI) a result over the stage 1 limit is not yet a failure: stages 2 and 3 decide."""

    value: Decimal
    temperature_c: Decimal
    limit: Decimal
    table_temperature: str  # "20 °C", or "20–25 °C (interpolated)"
    source: str
    staged: bool  # stage 1 of a three-stage test (USP <645>), else a plain limit

    @property
    def passed(self) -> bool:
        return self.value <= self.limit

    @property
    def verdict(self) -> str:
        if self.passed:
            return "stage 1 met" if self.staged else "within the limit"
        if self.staged:
            return "stage 1 not met: test stages 2 and 3 (USP <645>) before judging"
        return "above the limit"


@_decimal_context
def conductivity_check(
    *,
    conductivity_us_cm: Number,
    temperature_c: Number,
    water_type: WaterType | str = WaterType.PW,
    pharmacopoeia: Pharmacopoeia | str = Pharmacopoeia.USP,
) -> ConductivityCheck:
    """A conductivity result (µS/cm, not temperature-compensated) at `temperature_c` against
    the pharmacopoeia's limit for that temperature: the USP <645> stage 1 table (any water under
    USP, WFI under Ph. Eur.), or Ph. Eur.'s purified water table, interpolated."""
    value = _non_negative("conductivity_us_cm", conductivity_us_cm)
    temperature = _number("temperature_c", temperature_c)
    if not 0 <= temperature <= 100:
        raise CalculationError("temperature_c", f"must be 0 to 100 °C (got {temperature} °C).")
    kind = WaterType(str(water_type).strip().upper())
    book = Pharmacopoeia(str(pharmacopoeia))
    if book == Pharmacopoeia.PH_EUR and kind == WaterType.PW:
        table = [(Decimal(t), Decimal(v)) for t, v in PH_EUR_PW_CONDUCTIVITY]
        for (t0, v0), (t1, v1) in itertools.pairwise(table):
            if t0 <= temperature <= t1:
                limit = v0 + (v1 - v0) * (temperature - t0) / (t1 - t0)
                limit = limit.quantize(Decimal("0.1"), rounding=ROUND_DOWN)
                at = (
                    f"{t0}–{t1} °C (interpolated)"
                    if temperature not in (t0, t1)
                    else f"{temperature} °C"
                )
                return ConductivityCheck(value, temperature, limit, at, PH_EUR_PW, False)
    row = max((t, v) for t, v in USP_645_STAGE_1 if t <= temperature)
    return ConductivityCheck(value, temperature, Decimal(row[1]), f"{row[0]} °C", USP_645, True)


@dataclass(frozen=True)
class ConductivityStages:
    """USP <645> stages 2 and 3 for a sample that did not meet stage 1."""

    stage2_us_cm: Decimal
    ph: Decimal | None
    stage3_limit: Decimal | None
    verdict: str
    passed: bool


@_decimal_context
def conductivity_stages_2_3(
    *, conductivity_25c_us_cm: Number, temperature_c: Number = 25, ph: Number | None = None
) -> ConductivityStages:
    """Stage 2: at or below 2.1 µS/cm at 25 ± 1 °C meets <645>. Above it, stage 3 needs the
    pH: the stage 2 value against the Table 2 limit for the pH rounded to 0.1."""
    value = _non_negative("conductivity_25c_us_cm", conductivity_25c_us_cm)
    temperature = _number("temperature_c", temperature_c)
    low, high = USP_645_STAGE_2_TEMPERATURE
    if not low <= temperature <= high:
        raise CalculationError("temperature_c", "stage 2 is measured at 25 ± 1 °C.")
    if value <= USP_645_STAGE_2_LIMIT:
        return ConductivityStages(value, None, None, "stage 2 met (≤ 2.1 µS/cm)", True)
    if ph is None:
        return ConductivityStages(
            value, None, None, "stage 2 not met: measure the pH for stage 3", False
        )
    reading = _number("ph", ph).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    table = {Decimal(p): Decimal(v) for p, v in USP_645_STAGE_3}
    if reading not in table:
        return ConductivityStages(
            value, reading, None, f"pH {reading} is outside 5.0–7.0: does not meet <645>", False
        )
    limit = table[reading]
    passed = value <= limit
    verdict = (
        f"stage 3 {'met' if passed else 'not met'}: {value} µS/cm against {limit} µS/cm at "
        f"pH {reading}"
    )
    return ConductivityStages(value, reading, limit, verdict, passed)
