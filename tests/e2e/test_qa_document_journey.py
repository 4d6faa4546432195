"""A pharma QA user writes a cleaning validation protocol, approves it with an electronic
signature and downloads the controlled PDF."""

from __future__ import annotations

import io
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from pharma import kinds
from pharma.models import QADocument
from tests.conftest import PASSWORD, totp_code
from tests.pharma.document_data import complete_content

pytestmark = pytest.mark.e2e


def test_a_qa_user_creates_approves_and_downloads_a_cleaning_validation_protocol(
    desktop, acme_signer
):
    acme_qa = acme_signer  # signers have two-factor on: the code follows the password
    page = desktop
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(acme_qa.email)
    page.get_by_label("Password:", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.get_by_label("Code").fill(totp_code(acme_qa))
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("link", name="QA workspace")).to_be_visible()
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
    expect(page.get_by_text("Saved as revision 2.")).to_be_visible()

    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_text("is in review")).to_be_visible()
    page.get_by_role("link", name="Sign this revision").click()
    page.get_by_label("Meaning of this signature").select_option("approved")
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Sign revision 2").click()
    expect(page.get_by_text("Approved by Quinn QA")).to_be_visible()

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download PDF").click()
    download = download_info.value
    assert download.suggested_filename == "CVP-0001-rev2.pdf"
    with open(download.path(), "rb") as file:
        pdf = file.read()
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Granulator train A" in text and "Controlled copy" in text
    revision = QADocument.objects.get().revisions.get(number=2)
    import hashlib

    assert revision.pdf_sha256 == hashlib.sha256(pdf).hexdigest()


def _fill(page, name: str, spec, value) -> None:
    field = page.locator(f'[name="{name}"]')
    if spec.type == "choice":
        field.select_option(str(value))
    else:
        field.fill(str(value))
