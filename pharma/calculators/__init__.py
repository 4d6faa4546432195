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
  `conductivity_check` → `ConductivityCheck` (stage 1 limit for the temperature, ``verdict``)
  `conductivity_stages_2_3` → `ConductivityStages` (USP <645> stages 2 and 3)
  `compendial_limits`, `conductivity_table` → a grade's limits under USP or Ph. Eur.
  `judged_as` → the `WaterType` whose limits a grade is judged by (HPW as WFI)
"""

# ruff: noqa: RUF002, RUF003 - printed formulas use ×, −, – and µ on purpose

from __future__ import annotations

from pharma.calculators.cleaning import (
    MacoMatrix,
    MacoPair,
    MacoSelection,
    Product,
    maco_dose_based,
    maco_governing,
    maco_health_based,
    maco_matrix,
    maco_ppm,
    pde_from_noael,
    rinse_limit,
    swab_limit,
)
from pharma.calculators.core import (
    Calculation,
    CalculationError,
    Number,
    Quantity,
)
from pharma.calculators.hvac import (
    CascadeCheck,
    CascadeStep,
    CountsCheck,
    DifferentialCheck,
    DifferentialStatus,
    LocationCounts,
    LocationResult,
    ParticleLimit,
    air_changes_per_hour,
    cleanroom_counts_check,
    iso_class_limit,
    iso_class_table,
    minimum_sampling_locations,
    pressure_cascade_check,
)
from pharma.calculators.water import (
    ClassifiedResult,
    ConductivityCheck,
    Pharmacopoeia,
    SamplingPhase,
    WaterAssessment,
    WaterLimit,
    WaterParameter,
    WaterResult,
    WaterSamplingPlan,
    WaterStatus,
    WaterSummary,
    WaterType,
    assess_water_results,
    compendial_limits,
    conductivity_check,
    conductivity_stages_2_3,
    conductivity_table,
    judged_as,
    usp_water_limits,
    water_sampling_plan,
)

__all__ = [
    "Calculation",
    "CalculationError",
    "CascadeCheck",
    "CascadeStep",
    "ClassifiedResult",
    "ConductivityCheck",
    "CountsCheck",
    "DifferentialCheck",
    "DifferentialStatus",
    "LocationCounts",
    "LocationResult",
    "MacoMatrix",
    "MacoPair",
    "MacoSelection",
    "Number",
    "ParticleLimit",
    "Pharmacopoeia",
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
    "compendial_limits",
    "conductivity_check",
    "conductivity_stages_2_3",
    "conductivity_table",
    "iso_class_limit",
    "iso_class_table",
    "judged_as",
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
