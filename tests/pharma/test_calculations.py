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


# --- Finding 5: water and HVAC logic, each with a worked example ---------------------------


def _water(grade="PW", pharmacopoeia="", results=()) -> dict:
    content = complete_content(WATER)
    content["system"].update(grade=grade, pharmacopoeia=pharmacopoeia)
    content["limits"]["limits"] = []
    content["results"]["results"] = list(results)
    return content


def _conductivity(value, temp_c=""):
    return {"point": "POU-1", "date": "2026-03-02", "parameter": "Conductivity",
            "value": value, "temp_c": temp_c}  # fmt: skip


def test_conductivity_is_judged_at_its_temperature_and_over_stage_1_means_stages_2_and_3(acme):
    # USP <645> stage 1: 22 °C reads the 20 °C row, 1.1 µS/cm; 26 °C reads 25 °C, 1.3 µS/cm.
    views = for_document(
        WATER, _water(results=[_conductivity(1.2, 22), _conductivity(1.2, 26)]), acme
    )
    check = _by_title(views, "Conductivity against temperature (USP)")
    assert check.lines[0] == (
        "POU-1 2026-03-02: 1.2 µS/cm at 22 °C against 1.1 µS/cm (20 °C): stage 1 not met: "
        "test stages 2 and 3 (USP <645>) before judging"
    )
    assert check.lines[1].endswith("against 1.3 µS/cm (25 °C): stage 1 met")
    assert check.result == "1 result(s) need stages 2 and 3"
    assert "action" not in check.result
    # Without the temperature there is no limit to judge against: an error, not a guess.
    missing = for_document(WATER, _water(results=[_conductivity(1.2)]), acme)
    assert "Give the water temperature" in _by_title(missing, "Conductivity").error


def test_ph_eur_purified_water_has_its_own_interpolated_conductivity_limit(acme):
    # Ph. Eur. 0008: 4.3 µS/cm at 20 °C, 5.1 at 25 °C: at 22 °C 4.3 + 0.8 x 2/5 = 4.62 → 4.6.
    views = for_document(
        WATER, _water(pharmacopoeia="Ph. Eur.", results=[_conductivity(4.5, 22)]), acme
    )
    check = _by_title(views, "Conductivity against temperature (Ph. Eur.)")
    interpolated = "against 4.6 µS/cm (20–25 °C (interpolated)): within the limit"  # noqa: RUF001
    assert interpolated in check.lines[0]
    assert check.result == "All within the limit for their temperature"


def test_highly_purified_water_is_judged_as_wfi_not_as_purified_water(acme):
    endotoxin = {"point": "POU-1", "date": "2026-03-02", "parameter": "Endotoxin", "value": 0.5}
    hpw = _by_title(for_document(WATER, _water("HPW", results=[endotoxin]), acme), "Results")
    assert hpw.lines[0] == "HPW is judged against the WFI limits."
    assert "excursion" in hpw.result  # 0.5 EU/mL > 0.25 EU/mL (WFI); PW has no such limit
    pw = _by_title(for_document(WATER, _water("PW", results=[endotoxin]), acme), "Results")
    assert pw.error  # no endotoxin limit for purified water


def test_ph_eur_routine_results_are_judged_against_ph_eur_limits_not_usp(acme):
    # Ph. Eur. 0008 Purified water in bulk: TOC not more than 0.5 mg/L, nitrates not more
    # than 0.2 ppm, microbial action level 100 CFU/mL. 0.6 mg/L TOC is over 0.5 mg/L (USP
    # would have read it in ppb against 500 ppb and passed it); 0.3 ppm nitrate is over
    # 0.2 ppm (USP sets no nitrate limit at all); 0.4 mg/L TOC and 50 CFU/mL are within.
    def result(parameter, value, point="POU-1"):
        return {"point": point, "date": "2026-03-02", "parameter": parameter, "value": value}

    content = _water(pharmacopoeia="Ph. Eur.", results=[
        result("TOC", 0.6), result("TOC", 0.4, "POU-2"), result("Nitrate", 0.3),
        result("Bioburden", 50)])  # fmt: skip
    check = _by_title(for_document(WATER, content, acme), "Results against")
    assert not check.error
    assert "POU-1 · toc: 1 result(s), highest 0.6 mg/L; 0 alert, 1 action" in check.lines
    assert "POU-2 · toc: 1 result(s), highest 0.4 mg/L; 0 alert, 0 action" in check.lines
    assert "POU-1 · nitrate: 1 result(s), highest 0.3 ppm; 0 alert, 1 action" in check.lines
    assert "POU-1 · bioburden: 1 result(s), highest 50 cfu/mL; 0 alert, 0 action" in check.lines
    assert check.result == "2 excursion(s), including action-level results"
    # The same results under USP: TOC is read in ppb (within 500 ppb), nitrate has no limit.
    usp = _by_title(for_document(WATER, _water(results=content["results"]["results"]), acme),
                    "Results against")  # fmt: skip
    assert usp.error and "parameter with a limit" in usp.error


def test_ph_eur_highly_purified_water_is_judged_by_its_own_monograph_with_site_alerts(acme):
    # Ph. Eur. 1927 Highly purified water: nitrates not more than 0.2 ppm (WFI has no nitrate
    # test), bioburden 10 CFU/100 mL. The site's alert of 5 (in the limit's unit, CFU/100 mL)
    # makes 7 CFU/100 mL an alert, not an action.
    acme.qa_settings = {"water_alert_levels": {"bioburden": 5}}
    acme.save()
    rows = [{"point": "POU-1", "date": "2026-03-02", "parameter": p, "value": v, "unit": ""}
            for p, v in (("Nitrate", 0.25), ("Bioburden", 7))]  # fmt: skip
    check = _by_title(for_document(WATER, _water("HPW", "Ph. Eur.", rows), acme), "Results")
    assert check.lines[0] != "HPW is judged against the WFI limits."
    assert "POU-1 · nitrate: 1 result(s), highest 0.25 ppm; 0 alert, 1 action" in check.lines
    assert "POU-1 · bioburden: 1 result(s), highest 7 cfu/100 mL; 1 alert, 0 action" in check.lines


def test_five_micron_counts_in_an_iso_5_room_are_recorded_not_classified(acme):
    content = _hvac(min_dp=10)
    content["rooms"]["rooms"][0]["iso_class"] = 5
    content["particles"]["counts"] = [
        {"room": "R1", "location": f"L{i}", "count_05": 1000, "count_5": 40} for i in range(1, 7)
    ]
    iso = _by_title(for_document(HVAC, content, acme), "ISO 14644-1 classification, room R1")
    assert not iso.error and iso.result == "Pass"
    assert any("≥5 µm: 40 /m³ recorded, not used to classify ISO 5" in line for line in iso.lines)
    assert not any("cannot be classified" in line for line in iso.lines)


def test_a_sample_too_small_for_the_class_does_not_classify(acme):
    # ISO 5 at 0.5 µm: Cn = 3,520 /m³, so Vs = 20 / 3,520 x 1000 L = 5.7 L; 2 L is too small.
    content = _hvac(min_dp=10)
    content["rooms"]["rooms"][0]["iso_class"] = 5
    content["particles"]["counts"] = [
        {"room": "R1", "location": f"L{i}", "count_05": 1000, "sample_l": 2} for i in range(1, 7)
    ]
    iso = _by_title(for_document(HVAC, content, acme), "ISO 14644-1 classification, room R1")
    assert iso.result == "Not classified: sample volume too small"
    assert any("below the 5.7 L ISO 14644-1 A.4.4 asks for" in line for line in iso.lines)


def test_air_changes_are_checked_against_the_urs(acme):
    content = _hvac(min_dp=10)
    content["rooms"]["rooms"][0]["ach_urs"] = 25  # 1200 m³/h / 60 m³ = 20 /h
    content["rooms"]["rooms"][1]["ach_urs"] = 10  # 600 / 60 = 10 /h
    ach = _by_title(for_document(HVAC, content, acme), "Air changes per hour")
    assert ach.lines[0].endswith("URS requires ≥ 25 /h: NOT MET")
    assert ach.lines[1].endswith("URS requires ≥ 10 /h: met")
    assert ach.result == "1 room(s) below the URS air change rate"


def test_a_cleaning_agent_gets_its_own_limit_and_without_a_pde_blocks(acme):
    content = _cleaning()
    content["cleaning"].update(agent="Alkaline detergent", agent_pde_mg_day=5)
    views = for_document(CV, content, acme)
    # Worst next product: Alphamab, 80 kg per 200 mg/day (Betazole: 120 kg per 500 mg/day is
    # 0.24 kg per mg/day, Alphamab 0.4) — so Betazole: 5 mg/day x 120,000,000 mg / 500 mg/day.
    agent = _by_title(views, "Cleaning agent residue limit (Alkaline detergent)")
    assert agent.lines[0] == "Next product (worst case): Betazole"
    assert agent.result == "MACO = 1,200,000 mg"
    # 1,200,000 mg x 1,000 µg/mg x 25 / 120,000 cm² = 250,000 µg, x 80 % = 200,000 µg/swab.
    assert _by_title(views, "Alkaline detergent: limit per swab").result == (
        "L_swab = 200,000 µg/swab"
    )
    content["cleaning"]["agent_pde_mg_day"] = ""
    blocked = _by_title(for_document(CV, content, acme), "Cleaning agent residue limit")
    assert "Annex 15 §10.6" in blocked.error
