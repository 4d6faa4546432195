# ruff: noqa: RUF001, RUF003 - the printed formulas use ×, − and µ
"""HVAC and cleanroom calculators: ACH, ISO 14644-1:2015 limits, locations, counts, cascade."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pharma.calculators import (
    CalculationError,
    CascadeStep,
    LocationCounts,
    air_changes_per_hour,
    cleanroom_counts_check,
    iso_class_limit,
    iso_class_table,
    minimum_sampling_locations,
    pressure_cascade_check,
)

# --- Air changes -----------------------------------------------------------------------------


def test_air_changes_from_m3_per_hour():
    # 1200 m³/h / 60 m³ = 20 per hour
    ach = air_changes_per_hour(supply_airflow=1200, room_volume_m3=60)
    assert ach.value == 20
    assert str(ach) == "ACH = Q / V = 1,200 m³/h / 60 m³ = 20 h⁻¹"


def test_air_changes_from_m3_per_second():
    # 0.5 m³/s × 3600 s/h = 1800 m³/h; / 60 m³ = 30 per hour
    ach = air_changes_per_hour(supply_airflow="0.5", airflow_unit="m3/s", room_volume_m3=60)
    assert ach.quantity("flow_h").value == 1800
    assert ach.value == 30


def test_air_changes_from_cfm_use_the_exact_cubic_foot():
    # 1 ft = 0.3048 m → 1 ft³ = 0.028316846592 m³; 1 CFM = 0.028316846592 × 60 = 1.69901079552 m³/h
    one = air_changes_per_hour(supply_airflow=1, airflow_unit="CFM", room_volume_m3=1)
    assert one.value == Decimal("1.69901079552")
    # 1000 CFM = 1699.01079552 m³/h; / 100 m³ = 16.9901079552 per hour
    ach = air_changes_per_hour(supply_airflow=1000, airflow_unit="cfm", room_volume_m3=100)
    assert ach.value == Decimal("16.9901079552")
    assert ach.result.display() == "16.99 h⁻¹"


def test_air_changes_refuse_an_unknown_unit_or_an_empty_room():
    with pytest.raises(CalculationError) as caught:
        air_changes_per_hour(supply_airflow=1, airflow_unit="l/s", room_volume_m3=1)
    assert caught.value.field == "airflow_unit"
    with pytest.raises(CalculationError) as caught:
        air_changes_per_hour(supply_airflow=1, room_volume_m3=0)
    assert caught.value.field == "room_volume_m3"
    with pytest.raises(CalculationError) as caught:
        air_changes_per_hour(supply_airflow=-1, room_volume_m3=10)
    assert caught.value.field == "supply_airflow"


# --- ISO 14644-1:2015 Table 1 ----------------------------------------------------------------

NA = None  # a dash in Table 1 (footnotes c, d, e)
SIZES = ("0.1", "0.2", "0.3", "0.5", "1", "5")
# ISO 14644-1:2015 Table 1. The ≥0.5 and ≥5 µm columns for ISO 5–9 are those of PHARMA_FACTS 5d.
TABLE_1 = {
    1: (10, NA, NA, NA, NA, NA),
    2: (100, 24, 10, NA, NA, NA),
    3: (1_000, 237, 102, 35, NA, NA),
    4: (10_000, 2_370, 1_020, 352, 83, NA),
    5: (100_000, 23_700, 10_200, 3_520, 832, NA),
    6: (1_000_000, 237_000, 102_000, 35_200, 8_320, 293),
    7: (NA, NA, NA, 352_000, 83_200, 2_930),
    8: (NA, NA, NA, 3_520_000, 832_000, 29_300),
    9: (NA, NA, NA, 35_200_000, 8_320_000, 293_000),
}


@pytest.mark.parametrize("iso_class", TABLE_1)
def test_the_formula_with_three_significant_figures_reproduces_table_1(iso_class):
    computed = tuple(iso_class_limit(iso_class, size).limit for size in SIZES)
    assert computed == TABLE_1[iso_class]


def test_the_whole_table_comes_back_keyed_by_class_and_size():
    table = iso_class_table()
    assert table[Decimal(7)][Decimal("0.5")].limit == 352_000
    assert table[Decimal(5)][Decimal(5)].applicable is False
    assert {n: tuple(cell.limit for cell in row.values()) for n, row in table.items()} == {
        Decimal(n): row for n, row in TABLE_1.items()
    }


def test_the_iso_5_limit_prints_its_formula():
    # 10^5 × (0.1 / 0.5)^2.08 = 100,000 × 0.035168 = 3,516.8 → 3,520 (three significant figures)
    cell = iso_class_limit(5, "0.5")
    assert cell.calculation.quantity("raw").value.quantize(Decimal("0.1")) == Decimal("3516.8")
    assert str(cell.calculation) == (
        "Cn = 10^N × (0.1 µm / D)^2.08 = 10^5 × (0.1 µm / 0.5 µm)^2.08 = 3,520 particles/m³"
    )


def test_cells_that_are_not_applicable_say_why():
    assert "lost in the sampling system" in iso_class_limit(5, 5).reason  # footnote e
    assert "very high particle concentration" in iso_class_limit(7, "0.3").reason  # footnote c
    assert "low concentrations" in iso_class_limit(1, "0.2").reason  # footnote d
    assert iso_class_limit(7, "0.3").calculation.value == 1_020_000  # the formula is still shown


def test_footnotes_b_and_g_are_notes_on_applicable_cells():
    assert "sequential sampling" in iso_class_limit(3, "0.5").notes[0]  # 35/m³
    assert "in-operation" in iso_class_limit(9, "0.5").notes[0]


def test_half_classes_and_intermediate_sizes_use_the_formula():
    # 10^5.5 × 0.2^2.08 = 316,227.8 × 0.035168 = 11,121 → 11,100
    assert iso_class_limit("5.5", "0.5").limit == 11_100
    # 10^6 × (0.1 / 2)^2.08 = 1,000,000 × 0.0019672 = 1,967.2 → 1,970
    assert iso_class_limit(6, 2).limit == 1_970


@pytest.mark.parametrize("iso_class", [0, "0.5", 10, "5.3", "ISO 5", None, True])
def test_unknown_classes_are_refused(iso_class):
    with pytest.raises(CalculationError) as caught:
        iso_class_limit(iso_class, "0.5")
    assert caught.value.field == "iso_class"


@pytest.mark.parametrize("size", ["0.05", 0, 6, -1])
def test_sizes_outside_0_1_to_5_um_are_refused(size):
    with pytest.raises(CalculationError) as caught:
        iso_class_limit(5, size)
    assert caught.value.field == "particle_size_um"


@given(
    iso_class=st.integers(min_value=2, max_value=18).map(lambda twice: Decimal(twice) / 2),
    sizes=st.lists(
        st.decimals(min_value=Decimal("0.1"), max_value=Decimal(5), places=2),
        min_size=2,
        max_size=2,
    ),
)
def test_the_limit_never_rises_with_particle_size(iso_class, sizes):
    small, large = sorted(sizes)
    smaller, larger = iso_class_limit(iso_class, small), iso_class_limit(iso_class, large)
    assert larger.calculation.value <= smaller.calculation.value
    if small < large:
        raw = "raw"
        assert larger.calculation.quantity(raw).value < smaller.calculation.quantity(raw).value


# --- Table A.1 -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("area", "locations"),
    [
        (1, 1),
        (2, 1),
        ("2.01", 2),
        (10, 5),
        (24, 6),
        (50, 10),
        (52, 10),
        (53, 11),
        (100, 16),
        (436, 25),
        (437, 26),
        (1000, 27),
        (1001, 28),  # 27 × 1001 / 1000 = 27.027 → 28
        (1040, 29),  # 28.08 → 29
        (2000, 54),  # 54 exactly
    ],
)
def test_minimum_locations_follow_table_a1(area, locations):
    assert minimum_sampling_locations(area_m2=area).value == locations


def test_minimum_locations_print_the_row_or_the_formula():
    assert str(minimum_sampling_locations(area_m2=50)) == (
        "NL = Table A.1 (36 m² < A ≤ 52 m²) = Table A.1 (36 m² < 50 m² ≤ 52 m²) = 10"
    )
    assert str(minimum_sampling_locations(area_m2=1040)) == (
        "NL = ⌈27 × A / 1,000 m²⌉ = ⌈27 × 1,040 m² / 1,000 m²⌉ = 29"
    )


def test_minimum_locations_need_a_positive_area():
    with pytest.raises(CalculationError, match="area_m2"):
        minimum_sampling_locations(area_m2=0)


# --- Counts against the class ----------------------------------------------------------------


def _iso7_room():
    return [
        LocationCounts("L1", "0.5", [120_000, 140_000]),
        LocationCounts("L1", 5, [900, 1_100]),
        LocationCounts("L2", "0.5", [352_000, 352_000]),  # average exactly at the limit passes
        LocationCounts("L2", 5, [1_500]),
        LocationCounts("L3", "0.5", [300_000, 310_000, 290_000]),
        LocationCounts("L3", 5, [2_900, 3_000]),  # average 2,950 > 2,930
    ]


def test_counts_pass_or_fail_on_each_locations_average_and_report_the_worst():
    check = cleanroom_counts_check(iso_class=7, locations=_iso7_room())
    assert check.passed is False
    assert [(r.location, r.particle_size_um) for r in check.failures] == [("L3", Decimal(5))]
    assert check.failures[0].average == 2950
    assert check.failures[0].limit == 2930
    assert check.worst[Decimal("0.5")].location == "L2"
    assert check.worst[Decimal(5)].location == "L3"
    assert check.enough_locations is None


def test_counts_check_the_number_of_locations_against_the_area():
    passing = [c for c in _iso7_room() if c.location != "L3"]
    assert cleanroom_counts_check(iso_class=7, locations=passing).passed is True
    # 30 m² needs 8 locations (Table A.1: 28 < A ≤ 32); two were sampled
    check = cleanroom_counts_check(iso_class=7, locations=passing, area_m2=30)
    assert check.minimum_locations == 8
    assert check.enough_locations is False
    assert check.passed is False


def test_counts_refuse_a_size_the_class_cannot_be_classified_at():
    with pytest.raises(CalculationError) as caught:
        cleanroom_counts_check(iso_class=5, locations=[LocationCounts("A1", 5, [0])])
    assert caught.value.field == "locations[0].particle_size_um"
    assert "cannot be classified" in caught.value.message


def test_counts_refuse_bad_entries():
    with pytest.raises(CalculationError, match=r"locations\[0\].concentrations_per_m3\[1\]"):
        cleanroom_counts_check(iso_class=7, locations=[LocationCounts("A", "0.5", [1, -1])])
    with pytest.raises(CalculationError, match="no samples"):
        cleanroom_counts_check(iso_class=7, locations=[LocationCounts("A", "0.5", [])])
    with pytest.raises(CalculationError, match="listed twice"):
        cleanroom_counts_check(
            iso_class=7,
            locations=[LocationCounts("A", "0.5", [1]), LocationCounts("A", "0.50", [2])],
        )
    with pytest.raises(CalculationError, match="iso_class"):
        cleanroom_counts_check(iso_class=12, locations=[LocationCounts("A", "0.5", [1])])


# --- Pressure cascade ------------------------------------------------------------------------

ROOMS = {"Grade B": 45, "Grade C": 30, "Airlock": 32, "Grade D": 15, "Corridor": 8}


def test_the_cascade_flags_reversals_and_differentials_below_the_minimum():
    check = pressure_cascade_check(
        room_pressures_pa=ROOMS,
        cascade=[
            ("Grade B", "Grade C"),  # 45 − 30 = 15 Pa ≥ 10 → ok
            ("Grade C", "Airlock"),  # 30 − 32 = −2 Pa → reversed
            ("Grade D", "Corridor"),  # 15 − 8 = 7 Pa < 10 → below minimum
        ],
        minimum_differential_pa=10,
    )
    assert [(s.differential_pa, s.status.value) for s in check.steps] == [
        (15, "ok"),
        (-2, "reversed"),
        (7, "below_minimum"),
    ]
    assert check.passed is False
    assert [(s.cleaner, s.less_clean) for s in check.reversals] == [("Grade C", "Airlock")]
    assert str(check.steps[0].calculation) == (
        "ΔP = P(Grade B) − P(Grade C) = 45 Pa − 30 Pa = 15 Pa"
    )


def test_the_minimum_has_no_default_and_must_be_supplied():
    with pytest.raises(CalculationError) as caught:
        pressure_cascade_check(
            room_pressures_pa=ROOMS, cascade=[("Grade B", "Grade C")], minimum_differential_pa=None
        )
    assert caught.value.field == "minimum_differential_pa"


def test_a_step_can_carry_its_own_minimum():
    check = pressure_cascade_check(
        room_pressures_pa=ROOMS,
        cascade=[CascadeStep("Grade D", "Corridor", minimum_pa=5), ("Grade B", "Grade C")],
        minimum_differential_pa="12.5",
    )
    assert [s.minimum_pa for s in check.steps] == [5, Decimal("12.5")]
    assert check.passed is True


def test_equal_pressures_are_below_any_minimum_but_not_a_reversal():
    check = pressure_cascade_check(
        room_pressures_pa={"A": 10, "B": 10}, cascade=[("A", "B")], minimum_differential_pa=5
    )
    assert check.steps[0].status.value == "below_minimum"
    assert check.reversals == ()


def test_the_cascade_refuses_unknown_rooms_and_a_zero_minimum():
    with pytest.raises(CalculationError) as caught:
        pressure_cascade_check(
            room_pressures_pa=ROOMS, cascade=[("Grade B", "Grade A")], minimum_differential_pa=10
        )
    assert caught.value.field == "cascade[0].less_clean"
    with pytest.raises(CalculationError) as caught:
        pressure_cascade_check(
            room_pressures_pa=ROOMS, cascade=[("Grade B", "Grade C")], minimum_differential_pa=0
        )
    assert caught.value.field == "minimum_differential_pa"
