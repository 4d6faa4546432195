"""pharma.compliance: reading uploads, finding required elements, scoring, suggestions."""

# ruff: noqa: F811 - pytest passes the imported fake_tgi fixture to tests by its name
from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pharma import compliance, kinds
from pharma.compliance import MISSING, PRESENT, WEAK, ComplianceInputError, Passage
from tests.fakes.tgi_server import fake_tgi  # noqa: F401 - the fixture
from tests.pharma.compliance_files import (
    COMPLETE_CV,
    EXE,
    PNG,
    blank_pdf,
    cv_without,
    docx_from_text,
    docx_from_xml,
    encrypted,
    lying_zip_bomb_docx,
    pdf_from_text,
    zip_bomb_docx,
)

CV = kinds.CLEANING_VALIDATION


def upload(data: bytes | str, name: str = "protocol.txt") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data.encode() if isinstance(data, str) else data)


def check(data: bytes | str, name: str = "protocol.txt", kind: kinds.Kind = CV):
    return compliance.check_text(kind, compliance.extract_text(upload(data, name)))


def statuses(report) -> dict[str, str]:
    return {f.element.key: f.status for f in report.findings}


def refusal(data: bytes | str, name: str) -> str:
    with pytest.raises(ComplianceInputError) as caught:
        compliance.extract_text(upload(data, name))
    return str(caught.value)


# --- finding elements in text ---------------------------------------------------------------


def test_a_complete_cleaning_validation_protocol_has_every_element_present():
    report = check(COMPLETE_CV)
    assert set(statuses(report).values()) == {PRESENT}
    assert report.score == 100
    assert [f.element.key for f in report.findings] == [
        e.key for e in (*CV.elements, *compliance.DOCUMENT_CONTROL)
    ]


def test_each_finding_says_where_it_was_found_with_a_snippet_and_its_guidance():
    dirty_hold = next(f for f in check(COMPLETE_CV).findings if f.element.key == "dirty_hold")
    assert dirty_hold.where == "paragraph 6"
    assert "48 hours" in dirty_hold.snippet
    assert dirty_hold.element.source == "WHO TRS 937 Annex 4, §4.1.3"


def test_a_protocol_without_hold_times_and_recovery_reports_them_missing():
    report = check(cv_without("hold time", "recovery"))
    found = statuses(report)
    assert found["dirty_hold"] == found["clean_hold"] == found["recovery"] == MISSING
    assert report.missing == 3 and report.weak == 0
    assert report.score == round(100 * (len(report.findings) - 3) / len(report.findings))
    missing = next(f for f in report.findings if f.element.key == "recovery")
    assert missing.where == "" and missing.snippet == "" and missing.note


def test_an_element_mentioned_without_its_detail_is_weak():
    text = cv_without("hold time") + (
        "\n\nThe clean hold between cleaning and use is 72 hours.\n\n"
        "The dirty hold time will be defined later by Production."
    )
    report = check(text)
    found = statuses(report)
    assert found["dirty_hold"] == WEAK  # mentioned, but no number of hours anywhere near it
    assert found["clean_hold"] == PRESENT
    weak = next(f for f in report.findings if f.element.key == "dirty_hold")
    assert "defined later" in weak.snippet and weak.note


def test_detail_in_the_paragraph_after_a_heading_counts_as_near():
    passages = [Passage(None, "Dirty hold time", 1), Passage(None, "At most 24 h.", 2)]
    assert statuses(compliance.check_text(CV, passages))["dirty_hold"] == PRESENT


def test_a_weak_element_counts_half_in_the_score():
    passages = [Passage(None, "Objectives and the dirty hold time (to be defined).", 1)]
    report = compliance.check_text(CV, passages)
    assert (report.present, report.weak) == (1, 1)
    assert report.score == round(100 * 1.5 / len(report.findings))


def test_terms_match_across_the_line_breaks_pdf_extraction_leaves():
    passages = [Passage(2, "The dirty\nhold time is 12\nhours.")]
    finding = compliance.check_text(CV, passages).findings[3]
    assert (finding.element.key, finding.status, finding.where) == ("dirty_hold", PRESENT, "page 2")


def test_numbered_steps_make_an_sop_procedure_present():
    text = "Purpose and scope\n\nProcedure\n1. Open the valve.\n2. Rinse."
    found = statuses(check(text, kind=kinds.SOP))
    assert found["procedure"] == PRESENT and found["purpose"] == PRESENT


# --- reading files ---------------------------------------------------------------------------


def test_a_pdf_is_read_page_by_page():
    report = check(pdf_from_text(COMPLETE_CV), "protocol.pdf")
    assert report.score == 100
    assert all(f.where.startswith("page ") for f in report.findings)


def test_a_docx_is_read_paragraph_by_paragraph():
    report = check(docx_from_text(COMPLETE_CV), "protocol.docx")
    assert report.score == 100
    assert next(f for f in report.findings if f.element.key == "recovery").where == "paragraph 12"


def test_text_that_is_not_utf8_is_still_read():
    passages = compliance.extract_text(
        upload("Dirty hold time: 48 hours at 25 °C".encode("cp1252"))
    )
    assert "25 °C" in passages[0].text


def test_a_password_protected_pdf_is_refused_with_a_clear_message():
    assert "password-protected" in refusal(
        encrypted(pdf_from_text("Objectives"), password="s3cret"), "p.pdf"
    )


def test_a_pdf_without_text_is_refused_as_scanned():
    assert "scanned images are not supported" in refusal(blank_pdf(), "scan.pdf")


def test_an_empty_file_is_refused():
    assert refusal(b"", "empty.txt") == "The file is empty."
    assert refusal(b"  \n\n ", "blank.txt") == "The file is empty."


def test_an_image_is_refused_whatever_its_name():
    assert "is an image" in refusal(PNG, "photo.png")
    assert "named .pdf but its content is not a PDF" in refusal(PNG, "protocol.pdf")


def test_an_executable_renamed_pdf_is_refused():
    assert "named .pdf" in refusal(EXE, "protocol.pdf")
    assert "not a PDF, Word (.docx) or plain-text" in refusal(EXE, "protocol.txt")


def test_a_text_file_named_docx_is_refused():
    assert "not a Word (.docx) document" in refusal(COMPLETE_CV, "protocol.docx")


def test_a_file_over_the_upload_limit_is_refused(settings):
    settings.LUMEN_COMPLIANCE_MAX_UPLOAD = 1000
    assert "larger than" in refusal("x" * 1001, "big.txt")
    assert compliance.extract_text(upload("Objectives " * 90))  # 990 bytes: fine


def test_a_zip_bomb_docx_is_refused_before_it_is_inflated():
    message = refusal(zip_bomb_docx(), "bomb.docx")
    assert "expands to more than 25 MB" in message


def test_a_zip_bomb_that_lies_about_its_size_is_not_inflated_past_its_claim():
    assert "could not be read" in refusal(lying_zip_bomb_docx(), "bomb.docx")


def test_a_docx_with_a_dtd_is_refused_before_parsing():
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><d>&b;</d>'
    )
    assert "could not be read" in refusal(docx_from_xml(laughs), "laughs.docx")


def test_a_zip_that_is_not_a_docx_and_a_damaged_pdf_are_refused():
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    assert "not a Word (.docx)" in refusal(out.getvalue(), "sheet.xlsx")
    assert "could not be read" in refusal(b"%PDF-1.7\n garbage", "broken.pdf")


# --- Lumen's own documents ---------------------------------------------------------------------


def test_lumens_own_document_is_checked_field_by_field():
    content = CV.empty_content()
    content["purpose"]["objective"] = "Show the cleaning works."
    content["cleaning"]["dirty_hold_h"] = 48
    content["cleaning"]["clean_hold_h"] = "   "
    content["analytics"]["method"] = "HPLC"  # without LOD and LOQ: weak
    content["equipment"]["train"] = [{"equipment_id": "GT-1", "description": ""}]  # incomplete row
    content["responsibilities"]["people"] = [{"role": "QA", "name": "Quinn"}]
    report = compliance.check_content(CV, content, subject="CVP-0001")
    found = statuses(report)
    assert found["objectives"] == found["dirty_hold"] == found["responsibilities"] == PRESENT
    assert found["clean_hold"] == MISSING
    assert found["analytical"] == WEAK
    assert found["equipment"] == WEAK
    dirty = next(f for f in report.findings if f.element.key == "dirty_hold")
    assert dirty.where == "Cleaning procedure: Dirty hold time (end of production to cleaning)"
    assert dirty.snippet == "48 h"
    equipment = next(f for f in report.findings if f.element.key == "equipment")
    assert "Row 1 lacks a required column" in equipment.note


def test_a_table_with_fewer_rows_than_required_is_weak():
    kind = kinds.SOP
    content = kind.empty_content()
    assert statuses(compliance.check_content(kind, content))["procedure"] == MISSING
    content["procedure"]["steps"] = [{"step": "Open the valve."}]
    assert statuses(compliance.check_content(kind, content))["procedure"] == PRESENT


def test_an_empty_document_scores_zero():
    report = compliance.check_content(CV, {})
    assert report.score == 0 and report.missing == len(CV.elements)


# --- suggestions -----------------------------------------------------------------------------


def test_no_suggestions_without_a_language_model():
    assert compliance.suggest(check(cv_without("recovery"))) is None


def test_suggestions_come_from_the_generator_for_the_gaps(settings, fake_tgi):
    settings.LUMEN_GENERATOR, settings.LUMEN_GENERATOR_URL = "tgi", fake_tgi.url
    settings.LUMEN_GENERATOR_ADAPTER_ID = "lumen-medical"
    fake_tgi.reply = "Add a recovery study with its percentage [1]."
    suggestions = compliance.suggest(check(cv_without("recovery")))
    assert suggestions.text == "Add a recovery study with its percentage [1]."
    (body,) = fake_tgi.bodies()
    assert "Recovery study data" in body["inputs"]
    assert "regulatory and quality assistant" in body["inputs"]  # the pharma audience


def test_a_failing_generator_gives_a_notice_not_an_error(settings, fake_tgi):
    settings.LUMEN_GENERATOR, settings.LUMEN_GENERATOR_URL = "tgi", fake_tgi.url
    fake_tgi.mode = "error_500"
    suggestions = compliance.suggest(check(cv_without("recovery")))
    assert suggestions.text == "" and "unavailable" in suggestions.notice


def test_nothing_to_suggest_when_every_element_is_present(settings, fake_tgi):
    settings.LUMEN_GENERATOR, settings.LUMEN_GENERATOR_URL = "tgi", fake_tgi.url
    assert compliance.suggest(check(COMPLETE_CV)) is None
    assert fake_tgi.requests == []
