"""Three people of one organisation take a cleaning validation protocol through the approval
workflow: Quinn writes and submits it (assigning Rita to review and Avery to approve), each
signs with their role, and the controlled PDF downloads byte-identical to the issued copy;
changing the organisation's settings afterwards changes nothing in the approved record."""

from __future__ import annotations

import hashlib
import io
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from pharma import kinds
from pharma.models import QADocument
from tests.conftest import PASSWORD, totp_code
from tests.pharma.conftest import acme_member
from tests.pharma.document_data import complete_content

pytestmark = pytest.mark.e2e


def _sign_in(browser, live_server, user):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 800})
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password:", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.get_by_label("Code").fill(totp_code(user))  # signers have two-factor on
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("link", name="QA workspace")).to_be_visible()
    return page


def _sign(page, url: str, meaning: str, user) -> None:
    page.goto(url)
    page.get_by_role("link", name="Sign this revision").click()
    page.get_by_label("Meaning of this signature").select_option(meaning)
    page.get_by_label("Your user ID (email)").fill(user.email)  # first signing of the session
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Sign version 0.2").click()
    expect(page.get_by_text(f"Signed version 0.2 as {meaning}")).to_be_visible()


def test_author_reviewer_and_approver_take_a_protocol_to_an_issued_pdf(
    desktop, browser, live_server, acme, acme_signer
):
    reviewer = acme_member(acme, "rita@acme.example", "Rita Reviewer", "reviewer")
    approver = acme_member(acme, "avery@acme.example", "Avery Approver", "approver")
    page = _sign_in(browser, live_server, acme_signer)
    page.goto("/pharma/documents/")

    page.get_by_label("Kind").last.select_option("cleaning_validation")
    page.get_by_label("Title").fill("Granulator train A")
    page.get_by_role("button", name="Create").click()
    expect(page).to_have_url(re.compile(r"/pharma/documents/[0-9a-f-]+/edit/$"))

    # Fill every field from the kind's declaration; the equipment table gets a second row
    # through "Add a row" first.
    cv = kinds.get("cleaning_validation")
    page.get_by_role("button", name="Add a row to equipment train").click()
    expect(page.locator('[name="t-equipment-train-1-equipment_id"]')).to_be_visible()
    content = complete_content(cv, rows=2)
    for section in cv.sections:
        values = content[section.key]
        for spec in section.fields:
            _fill(page, f"f-{section.key}-{spec.key}", spec, values[spec.key])
        for table in section.tables:
            for index, row in enumerate(values[table.key]):
                name = f"t-{section.key}-{table.key}-{index}-{table.columns[0].key}"
                if not page.locator(f'[name="{name}"]').count():
                    page.get_by_role("button", name=f"Add a row to {table.label.lower()}").click()
                for column in table.columns:
                    _fill(page, f"t-{section.key}-{table.key}-{index}-{column.key}", column,
                          row[column.key])  # fmt: skip
    page.get_by_label("Reason for change").fill("First complete draft")
    page.get_by_role("button", name="Save revision").click()
    expect(page.get_by_text("Saved as version 0.2 (revision 2).")).to_be_visible()
    url = page.url

    page.get_by_role("group", name="Reviewers").get_by_label("Rita Reviewer").check()
    page.get_by_role("group", name="Approvers").get_by_label("Avery Approver").check()
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_text("Version 0.2 is in review.")).to_be_visible()
    _sign(page, url, "authored", acme_signer)
    for person, meaning in ((reviewer, "reviewed"), (approver, "approved")):
        _sign(_sign_in(browser, live_server, person), url, meaning, person)
        page.goto(url)
    expect(page.get_by_text("Approved by Avery Approver (Approver)")).to_be_visible()
    expect(page.get_by_text("Reviewed by Rita Reviewer (Reviewer)")).to_be_visible()
    expect(page.get_by_text("Authored by Quinn QA (Author)")).to_be_visible()

    pdf = _download(page)
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Granulator train A" in text and "Controlled copy" in text
    revision = QADocument.objects.get().revisions.get(number=2)
    assert revision.version == "1.0"
    assert revision.pdf_sha256 == hashlib.sha256(pdf).hexdigest()

    # The organisation changes its MACO criterion: the approved record does not move.
    shown = page.locator("#calc-title").locator("..").inner_text()
    acme.qa_settings = {"maco_ppm": 1, "maco_dose_safety_factor": 10}
    acme.save()
    page.reload()
    assert page.locator("#calc-title").locator("..").inner_text() == shown
    assert _download(page) == pdf


def _download(page) -> bytes:
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download PDF").click()
    download = download_info.value
    assert download.suggested_filename == "CVP-0001-v1.0.pdf"
    with open(download.path(), "rb") as file:
        return file.read()


def _fill(page, name: str, spec, value) -> None:
    field = page.locator(f'[name="{name}"]')
    if spec.type == "choice":
        field.select_option(str(value))
    else:
        field.fill(str(value))
