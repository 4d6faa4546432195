"""Water system calculators: WHO phase 1-3 sampling plan and USP alert/action assessment."""

# ruff: noqa: RUF001, RUF003 - the pharmacopoeial rows are quoted with their en dashes and ×

from __future__ import annotations

from collections import Counter
from datetime import date
from decimal import Decimal
from itertools import pairwise

import pytest

from pharma import calculators as calc
from pharma.calculators import (
    CalculationError,
    WaterLimit,
    WaterParameter,
    WaterResult,
    assess_water_results,
    usp_water_limits,
    water,
    water_sampling_plan,
)

POINTS_OF_USE = [f"POU-{i}" for i in range(1, 8)]
SYSTEM = ["Feed", "After RO"]

# --- Sampling plan ---------------------------------------------------------------------------


def _plan(**overrides):
    arguments = {
        "start": date(2026, 1, 5),
        "points_of_use": POINTS_OF_USE,
        "system_points": SYSTEM,
        "phase1_weeks": 2,
        "phase2_weeks": 3,
        "phase3_interval_days": 7,
    }
    return water_sampling_plan(**(arguments | overrides))


def test_phases_one_and_two_sample_every_point_daily():
    phase1, phase2, _ = _plan().phases
    # Phase 1: 5 Jan - 18 Jan 2026 = 14 days x 9 points = 126 samples
    assert (phase1.start, phase1.end, phase1.days) == (date(2026, 1, 5), date(2026, 1, 18), 14)
    assert phase1.total_samples == 126
    assert set(phase1.samples_per_point.values()) == {14}
    # Phase 2: 19 Jan - 8 Feb 2026 = 21 days x 9 points = 189 samples
    assert (phase2.start, phase2.end, phase2.days) == (date(2026, 1, 19), date(2026, 2, 8), 21)
    assert phase2.total_samples == 189


def test_phase_three_lasts_a_year_with_each_point_weekly_in_rotation():
    plan = _plan()
    phase3 = plan.phases[2]
    # 9 Feb 2026 - 8 Feb 2027 = 365 days = 52 weeks + 1 day
    assert (phase3.start, phase3.end, phase3.days) == (date(2026, 2, 9), date(2027, 2, 8), 365)
    # Points in order Feed, After RO, POU-1 … POU-7 take cycle days 0, 1, 2 … 6, 0, 1: the two
    # on day 0 (Feed, POU-6) are sampled on day 364 as well: 53 samples; the others 52.
    assert phase3.samples_per_point["Feed"] == 53
    assert phase3.samples_per_point["POU-6"] == 53
    assert phase3.samples_per_point["POU-1"] == 52
    assert phase3.total_samples == 2 * 53 + 7 * 52  # 470
    assert plan.total_samples == 126 + 189 + 470
    assert plan.end == date(2027, 2, 8)


def test_the_schedule_agrees_with_the_counts_and_spreads_phase_three():
    plan = _plan()
    schedule = list(plan.schedule())
    assert len(schedule) == plan.total_samples
    per_phase = Counter(phase for _, phase, _ in schedule)
    assert per_phase == {1: 126, 2: 189, 3: 470}
    phase3_days = Counter(day for day, phase, _ in schedule if phase == 3)
    assert max(phase3_days.values()) == 2  # 9 points over a 7-day cycle, never all on one day
    feed_days = [day for day, phase, point in schedule if phase == 3 and point == "Feed"]
    assert {(b - a).days for a, b in pairwise(feed_days)} == {7}


def test_system_points_can_have_their_own_phase_three_interval():
    plan = _plan(phase3_system_interval_days=1)
    # daily for 365 days at the two system points; points of use still weekly
    assert plan.phases[2].samples_per_point["Feed"] == 365
    assert plan.phases[2].samples_per_point["POU-1"] == 52


def test_phase_three_over_a_leap_day_is_366_days():
    # start 1 Feb 2027 + 4 weeks → phase 3 from 1 Mar 2027 to 29 Feb 2028
    plan = _plan(start=date(2027, 2, 1), phase1_weeks=2, phase2_weeks=2)
    assert plan.phases[2].start == date(2027, 3, 1)
    assert plan.phases[2].end == date(2028, 2, 29)
    assert plan.phases[2].days == 366


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"phase1_weeks": 1}, "phase1_weeks"),
        ({"phase1_weeks": 5}, "phase1_weeks"),
        ({"phase2_weeks": "2.5"}, "phase2_weeks"),
        ({"phase2_weeks": True}, "phase2_weeks"),
        ({"phase3_interval_days": 0}, "phase3_interval_days"),
        ({"points_of_use": []}, "points_of_use"),
        ({"points_of_use": "POU-1"}, "points_of_use"),
        ({"points_of_use": ["POU-1", "POU-1"]}, "points_of_use"),
        ({"points_of_use": ["POU-1", " "]}, "points_of_use[1]"),
        ({"system_points": ["POU-1"]}, "system_points"),
        ({"start": "2026-01-05"}, "start"),
    ],
)
def test_the_plan_refuses_bad_inputs(overrides, field):
    with pytest.raises(CalculationError) as caught:
        _plan(**overrides)
    assert caught.value.field == field


# --- Limits ----------------------------------------------------------------------------------


def test_usp_defaults_for_purified_water_and_wfi():
    pw = usp_water_limits("PW")
    assert {p.value: (lim.action, lim.unit, lim.alert) for p, lim in pw.items()} == {
        "toc": (500, "ppb", None),
        "conductivity": (Decimal("1.3"), "µS/cm", None),
        "bioburden": (100, "cfu/mL", None),
    }
    wfi = usp_water_limits("wfi")
    assert wfi[WaterParameter.BIOBURDEN].action == 10
    assert wfi[WaterParameter.BIOBURDEN].unit == "cfu/100 mL"
    assert wfi[WaterParameter.ENDOTOXIN].action == Decimal("0.25")


def test_alert_levels_are_the_sites_and_must_sit_below_the_action_limit():
    limits = usp_water_limits("WFI", alerts={"toc": 300, WaterParameter.BIOBURDEN: 5})
    assert limits[WaterParameter.TOC].alert == 300
    assert limits[WaterParameter.BIOBURDEN].alert == 5
    with pytest.raises(CalculationError) as caught:
        usp_water_limits("PW", alerts={"toc": 500})
    assert caught.value.field == "toc.alert"
    with pytest.raises(CalculationError, match="no PW limit for endotoxin"):
        usp_water_limits("PW", alerts={"endotoxin": "0.1"})
    with pytest.raises(CalculationError) as caught:
        usp_water_limits("HPW")
    assert caught.value.field == "water_type"
    with pytest.raises(CalculationError) as caught:
        WaterLimit("ph", "pH", Decimal(7))
    assert caught.value.field == "parameter"


# --- Assessment ------------------------------------------------------------------------------

D1, D2, D3 = date(2026, 3, 2), date(2026, 3, 3), date(2026, 3, 4)


def test_results_are_classified_within_alert_or_action_and_summarised_per_point():
    limits = usp_water_limits(
        "WFI", alerts={"toc": 300, "bioburden": 5, "endotoxin": "0.125", "conductivity": "1.0"}
    )
    results = [
        WaterResult("POU-1", D1, "toc", 250, "ppb"),  # ≤ 300 → within
        WaterResult("POU-1", D2, "toc", 350, "ppb"),  # > 300 alert, ≤ 500 → alert
        WaterResult("POU-1", D3, "toc", 600, "ppb"),  # > 500 → action
        WaterResult("POU-1", D1, "conductivity", "1.3", "uS/cm"),  # = limit (NMT) → alert only
        WaterResult("POU-2", D1, "bioburden", "0.08", "cfu/mL"),  # = 8 cfu/100 mL → alert
        WaterResult("POU-2", D2, "bioburden", 12, "cfu/100mL"),  # > 10 → action
        WaterResult("POU-2", D3, "endotoxin", "0.25", "EU/mL"),  # = 0.25 → alert, not action
        WaterResult("POU-2", D3, "endotoxin", "0.1", "EU/mL"),  # → within
    ]
    assessment = assess_water_results(results, limits)
    assert [r.status.value for r in assessment.results] == [
        "within",
        "alert",
        "action",
        "alert",
        "alert",
        "action",
        "alert",
        "within",
    ]
    assert assessment.results[4].value == 8  # converted to the limit's cfu/100 mL
    assert assessment.within_limits is False
    assert len(assessment.excursions) == 6

    summary = {(s.point, s.parameter.value): s for s in assessment.summaries}
    toc = summary[("POU-1", "toc")]
    assert (toc.results, toc.alerts, toc.actions, toc.highest) == (3, 1, 1, 600)
    assert toc.excursion_dates == (D2, D3)
    assert toc.worst_status.value == "action"
    bio = summary[("POU-2", "bioburden")]
    assert (bio.unit, bio.highest, bio.worst_status.value) == ("cfu/100 mL", 12, "action")
    assert summary[("POU-2", "endotoxin")].worst_status.value == "alert"


def test_without_alert_levels_only_the_action_limit_counts():
    assessment = assess_water_results(
        [WaterResult("Loop return", D1, "bioburden", 99, "cfu/mL")], usp_water_limits("PW")
    )
    assert assessment.results[0].status.value == "within"
    assert assessment.within_limits is True
    assert assessment.excursions == ()


@pytest.mark.parametrize(
    ("result", "field"),
    [
        (WaterResult("POU-1", D1, "toc", 100, "mg"), "results[0].unit"),
        (WaterResult("POU-1", D1, "toc", -1, "ppb"), "results[0].value"),
        (WaterResult("POU-1", D1, "ph", 7, "pH"), "results[0].parameter"),
        (WaterResult("", D1, "toc", 1, "ppb"), "results[0].point"),
        (WaterResult("POU-1", "2026-03-02", "toc", 1, "ppb"), "results[0].sampled_on"),
        (WaterResult("POU-1", D1, "endotoxin", "0.1", "EU/mL"), "limits"),  # PW has none
    ],
)
def test_bad_results_are_refused_naming_the_row_and_field(result, field):
    with pytest.raises(CalculationError) as caught:
        assess_water_results([result], usp_water_limits("PW"))
    assert caught.value.field == field


# --- the pharmacopoeial tables, row by row against their sources (issue 16, item 3) ----------


@pytest.mark.parametrize(
    ("temperature", "reading", "limit", "passed"),
    [
        # USP <645> Stage 1 table: "25 °C 1.3 µS/cm"; 27.9 °C rounds down to the 25 °C row.
        ("27.9", "1.3", "1.3", True),
        # "20 °C 1.1 µS/cm" (Ph. Eur. 0169 WFI: 1.1 µS/cm at 20 °C, the same table).
        ("20", "1.2", "1.1", False),
        # "0 °C 0.6", "55 °C 2.1", "75–90 °C 2.7", "95 °C 2.9", "100 °C 3.1".
        ("0", "0.6", "0.6", True),
        ("57", "2.1", "2.1", True),
        ("90", "2.8", "2.7", False),
        ("99.9", "2.9", "2.9", True),
        ("100", "3.1", "3.1", True),
    ],
)
def test_usp_645_stage_1_rows(temperature, reading, limit, passed):
    check = calc.conductivity_check(
        conductivity_us_cm=reading, temperature_c=temperature, water_type="WFI"
    )
    assert check.limit == Decimal(limit) and check.passed is passed and check.staged


def test_usp_645_stage_1_table_matches_its_source_in_full():
    # USP <645> Table 1 as reproduced in the Hanna HI 4321 manual ("USP <645>" mode).
    source = {0: "0.6", 5: "0.8", 10: "0.9", 15: "1.0", 20: "1.1", 25: "1.3", 30: "1.4",
              35: "1.5", 40: "1.7", 45: "1.8", 50: "1.9", 55: "2.1", 60: "2.2", 65: "2.4",
              70: "2.5", 75: "2.7", 80: "2.7", 85: "2.7", 90: "2.7", 95: "2.9", 100: "3.1"}  # fmt: skip
    assert dict(water.USP_645_STAGE_1) == source


@pytest.mark.parametrize(
    ("stage2", "ph", "passed", "verdict"),
    [
        # Stage 2: "less than 2.1 µS/cm at 25 °C" meets the requirement.
        ("2.1", None, True, "stage 2 met"),
        ("2.3", None, False, "measure the pH for stage 3"),
        # Stage 3 table: "pH 6.6 2.1 µS/cm", "pH 5.0 4.7", "pH 7.0 4.6"; pH 6.64 reads 6.6.
        ("2.3", "6.64", False, "against 2.1 µS/cm at pH 6.6"),
        ("4.5", "5.0", True, "stage 3 met"),
        ("4.6", "7.0", True, "stage 3 met"),
        ("2.2", "7.2", False, "outside 5.0–7.0"),
    ],
)
def test_usp_645_stages_2_and_3(stage2, ph, passed, verdict):
    result = calc.conductivity_stages_2_3(conductivity_25c_us_cm=stage2, ph=ph)
    assert result.passed is passed and verdict in result.verdict


def test_stage_2_is_measured_at_25_degrees():
    with pytest.raises(calc.CalculationError, match="25 ± 1 °C"):
        calc.conductivity_stages_2_3(conductivity_25c_us_cm="1.0", temperature_c=30)


@pytest.mark.parametrize(
    ("temperature", "limit", "at"),
    [
        # Ph. Eur. 0008 Purified water in bulk, Table 0008.-2: "20 °C 4.3 µS/cm".
        ("20", "4.3", "20 °C"),
        # Between "20 °C 4.3" and "25 °C 5.1", interpolated as the monograph says:
        # 4.3 + 0.8 × 2 / 5 = 4.62, rounded down to 4.6.
        ("22", "4.6", "20–25 °C (interpolated)"),
        ("0", "2.4", "0 °C"),
        ("100", "10.2", "100 °C"),
    ],
)
def test_ph_eur_purified_water_conductivity_rows(temperature, limit, at):
    check = calc.conductivity_check(
        conductivity_us_cm="1", temperature_c=temperature, water_type="PW", pharmacopoeia="Ph. Eur."
    )
    assert check.limit == Decimal(limit) and check.table_temperature == at
    assert not check.staged  # a plain limit: no stages 2 and 3 for Ph. Eur. purified water


@pytest.mark.parametrize(
    ("grade", "expected"),
    [
        # Ph. Eur. 0008: TOC 0.5 mg/L, nitrates 0.2 ppm, action level 100 CFU/mL.
        ("PW", {"toc": ("0.5", "mg/L"), "nitrate": ("0.2", "ppm"), "bioburden": ("100", "cfu/mL")}),
        # Ph. Eur. 0169: TOC 0.5 mg/L, 10 CFU/100 mL, endotoxins less than 0.25 IU/mL.
        ("WFI", {"toc": ("0.5", "mg/L"), "bioburden": ("10", "cfu/100 mL"),
                 "endotoxin": ("0.25", "IU/mL")}),
        # Former Ph. Eur. 1927 Highly purified water: WFI's limits plus nitrates 0.2 ppm.
        ("HPW", {"toc": ("0.5", "mg/L"), "nitrate": ("0.2", "ppm"),
                 "bioburden": ("10", "cfu/100 mL"), "endotoxin": ("0.25", "IU/mL")}),
    ],
)  # fmt: skip
def test_ph_eur_monograph_limits(grade, expected):
    limits = calc.compendial_limits(grade, "Ph. Eur.")
    assert {p.value: (str(v.action), v.unit) for p, v in limits.items()} == expected
    assert all(v.source.startswith("Ph. Eur. ") for v in limits.values())


def test_usp_limits_judge_hpw_as_wfi():
    # USP Water for Injection: TOC <643> 500 ppb, endotoxins less than 0.25 EU/mL; <1231>
    # action level 10 cfu/100 mL.
    limits = calc.compendial_limits("HPW", "USP")
    assert {p.value: (str(v.action), v.unit) for p, v in limits.items()} == {
        "toc": ("500", "ppb"), "bioburden": ("10", "cfu/100 mL"), "endotoxin": ("0.25", "EU/mL")
    }  # fmt: skip


def test_a_result_in_mg_per_litre_is_judged_against_a_limit_in_ppb():
    # 0.45 mg/L is 450 ppb: within 500 ppb.
    limits = calc.compendial_limits("PW", "USP")
    assessment = calc.assess_water_results(
        [WaterResult("POU-1", D1, "toc", "0.45", "mg/L")], limits
    )
    assert assessment.results[0].value == Decimal("450")
