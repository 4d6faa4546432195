"""The compliance checker reads (issue 16, finding 8): a denied or deferred element is not
counted present, a stated swab limit that contradicts the stated MACO and areas is reported,
and document control (number, version, effective date, approvals, review period, numbered
steps) is checked, all in the same report format with citations."""

from __future__ import annotations

import pytest

from pharma import compliance, kinds
from pharma.compliance import CONTRADICTED, MISSING, PRESENT, WEAK, Passage
from tests.pharma.compliance_files import COMPLETE_CV, cv_without

CV = kinds.CLEANING_VALIDATION


def read(text: str, kind: kinds.Kind = CV):
    passages = [Passage(None, p, n) for n, p in enumerate(text.split("\n\n"), start=1)]
    return compliance.check_text(kind, passages)


def statuses(report) -> dict[str, str]:
    return {f.element.key: f.status for f in report.findings}


def test_visual_only_no_pde_no_maco_no_recovery_is_not_counted_present():
    text = cv_without("pde", "maco", "recovery", "visual") + (
        "\n\n12. Acceptance criteria\nVisual inspection only, no PDE, no MACO, one cycle, "
        "no recovery study."
    )
    report = read(text)
    found = statuses(report)
    assert found["hbel"] == found["maco"] == found["recovery"] == MISSING
    assert found["visual"] == WEAK
    maco = next(f for f in report.findings if f.element.key == "maco")
    assert maco.note == "Mentioned only to say it is not done or not needed."
    assert "no MACO" in maco.snippet and maco.where == "paragraph 13"
    visual = next(f for f in report.findings if f.element.key == "visual")
    assert "not used alone" in visual.note
    # Three missing and one weak: a keyword count would have scored them all present.
    assert report.score == round(100 * (len(report.findings) - 3.5) / len(report.findings))


def test_a_poor_sop_saying_records_and_training_are_not_needed_has_neither():
    text = (
        "Purpose and scope: cleaning of the mixer.\n\nProcedure\n1. Be careful with the "
        "equipment.\n2. Wipe it down.\n\nNo records are needed.\n\nTraining: not needed."
    )
    found = statuses(read(text, kinds.SOP))
    assert found["records"] == MISSING and found["training"] == MISSING
    assert found["procedure"] == PRESENT and found["purpose"] == PRESENT


@pytest.mark.parametrize(
    "sentence",
    ["Records are not required for this step.", "Records: n/a.", "Records: none."],
)
def test_other_ways_of_saying_not_needed(sentence):
    assert statuses(read(sentence, kinds.SOP))["records"] == MISSING


def test_a_limit_put_off_to_later_is_weak_not_present():
    text = cv_without("pde") + "\n\nThe PDE will be established later by toxicology."
    report = read(text)
    finding = next(f for f in report.findings if f.element.key == "hbel")
    assert finding.status == WEAK and "Put off to later" in finding.note


def test_a_mention_that_is_not_denied_still_counts():
    found = statuses(read("Visual inspection is not used alone.\n\nNo visible residue."))
    assert found["visual"] == PRESENT


# --- numbers that contradict each other ------------------------------------------------------

AREAS = (
    "The MACO is 125 mg. The total shared product-contact area is 50,000 cm². "
    "The swab area is 25 cm²."
)


def test_a_swab_limit_above_what_the_maco_and_areas_allow_is_contradicted():
    # 125 mg x 1,000 µg/mg x 25 cm² / 50,000 cm² = 62.5 µg per swab at most.
    report = read(COMPLETE_CV.replace("2.1 µg per swab", "") + f"\n\n{AREAS} "
                  "The limit per swab is 500 µg.")  # fmt: skip
    finding = report.findings[-1]
    assert finding.element.key == "consistency_swab" and finding.status == CONTRADICTED
    assert "62.5 µg per swab at most; stated 500 µg per swab" in finding.note
    assert "Annex 15" in finding.element.source
    assert report.score < 100 and finding in report.gaps


def test_a_consistent_swab_limit_is_present_with_its_arithmetic():
    report = read(COMPLETE_CV.replace("2.1 µg per swab", "") + f"\n\n{AREAS} "
                  "The limit per swab is 40 µg (after 80 % recovery).")  # fmt: skip
    finding = report.findings[-1]
    assert finding.status == PRESENT and "= 62.5 µg per swab at most" in finding.snippet
    assert report.score == 100


def test_units_are_converted_before_comparing():
    text = ("The MACO is 0.1 g. The total shared area is 50,000 cm². Each swab covers 25 cm². "
            "Swab limit 0.06 mg.")  # fmt: skip
    assert read(text).findings[-1].status == CONTRADICTED  # 60 µg > 50 µg


def test_nothing_is_said_about_consistency_unless_all_numbers_are_stated():
    assert "consistency_swab" not in statuses(read(COMPLETE_CV))


# --- document control ------------------------------------------------------------------------


def test_document_control_elements_are_found_with_their_guidance():
    report = read(COMPLETE_CV)
    control = [f for f in report.findings if f.element in compliance.DOCUMENT_CONTROL]
    assert [f.element.key for f in control] == [
        "doc_number", "version", "effective_date", "approvals", "review_period",
        "numbered_steps",
    ]  # fmt: skip
    assert {f.status for f in control} == {PRESENT}
    assert all(f.element.source.startswith("EU GMP Part I, Chapter 4") for f in control)
    effective = next(f for f in control if f.element.key == "effective_date")
    assert "2026-03-01" in effective.snippet


def test_a_document_without_document_control_misses_each_element():
    text = "Purpose: clean the mixer.\n\nWipe it down and let it dry."
    found = statuses(read(text, kinds.SOP))
    for key in ("doc_number", "version", "effective_date", "approvals", "review_period",
                "numbered_steps"):  # fmt: skip
        assert found[key] == MISSING, key


def test_periodic_review_not_required_is_missing_and_an_undated_approval_is_weak():
    text = "SOP-QA-001 Version 2\n\nPeriodic review: not required.\n\nApproved by the QA head."
    found = statuses(read(text, kinds.SOP))
    assert found["doc_number"] == found["version"] == PRESENT
    assert found["review_period"] == MISSING
    assert found["approvals"] == WEAK


def test_the_page_shows_a_contradiction_in_the_same_report(client, acme_qa, login):
    from django.core.files.uploadedfile import SimpleUploadedFile

    login(acme_qa)
    text = f"{AREAS} The limit per swab is 500 µg."
    response = client.post("/pharma/compliance/", {
        "file": SimpleUploadedFile("p.txt", text.encode()), "kind": CV.key})  # fmt: skip
    page = response.content.decode()
    assert '<span class="status-badge status-contradicted">Contradicted</span>' in page
    assert "The numbers contradict each other" in page
    assert "Swab limit consistent with the MACO and the areas" in page


def test_an_sop_that_only_says_be_careful_with_the_equipment_is_weak_on_equipment():
    text = "Procedure\n1. Be careful with the equipment.\n2. Wipe it down."
    report = read(text, kinds.SOP)
    equipment = next(f for f in report.findings if f.element.key == "equipment")
    assert equipment.status == WEAK and "in passing" in equipment.note
    listed = read("Materials and equipment: mixer MX-2, lint-free wipes.", kinds.SOP)
    assert statuses(listed)["equipment"] == PRESENT


# --- Lumen's own documents ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "status"),
    [
        ("Not needed.", MISSING),
        ("N/A", MISSING),
        ("No records are needed.", MISSING),
        ("None", MISSING),
        ("To be defined", WEAK),
        ("Will be established later.", WEAK),
        ("Batch record BR-12 and the cleaning log.", PRESENT),
    ],
)
def test_a_field_that_only_denies_or_defers_is_not_present(value, status):
    content = kinds.SOP.empty_content()
    content["records"]["records"] = value
    finding = next(
        f for f in compliance.check_content(kinds.SOP, content).findings
        if f.element.key == "records"
    )  # fmt: skip
    assert finding.status == status


def test_a_limit_per_area_above_maco_over_the_shared_area_is_contradicted():
    # 125 mg x 1,000 µg/mg / 50,000 cm² = 2.5 µg/cm² at most.
    report = read(f"{AREAS} The surface limit is 25 µg/cm².")
    finding = next(f for f in report.findings if f.element.key == "consistency_area")
    assert finding.status == CONTRADICTED
    assert "2.5 µg/cm² at most; stated 25 µg/cm²" in finding.note
    fine = read(f"{AREAS} The surface limit is 2 µg/cm².")
    assert statuses(fine)["consistency_area"] == PRESENT


def test_a_swab_larger_than_the_whole_area_is_contradicted():
    text = "The MACO is 125 mg. The total shared area is 20 cm². The swab area is 25 cm²."
    finding = read(text).findings[-1]
    assert finding.status == CONTRADICTED and "larger than the whole shared area" in finding.note
