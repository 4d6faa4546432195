# ruff: noqa: RUF001, RUF003 - the printed formulas use × and µ
"""Cleaning validation calculators against worked examples done by hand."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pharma.calculators import (
    CalculationError,
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

# --- PDE -------------------------------------------------------------------------------------


def test_pde_from_a_noael_with_the_default_50_kg():
    # 10 mg/kg/day × 50 kg / (5 × 10 × 1 × 1 × 1) = 500 / 50 = 10 mg/day
    pde = pde_from_noael(noael_mg_per_kg_day=10, f1=5, f2=10, f3=1, f4=1, f5=1)
    assert pde.value == Decimal(10)
    assert pde.unit == "mg/day"
    assert pde.quantity("f_total").value == 50
    assert str(pde) == (
        "PDE = NOAEL × W / (F1 × F2 × F3 × F4 × F5) = "
        "10 mg/kg/day × 50 kg / (5 × 10 × 1 × 1 × 1) = 10 mg/day"
    )


def test_pde_from_a_loael_with_every_factor_and_another_body_weight():
    # 2 mg/kg/day × 60 kg / (12 × 10 × 2 × 1 × 10) = 120 / 2400 = 0.05 mg/day
    pde = pde_from_noael(
        noael_mg_per_kg_day="2", body_weight_kg=60, f1=12, f2=10, f3=2, f4=1, f5=10
    )
    assert pde.value == Decimal("0.05")
    assert pde.quantity("weight").display() == "60 kg"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"noael_mg_per_kg_day": 0}, "noael_mg_per_kg_day"),
        ({"noael_mg_per_kg_day": -1}, "noael_mg_per_kg_day"),
        ({"noael_mg_per_kg_day": "ten"}, "noael_mg_per_kg_day"),
        ({"noael_mg_per_kg_day": float("nan")}, "noael_mg_per_kg_day"),
        ({"noael_mg_per_kg_day": True}, "noael_mg_per_kg_day"),
        ({"body_weight_kg": 0}, "body_weight_kg"),
        ({"f3": Decimal("0.5")}, "f3"),
        ({"f1": None}, "f1"),
    ],
)
def test_pde_refuses_bad_inputs_naming_the_field(kwargs, field):
    arguments = {"noael_mg_per_kg_day": 10, "f1": 5, "f2": 10, "f3": 1, "f4": 1, "f5": 1}
    with pytest.raises(CalculationError) as caught:
        pde_from_noael(**(arguments | kwargs))
    assert caught.value.field == field
    assert str(caught.value).startswith(f"{field}: ")
    assert isinstance(caught.value, ValueError)


# --- MACO criteria ---------------------------------------------------------------------------


def test_health_based_maco_prints_every_step():
    # 0.5 mg/day × 0.12 kg (= 120,000 mg) / 500 mg/day = 120 mg
    maco = maco_health_based(pde_prev_mg_per_day="0.5", mbs_next_kg="0.12", tdd_next_mg_per_day=500)
    assert maco.value == 120
    assert str(maco) == (
        "MACO = PDE_prev × MBS_next / TDD_next = 0.5 mg/day × 120,000 mg / 500 mg/day = 120 mg"
    )
    assert [q.display() for q in maco.inputs] == ["0.5 mg/day", "0.12 kg", "500 mg/day"]
    assert maco.lines()[1] == "MBS_next = 120,000 mg (MBS_next (kg) × 1,000,000 mg/kg)"


def test_health_based_maco_takes_the_pde_calculation_itself():
    pde = pde_from_noael(noael_mg_per_kg_day=10, f1=5, f2=10, f3=1, f4=1, f5=1)
    # 10 mg/day × 100,000,000 mg / 250 mg/day = 4,000,000 mg
    maco = maco_health_based(pde_prev_mg_per_day=pde, mbs_next_kg=100, tdd_next_mg_per_day=250)
    assert maco.value == 4_000_000


def test_health_based_maco_with_apic_purge_and_safety_factors():
    # 0.5 × 120,000 × 10 / (500 × 100) = 600,000 / 50,000 = 12 mg
    maco = maco_health_based(
        pde_prev_mg_per_day="0.5",
        mbs_next_kg="0.12",
        tdd_next_mg_per_day=500,
        purge_factor=10,
        safety_factor=100,
    )
    assert maco.value == 12
    assert maco.formula == "MACO = PDE_prev × MBS_next × PF / (TDD_next × SF)"


def test_dose_based_maco_with_the_default_safety_factor_of_1000():
    # 10 mg/day × 100,000,000 mg / (1000 × 500 mg/day) = 1e9 / 5e5 = 2,000 mg
    maco = maco_dose_based(min_daily_dose_prev_mg=10, mbs_next_kg=100, tdd_next_mg_per_day=500)
    assert maco.value == 2000
    assert str(maco).endswith("= 10 mg/day × 100,000,000 mg / (1,000 × 500 mg/day) = 2,000 mg")


def test_ppm_maco_is_that_many_mg_per_kg_of_the_next_batch():
    # 10 mg/kg × 100 kg = 1,000 mg; 5 mg/kg × 100 kg = 500 mg
    assert str(maco_ppm(mbs_next_kg=100)) == "MACO = C × MBS_next = 10 mg/kg × 100 kg = 1,000 mg"
    assert maco_ppm(mbs_next_kg=100, ppm=5).value == 500


def test_limits_are_rounded_down_for_display_only():
    # 1 mg/day × 1,000,000 mg / 3 mg/day = 333,333.33… mg: integer digits kept, never rounded up
    maco = maco_health_based(pde_prev_mg_per_day=1, mbs_next_kg=1, tdd_next_mg_per_day=3)
    assert maco.result.display() == "333,333 mg"
    # 0.2 mg/day × 1,000,000 mg / 3,000,000 mg/day = 0.0666… mg → 4 significant figures, down
    small = maco_health_based(
        pde_prev_mg_per_day="0.2", mbs_next_kg=1, tdd_next_mg_per_day=3_000_000
    )
    assert small.result.display() == "0.06666 mg"
    assert small.value > Decimal("0.06666")


def test_maco_refuses_zero_and_negative_inputs():
    with pytest.raises(CalculationError, match="mbs_next_kg: must be greater than zero"):
        maco_health_based(pde_prev_mg_per_day=1, mbs_next_kg=0, tdd_next_mg_per_day=1)
    with pytest.raises(CalculationError) as caught:
        maco_dose_based(min_daily_dose_prev_mg=1, mbs_next_kg=1, tdd_next_mg_per_day=-5)
    assert caught.value.field == "tdd_next_mg_per_day"
    with pytest.raises(CalculationError) as caught:
        maco_dose_based(
            min_daily_dose_prev_mg=1, mbs_next_kg=1, tdd_next_mg_per_day=1, safety_factor=0
        )
    assert caught.value.field == "safety_factor"


# --- Governing MACO --------------------------------------------------------------------------


def test_the_lowest_criterion_governs_and_all_are_reported():
    # health 0.05 × 1e8 / 500 = 10,000 mg; dose 10 × 1e8 / (1000 × 500) = 2,000 mg;
    # 10 ppm × 100 kg = 1,000 mg → the ppm criterion governs
    selection = maco_governing(
        mbs_next_kg=100,
        tdd_next_mg_per_day=500,
        pde_prev_mg_per_day="0.05",
        min_daily_dose_prev_mg=10,
    )
    assert [(c.key, c.value) for c in selection.criteria] == [
        ("maco_health_based", 10_000),
        ("maco_dose_based", 2_000),
        ("maco_ppm", 1_000),
    ]
    assert selection.governing_key == "maco_ppm"
    assert selection.value == 1000
    assert selection.notes == ()


def test_a_potent_previous_product_makes_the_health_based_limit_govern():
    # 0.001 mg/day × 1e8 mg / 500 mg/day = 200 mg < 1,000 mg (ppm) < 2,000 mg (dose)
    selection = maco_governing(
        mbs_next_kg=100,
        tdd_next_mg_per_day=500,
        pde_prev_mg_per_day="0.001",
        min_daily_dose_prev_mg=10,
    )
    assert selection.governing_key == "maco_health_based"
    assert selection.value == 200


def test_on_a_tie_the_health_based_limit_is_reported_as_governing():
    # 0.005 × 1e8 / 500 = 1,000 mg = 10 ppm × 100 kg
    selection = maco_governing(
        mbs_next_kg=100, tdd_next_mg_per_day=500, pde_prev_mg_per_day="0.005"
    )
    assert [c.value for c in selection.criteria] == [1000, 1000]
    assert selection.governing_key == "maco_health_based"


def test_without_a_pde_the_selection_notes_annex_15():
    selection = maco_governing(mbs_next_kg=100, tdd_next_mg_per_day=500, min_daily_dose_prev_mg=10)
    assert [c.key for c in selection.criteria] == ["maco_dose_based", "maco_ppm"]
    assert "Annex 15" in selection.notes[0]


def test_the_organisation_can_set_the_dose_safety_factor_and_drop_the_ppm_criterion():
    # 10 × 1e8 / (100 × 500) = 20,000 mg
    selection = maco_governing(
        mbs_next_kg=100,
        tdd_next_mg_per_day=500,
        min_daily_dose_prev_mg=10,
        dose_safety_factor=100,
        ppm=None,
    )
    assert [c.key for c in selection.criteria] == ["maco_dose_based"]
    assert selection.value == 20_000


def test_no_criterion_at_all_is_an_error():
    with pytest.raises(CalculationError) as caught:
        maco_governing(mbs_next_kg=100, tdd_next_mg_per_day=500, ppm=None)
    assert caught.value.field == "pde_prev_mg_per_day"


positive = st.decimals(min_value=Decimal("0.001"), max_value=Decimal(100_000), places=3)


@given(mbs=positive, tdd=positive, pde=positive, dose=positive, ppm=positive)
def test_the_governing_maco_is_never_above_any_criterion(mbs, tdd, pde, dose, ppm):
    selection = maco_governing(
        mbs_next_kg=mbs,
        tdd_next_mg_per_day=tdd,
        pde_prev_mg_per_day=pde,
        min_daily_dose_prev_mg=dose,
        ppm=ppm,
    )
    assert len(selection.criteria) == 3
    assert selection.governing in selection.criteria
    assert all(selection.value <= c.value for c in selection.criteria)


# --- Product matrix --------------------------------------------------------------------------

PRODUCTS = [
    Product("Alpha", batch_size_kg=100, max_daily_dose_mg=500, pde_mg_per_day="0.5"),
    Product("Beta", batch_size_kg=200, max_daily_dose_mg=1000, min_daily_dose_mg=20),
    Product("Gamma", batch_size_kg=50, max_daily_dose_mg=100, pde_mg_per_day="0.02"),
]


def test_the_matrix_computes_every_changeover_and_finds_the_worst_case():
    matrix = maco_matrix(PRODUCTS, shared_area_cm2=250_000)
    assert len(matrix.pairs) == 6  # 3 × 2 ordered pairs
    # Alpha → Beta: health 0.5 × 2e8 / 1000 = 100,000 mg; ppm 10 × 200 = 2,000 mg → 2,000
    assert matrix.pair("Alpha", "Beta").value == 2000
    # Alpha → Gamma: health 0.5 × 5e7 / 100 = 250,000 mg; ppm 500 mg → 500
    assert matrix.pair("Alpha", "Gamma").value == 500
    # Beta → Gamma: dose 20 × 5e7 / (1000 × 100) = 10,000 mg; ppm 500 mg → 500
    assert matrix.pair("Beta", "Gamma").value == 500
    # Gamma → Alpha: health 0.02 × 1e8 / 500 = 4,000 mg; ppm 1,000 mg → 1,000
    # Gamma → Beta: health 0.02 × 2e8 / 1000 = 4,000 mg; ppm 2,000 mg → 2,000
    assert matrix.pair("Gamma", "Beta").selection.governing_key == "maco_ppm"
    # Worst case: 500 mg, first found Alpha → Gamma
    assert (matrix.worst.previous, matrix.worst.next, matrix.worst.value) == ("Alpha", "Gamma", 500)
    # 500 mg × 1000 µg/mg / 250,000 cm² = 2 µg/cm²
    assert matrix.surface_limit.value == 2
    assert matrix.surface_limit.unit == "µg/cm²"


def test_the_matrix_without_the_ppm_criterion_uses_health_and_dose_limits_only():
    matrix = maco_matrix(PRODUCTS, ppm=None)
    # Beta → Alpha: dose 20 × 1e8 / (1000 × 500) = 4,000 mg; Gamma → Alpha: 4,000 mg (health)
    assert matrix.pair("Beta", "Alpha").value == 4000
    # Beta → Gamma 10,000, Gamma → Alpha and Gamma → Beta 4,000, Alpha → x ≥ 100,000
    assert matrix.worst.value == 4000
    assert matrix.surface_limit is None


def test_the_matrix_names_the_product_row_at_fault():
    bad = [*PRODUCTS[:1], Product("Beta", batch_size_kg=0, max_daily_dose_mg=1000)]
    with pytest.raises(CalculationError) as caught:
        maco_matrix(bad)
    assert caught.value.field == "products[1].batch_size_kg"


def test_the_matrix_needs_two_uniquely_named_products():
    with pytest.raises(CalculationError, match="at least two"):
        maco_matrix(PRODUCTS[:1])
    with pytest.raises(CalculationError, match="unique"):
        maco_matrix([PRODUCTS[0], PRODUCTS[0]])


# --- Swab and rinse limits -------------------------------------------------------------------


def test_swab_limit_without_recovery_applies_to_corrected_results():
    # 120 mg × 1000 µg/mg × 25 cm² / 100,000 cm² = 30 µg/swab
    limit = swab_limit(maco_mg=120, swab_area_cm2=25, shared_area_cm2=100_000)
    assert limit.value == 30
    assert limit.quantity("surface").value == Decimal("1.2")  # µg/cm²
    assert "recovery-corrected" in limit.notes[0]


def test_swab_limit_with_recovery_is_the_limit_on_the_measured_amount():
    # 30 µg/swab × 80 % = 24 µg/swab measured (a true 30 µg would read 24 µg)
    maco = maco_health_based(pde_prev_mg_per_day="0.5", mbs_next_kg="0.12", tdd_next_mg_per_day=500)
    limit = swab_limit(maco_mg=maco, swab_area_cm2=25, shared_area_cm2=100_000, recovery_percent=80)
    assert limit.value == 24
    assert limit.quantity("corrected").value == 30
    assert str(limit) == (
        "L_swab = MACO × 1,000 µg/mg × A_swab / A_total × R = "
        "120 mg × 1,000 µg/mg × 25 cm² / 100,000 cm² × 80 % = 24 µg/swab"
    )


def test_swab_limit_takes_the_governing_selection():
    selection = maco_governing(mbs_next_kg=100, tdd_next_mg_per_day=500)  # 1,000 mg (10 ppm)
    # 1000 mg × 1000 × 100 cm² / 1,000,000 cm² = 100 µg/swab
    assert swab_limit(maco_mg=selection, swab_area_cm2=100, shared_area_cm2=1_000_000).value == 100


@pytest.mark.parametrize("recovery", [0, -5, "100.1", 150])
def test_recovery_must_be_above_0_and_at_most_100_percent(recovery):
    with pytest.raises(CalculationError) as caught:
        swab_limit(maco_mg=1, swab_area_cm2=1, shared_area_cm2=10, recovery_percent=recovery)
    assert caught.value.field == "recovery_percent"


def test_a_swab_cannot_be_larger_than_the_shared_area():
    with pytest.raises(CalculationError) as caught:
        swab_limit(maco_mg=1, swab_area_cm2=20, shared_area_cm2=10)
    assert caught.value.field == "swab_area_cm2"


def test_rinse_limit_as_concentration_and_amount_per_sample():
    # 120 mg / 50 L = 2.4 mg/L = 2.4 µg/mL; × 90 % = 2.16 µg/mL; × 100 mL = 216 µg per sample
    limit = rinse_limit(maco_mg=120, rinse_volume_l=50, recovery_percent=90, sample_volume_ml=100)
    assert limit.value == Decimal("2.16")
    assert limit.unit == "µg/mL"
    assert limit.quantity("corrected").value == Decimal("2.4")
    assert limit.quantity("m_sample").value == 216
    assert limit.quantity("m_sample").unit == "µg"
    assert str(limit) == "C_rinse = MACO / V_rinse × R = 120 mg / 50 L × 90 % = 2.16 µg/mL"


def test_rinse_limit_for_part_of_the_train():
    # 120 mg × 20,000 cm² / 100,000 cm² / 10 L = 24 mg / 10 L = 2.4 µg/mL
    limit = rinse_limit(
        maco_mg=120, rinse_volume_l=10, rinsed_area_cm2=20_000, shared_area_cm2=100_000
    )
    assert limit.value == Decimal("2.4")


def test_rinse_limit_needs_both_areas_or_neither():
    with pytest.raises(CalculationError) as caught:
        rinse_limit(maco_mg=120, rinse_volume_l=10, rinsed_area_cm2=20_000)
    assert caught.value.field == "shared_area_cm2"
    with pytest.raises(CalculationError) as caught:
        rinse_limit(maco_mg=120, rinse_volume_l=0)
    assert caught.value.field == "rinse_volume_l"


@given(recovery=st.decimals(min_value=Decimal("0.1"), max_value=Decimal(100), places=1))
def test_applying_recovery_never_raises_the_swab_limit(recovery):
    plain = swab_limit(maco_mg=120, swab_area_cm2=25, shared_area_cm2=100_000)
    measured = swab_limit(
        maco_mg=120, swab_area_cm2=25, shared_area_cm2=100_000, recovery_percent=recovery
    )
    assert measured.value <= plain.value
