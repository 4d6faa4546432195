"""Cleaning validation: PDE, MACO by PDE / dose / ppm, the product-change matrix, swab and
rinse limits.
"""


# ruff: noqa: RUF001, RUF002, RUF003 - printed formulas use ×, −, – and µ on purpose

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import (
    ROUND_HALF_EVEN,
    Decimal,
)

from pharma.calculators.core import (
    MG_PER_KG,
    UG_PER_MG,
    Calculation,
    CalculationError,
    Number,
    Quantity,
    _at_least_one,
    _computed,
    _decimal_context,
    _format_decimal,
    _name,
    _percent,
    _positive,
    _q,
)

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
