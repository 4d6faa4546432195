"""A document's own values drive its calculations: the MACO criteria and the governing one,
swab and rinse limits, air changes, ISO classification, pressure cascade and water results;
missing inputs are said, not crashed on."""

from __future__ import annotations

from pharma import kinds
from pharma.calculations import for_document
from tests.pharma.document_data import complete_content

CV = kinds.get("cleaning_validation")
HVAC = kinds.get("hvac_qualification")
WATER = kinds.get("water_validation")


def _cleaning(**acceptance) -> dict:
    content = complete_content(CV)
    content["products"]["products"] = [
        # Worked example: PDE 0.5 mg/day, minimum dose 10 mg/day (previous); next batch
        # 120 kg with a maximum daily dose of 500 mg.
        {"name": "Alphamab", "pde_mg_day": 0.5, "min_dose_mg_day": 10, "max_dose_mg_day": 200,
         "batch_size_kg": 80},
        {"name": "Betazole", "pde_mg_day": 2, "min_dose_mg_day": 50, "max_dose_mg_day": 500,
         "batch_size_kg": 120},
    ]  # fmt: skip
    content["acceptance"].update(
        previous_product="Alphamab", next_product="betazole", shared_area_cm2=120000,
        swab_area_cm2=25, rinse_volume_l=200, safety_factor="",
    )  # fmt: skip
    content["analytics"]["recovery_pct"] = 80
    content["acceptance"].update(acceptance)
    return content


def _by_title(views, start: str):
    return next(v for v in views if v.title.startswith(start))


def test_the_lowest_maco_criterion_governs_and_sets_the_swab_limit(acme):
    views = for_document(CV, _cleaning(), acme)
    # Health-based: 0.5 mg/day x 120,000,000 mg / 500 mg/day = 120,000 mg.
    # Dose-based: 10 mg/day x 120,000,000 mg / (1000 x 500 mg/day) = 2,400 mg.
    # 10 ppm: 10 mg/kg x 120 kg = 1,200 mg  -> governs.
    results = " | ".join(v.result for v in views)
    assert "120,000 mg" in results and "2,400 mg" in results and "1,200 mg" in results
    governing = _by_title(views, "Governing MACO")
    assert "ppm" in governing.result and "1,200 mg" in governing.result
    matrix = _by_title(views, "MACO for every product change")
    assert "Alphamab → Betazole" in " ".join(matrix.lines)


def test_swab_and_rinse_limits_use_the_worst_case_of_the_matrix_with_a_warning(acme):
    """Finding 4: the limits used the named previous -> next pair, not the worst case."""
    views = for_document(CV, _cleaning(), acme)
    # Named pair Alphamab -> Betazole: MACO 1,200 mg (10 ppm of 120 kg).
    # Worst case Betazole -> Alphamab: 10 ppm of the 80 kg batch = 800 mg (health-based
    # 2 x 80,000,000 / 200 = 800,000 mg; dose-based 50 x 80,000,000 / (1000 x 200) = 20,000 mg).
    assert "800 mg" in _by_title(views, "MACO for every product change").result
    swab = _by_title(views, "Limit per swab")
    # 800 mg x 1,000 ug/mg x 25 cm2 / 120,000 cm2 = 166.67 ug, x 80 % recovery = 133.3 ug.
    assert swab.result == "L_swab = 133.3 µg/swab"
    assert any("not the worst case" in w and "Betazole → Alphamab" in w for w in swab.warnings)
    # Rinse: 800 mg / 200 L = 4 ug/mL, x 80 % = 3.2 ug/mL.
    assert _by_title(views, "Rinse limit").result == "C_rinse = 3.2 µg/mL"
    # Named as the worst case, the same limits come without the warning.
    named = for_document(CV, _cleaning(previous_product="Betazole", next_product="Alphamab"), acme)
    assert _by_title(named, "Limit per swab").result == "L_swab = 133.3 µg/swab"
    assert not any("worst case" in w for w in _by_title(named, "Limit per swab").warnings)


def test_a_shared_area_below_the_equipment_areas_and_a_loq_above_the_limit_warn(acme):
    content = _cleaning(shared_area_cm2=1000)
    content["equipment"]["train"] = [{"equipment_id": "G1", "description": "Granulator",
                                      "area_cm2": 900}, {"equipment_id": "D1",
                                      "description": "Dryer", "area_cm2": 400}]  # fmt: skip
    content["analytics"]["loq"] = "20000 µg/swab"
    swab = _by_title(for_document(CV, content, acme), "Limit per swab")
    assert any("less than the sum of the equipment train's areas (1,300 cm²)" in w
               for w in swab.warnings)  # fmt: skip
    assert any("LOQ (20000 µg/swab) is above the limit" in w for w in swab.warnings)


def test_the_organisation_setting_changes_the_ppm_criterion(acme):
    acme.qa_settings = {"maco_ppm": 1}
    governing = _by_title(for_document(CV, _cleaning(), acme), "Governing MACO")
    assert "120 mg" in governing.result  # 1 mg/kg x 120 kg


def test_a_missing_product_is_explained(acme):
    views = for_document(CV, _cleaning(next_product="Gammacillin"), acme)
    assert views[0].error.startswith("Name the previous and the next product")


def test_bad_inputs_are_reported_per_calculation(acme):
    content = _cleaning()
    content["products"]["products"][1]["batch_size_kg"] = -5
    views = for_document(CV, content, acme)
    assert (
        views[0].error
        == "Minimum batch size of the next product: must be greater than zero (got -5)."
    )


def _hvac(min_dp="") -> dict:
    content = complete_content(HVAC)
    content["system"]["min_dp_pa"] = min_dp
    content["rooms"]["rooms"] = [
        {"room": "R1", "iso_class": 7, "area_m2": 20, "volume_m3": 60, "supply_m3h": 1200,
         "pressure_pa": 30, "flows_to": "R2"},
        {"room": "R2", "iso_class": 8, "area_m2": 20, "volume_m3": 60, "supply_m3h": 600,
         "pressure_pa": 22, "flows_to": ""},
    ]  # fmt: skip
    content["particles"]["counts"] = [
        {"room": "R1", "location": f"L{i}", "count_05": 100000, "count_5": 1000}
        for i in range(1, 5)
    ] + [{"room": "R1", "location": "L5", "count_05": 400000, "count_5": 1000}]
    return content


def test_air_changes_classification_and_cascade(acme):
    views = for_document(HVAC, _hvac(min_dp=10), acme)
    ach = _by_title(views, "Air changes per hour")
    assert any(line.startswith("R1:") and "20" in line for line in ach.lines)  # 1200 / 60
    iso = _by_title(views, "ISO 14644-1 classification, room R1")
    # ISO 7 at 0.5 um allows 352,000 /m3: L5 at 400,000 fails.
    assert iso.result == "Fail" and any("L5" in line and "FAIL" in line for line in iso.lines)
    cascade = _by_title(views, "Pressure cascade")
    assert cascade.result == "Fail"  # 30 - 22 = 8 Pa, below the 10 Pa minimum


def test_the_cascade_needs_a_minimum_from_the_document_or_the_organisation(acme):
    cascade = _by_title(for_document(HVAC, _hvac(), acme), "Pressure cascade")
    assert "Lumen does not assume one" in cascade.error
    acme.qa_settings = {"min_pressure_differential_pa": 5}
    cascade = _by_title(for_document(HVAC, _hvac(), acme), "Pressure cascade")
    assert cascade.result == "Pass"


def test_water_plan_and_results(acme):
    content = complete_content(WATER)
    content["system"].update(grade="WFI", start_date="2026-03-02", phase1_weeks=2, phase2_weeks=4)
    content["points"]["points"] = [
        {"point": "POU-1", "location": "Filling", "type": "Point of use"},
        {"point": "TK-1", "location": "Tank", "type": "Storage"},
    ]
    content["limits"]["limits"] = []
    content["results"]["results"] = [
        {"point": "POU-1", "date": "2026-03-02", "parameter": "TOC", "value": 120},
        {"point": "POU-1", "date": "2026-03-03", "parameter": "Endotoxin", "value": 0.5},
    ]
    views = for_document(WATER, content, acme)
    plan = _by_title(views, "Sampling plan")
    assert plan.lines[0].startswith("Phase 1: 2026-03-02 to 2026-03-15 (14 days)")
    results = _by_title(views, "Results against")
    assert "excursion" in results.result  # endotoxin 0.5 EU/mL > 0.25 for WFI
