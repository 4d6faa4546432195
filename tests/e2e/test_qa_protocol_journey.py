"""One cleaning validation protocol from draft to signed executed report, in the browser, by
three people of one organisation (issue 16's "Done means"):

- Quinn (author) writes it in the editor and submits it, assigning Rita to review and Avery
  to approve; each signs in their own browser session with their role, and the controlled
  PDF downloads byte-identical to the issued copy;
- Quinn executes the approved revision: one swab result over its limit raises a deviation,
  which is assessed with its CAPA and change-control references; Quinn signs as performed,
  Avery approves, and the signed executed report is downloaded;
- the organisation then changes its settings: the approved protocol shows the same limits and
  both PDFs download byte for byte as before."""

from __future__ import annotations

import hashlib
import io
import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from pharma import kinds
from pharma.models import Execution, QADocument
from tests.conftest import PASSWORD, totp_code
from tests.pharma.conftest import acme_member
from tests.pharma.document_data import complete_content

pytestmark = pytest.mark.e2e

CV = kinds.get("cleaning_validation")


def _sign_in(browser, live_server, user):
    """A fresh browser session for `user` (two-factor on, as every signer has)."""
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 800})
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password:", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.get_by_label("Code").fill(totp_code(user))
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("link", name="QA workspace")).to_be_visible()
    return page


def _sign_revision(page, url: str, meaning: str, user) -> None:
    page.goto(url)
    page.get_by_role("link", name="Sign this revision").click()
    page.get_by_label("Meaning of this signature").select_option(meaning)
    # The first signature of a session takes the user ID as well (21 CFR 11.200(a)(1)).
    page.get_by_label("Your user ID (email)").fill(user.email)
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Sign version 0.2").click()
    expect(page.get_by_text(f"Signed version 0.2 as {meaning}")).to_be_visible()


def _sign_execution(page, meaning: str) -> None:
    # Each signer signed the protocol earlier in this session: the password alone now.
    expect(page.get_by_label("Your user ID (email)")).to_have_count(0)
    page.get_by_label("Meaning of this signature").select_option(meaning)
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Sign execution").click()
    expect(page.get_by_text(f"Signed CVP-0001-R2-EX01 as {meaning}.")).to_be_visible()


def _download(page, link: str, filename: str) -> bytes:
    with page.expect_download() as download_info:
        page.get_by_role("link", name=link).click()
    download = download_info.value
    assert download.suggested_filename == filename
    with open(download.path(), "rb") as file:
        return file.read()


def _text(pdf: bytes) -> str:
    """The PDF's text with whitespace collapsed (table cells wrap their lines)."""
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())


def _fill(page, name: str, spec, value) -> None:
    field = page.locator(f'[name="{name}"]')
    if spec.type == "choice":
        field.select_option(str(value))
    else:
        field.fill(str(value))


def _write_protocol(page) -> str:
    """Create the protocol and fill every field from the kind's declaration; returns its URL."""
    page.goto("/pharma/documents/")
    page.get_by_label("Kind").last.select_option("cleaning_validation")
    page.get_by_label("Title").fill("Granulator train A")
    page.get_by_role("button", name="Create").click()
    expect(page).to_have_url(re.compile(r"/pharma/documents/[0-9a-f-]+/edit/$"))
    content = complete_content(CV, rows=2)
    for section in CV.sections:
        values = content[section.key]
        for spec in section.fields:
            _fill(page, f"f-{section.key}-{spec.key}", spec, values[spec.key])
        for table in section.tables:
            for index, row in enumerate(values[table.key]):
                name = f"t-{section.key}-{table.key}-{index}-{table.columns[0].key}"
                if not page.locator(f'[name="{name}"]').count():  # through "Add a row"
                    page.get_by_role("button", name=f"Add a row to {table.label.lower()}").click()
                for column in table.columns:
                    _fill(page, f"t-{section.key}-{table.key}-{index}-{column.key}", column,
                          row[column.key])  # fmt: skip
    page.get_by_label("Reason for change").fill("First complete draft")
    page.get_by_role("button", name="Save revision").click()
    expect(page.get_by_text("Saved as version 0.2 (revision 2).")).to_be_visible()
    return page.url


def _record(page, criterion: dict, value: str | None = None) -> None:
    """One result: a measured value for a limit, "yes" for a visual or stated check."""
    label = criterion["label"]
    if criterion["type"] == "limit":
        page.get_by_label(f"Measured value ({criterion['unit']}) for {label}", exact=True).fill(
            value
        )
    elif criterion["type"] == "visual":
        page.get_by_label(f"Visually clean? ({label})", exact=True).select_option("yes")
    else:
        page.get_by_label(f"Requirement met? ({label})", exact=True).select_option("yes")
    page.get_by_role("button", name=f"Record result for {label}", exact=True).click()


def test_a_protocol_is_approved_by_three_people_executed_with_a_deviation_and_stays_frozen(
    browser, live_server, acme, acme_signer
):
    reviewer = acme_member(acme, "rita@acme.example", "Rita Reviewer", "reviewer")
    approver = acme_member(acme, "avery@acme.example", "Avery Approver", "approver")

    # --- Author → reviewer → approver ---------------------------------------------------
    author = _sign_in(browser, live_server, acme_signer)
    url = _write_protocol(author)
    author.get_by_role("group", name="Reviewers").get_by_label("Rita Reviewer").check()
    author.get_by_role("group", name="Approvers").get_by_label("Avery Approver").check()
    author.get_by_role("button", name="Submit for review").click()
    expect(author.get_by_text("Version 0.2 is in review.")).to_be_visible()
    _sign_revision(author, url, "authored", acme_signer)
    _sign_revision(_sign_in(browser, live_server, reviewer), url, "reviewed", reviewer)
    approving = _sign_in(browser, live_server, approver)
    _sign_revision(approving, url, "approved", approver)
    author.goto(url)
    for line in ("Authored by Quinn QA (Author)", "Reviewed by Rita Reviewer (Reviewer)",
                 "Approved by Avery Approver (Approver)"):  # fmt: skip
        expect(author.get_by_text(line)).to_be_visible()
    protocol_pdf = _download(author, "Download PDF", "CVP-0001-v1.0.pdf")
    assert "Granulator train A" in _text(protocol_pdf)
    assert "Controlled copy" in _text(protocol_pdf)
    revision = QADocument.objects.get().revisions.get(number=2)
    assert revision.version == "1.0"
    assert revision.pdf_sha256 == hashlib.sha256(protocol_pdf).hexdigest()
    limits_shown = author.locator("#calc-title").locator("..").inner_text()

    # --- Execution: one swab over its limit raises a deviation ---------------------------
    author.get_by_role("button", name="Execute revision 2").click()
    expect(author.get_by_role("heading", name="Execution CVP-0001-R2-EX01")).to_be_visible()
    criteria = Execution.objects.get().criteria
    swab = next(c for c in criteria if c["type"] == "limit" and c["key"].startswith("swab"))
    over = str(Decimal(swab["limit"]) * 3)
    # Observation and photo evidence go with the failing result (kept with its SHA-256).
    author.locator(f"#o-{swab['key']}").fill("White film at the weld")
    author.locator(f"#e-{swab['key']}").set_input_files(
        files=[{"name": "swab.png", "mimeType": "image/png",
                "buffer": b"\x89PNG\r\n\x1a\n" + b"\x00" * 64}]
    )  # fmt: skip
    _record(author, swab, over)
    expect(
        author.get_by_text("Result recorded: FAIL. Deviation DEV-0001 was raised")
    ).to_be_visible()
    expect(author.get_by_role("link", name="swab.png")).to_be_visible()
    for criterion in criteria:
        if criterion is not swab:  # at the limit passes: limits are "not more than"/"at least"
            _record(author, criterion, criterion.get("limit"))
            expect(author.get_by_text("Result recorded: pass.")).to_be_visible()
    author.get_by_label("Impact assessment").fill(
        "Next batch on hold; the location is re-cleaned and re-sampled."
    )
    author.get_by_label("CAPA reference").fill("CAPA-2026-014")
    author.get_by_label("Change control reference").fill("CC-2026-031")
    author.get_by_role("button", name="Record assessment of DEV-0001").click()
    expect(author.get_by_text("Deviation DEV-0001 assessed.")).to_be_visible()
    _sign_execution(author, "performed")

    run = Execution.objects.get()
    approving.goto(f"/pharma/executions/{run.uid}/")
    _sign_execution(approving, "approved")
    report = _download(approving, "Download executed report", "CVP-0001-R2-EX01.pdf")
    text = _text(report)
    for expected in ("FAIL (DEV-0001)", "CAPA-2026-014", "CC-2026-031",
                     "Performed Quinn QA Author", "Approved Avery Approver Approver",
                     f"{over} {swab['unit']}", f"Not more than {swab['limit']} {swab['unit']}",
                     "White film at the weld", "Evidence: swab.png", "CONTROLLED COPY"):  # fmt: skip
        assert expected in text, expected
    run.refresh_from_db()
    assert run.pdf_sha256 == hashlib.sha256(report).hexdigest()

    # --- The organisation changes its settings: nothing approved moves --------------------
    acme.qa_settings = {"maco_ppm": 1, "maco_dose_safety_factor": 10}
    acme.save()
    author.goto(url)
    assert author.locator("#calc-title").locator("..").inner_text() == limits_shown
    assert _download(author, "Download PDF", "CVP-0001-v1.0.pdf") == protocol_pdf
    author.goto(f"/pharma/executions/{run.uid}/")
    expect(
        author.get_by_text(f"not more than {swab['limit']} {swab['unit']}").first
    ).to_be_visible()
    assert _download(author, "Download executed report", "CVP-0001-R2-EX01.pdf") == report
