"""A QA user executes an approved cleaning validation protocol in the browser: one swab result
over its limit raises a deviation, the deviation is assessed with its CAPA and change-control
references, the performer signs, a second person approves, and the signed executed report is
downloaded. The protocol is approved in setup through the document services (the three-user
approval journey is its own browser test)."""

from __future__ import annotations

import hashlib
import io

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from lumen.accounts.roles import Role
from pharma.models import Execution, Membership
from tests.conftest import PASSWORD, _person, totp_code, totp_enable
from tests.pharma.protocols import approved_protocol

pytestmark = pytest.mark.e2e


@pytest.fixture
def vera_verifier(acme):
    user = _person("vera@acme.example", Role.PHARMA, "Vera Verifier")
    Membership.objects.create(user=user, organisation=acme)
    totp_enable(user)
    return user


def _sign_in(page, user) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password:", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.get_by_label("Code").fill(totp_code(user))
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("link", name="QA workspace")).to_be_visible()


def _sign(page, meaning: str, user) -> None:
    page.get_by_label("Meaning of this signature").select_option(meaning)
    # The first signature of a session takes the user ID as well (21 CFR 11.200(a)(1)).
    page.get_by_label("Your user ID (email)").fill(user.email)
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Sign execution").click()


def test_an_approved_protocol_is_executed_with_a_failing_swab_and_a_signed_report(
    desktop, browser, live_server, acme, acme_signer, vera_verifier
):
    revision = approved_protocol(acme, acme_signer, vera_verifier)
    page = desktop
    _sign_in(page, acme_signer)
    page.goto(f"/pharma/documents/{revision.document.uid}/")
    page.get_by_role("button", name="Execute revision 2").click()
    expect(page.get_by_role("heading", name="Execution CVP-0001-R2-EX01")).to_be_visible()

    page.get_by_label("Measured value (µg/swab) for Swab at Impeller blade (GR-01)").fill("12.5")
    page.get_by_role("button", name="Record result for Swab at Impeller blade (GR-01)").click()
    expect(page.get_by_text("Result recorded: pass.")).to_be_visible()

    chute = "Swab at Discharge chute (GR-01)"
    page.get_by_label(f"Measured value (µg/swab) for {chute}").fill("0,45")
    page.get_by_role("button", name=f"Record result for {chute}").click()
    expect(page.get_by_text("has a comma")).to_be_visible()
    page.get_by_label(f"Measured value (µg/swab) for {chute}").fill("450")
    page.get_by_label("Observation").first.fill("White film at the weld")
    page.locator('input[name="evidence"]').first.set_input_files(
        files=[{"name": "chute.png", "mimeType": "image/png",
                "buffer": b"\x89PNG\r\n\x1a\n" + b"\x00" * 64}]
    )  # fmt: skip
    page.get_by_role("button", name=f"Record result for {chute}").click()
    expect(page.get_by_text("Result recorded: FAIL. Deviation DEV-0001 was raised")).to_be_visible()
    expect(page.get_by_role("link", name="chute.png")).to_be_visible()

    page.get_by_label("Visually clean? (Equipment visually clean)").select_option("yes")
    page.get_by_role("button", name="Record result for Equipment visually clean").click()
    expect(page.get_by_text("Result recorded: pass.")).to_be_visible()

    page.get_by_label("Impact assessment").fill(
        "Next batch of Product B on hold; the chute is re-cleaned and re-sampled."
    )
    page.get_by_label("CAPA reference").fill("CAPA-2026-014")
    page.get_by_label("Change control reference").fill("CC-2026-031")
    page.get_by_role("button", name="Record assessment of DEV-0001").click()
    expect(page.get_by_text("Deviation DEV-0001 assessed.")).to_be_visible()

    _sign(page, "performed", acme_signer)
    expect(page.get_by_text("Signed CVP-0001-R2-EX01 as performed.")).to_be_visible()

    # A second person, in their own browser session, approves and downloads the report.
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 800})
    context.set_default_timeout(10_000)
    approver = context.new_page()
    _sign_in(approver, vera_verifier)
    run = Execution.objects.get()
    approver.goto(f"/pharma/executions/{run.uid}/")
    _sign(approver, "approved", vera_verifier)
    expect(approver.get_by_text("Signed CVP-0001-R2-EX01 as approved.")).to_be_visible()
    with approver.expect_download() as download_info:
        approver.get_by_role("link", name="Download executed report").click()
    download = download_info.value
    assert download.suggested_filename == "CVP-0001-R2-EX01.pdf"
    with open(download.path(), "rb") as file:
        pdf = file.read()
    context.close()

    pages = [p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages]
    text = " ".join(" ".join(pages).split())  # table cells wrap their lines
    for expected in ("FAIL", "DEV-0001", "CAPA-2026-014", "Performed", "Quinn QA", "Approved",
                     "Vera Verifier", "450 µg/swab", "Not more than 200 µg/swab", "chute.png"):  # fmt: skip
        assert expected in text, expected
    assert all("Record ID CVP-0001-R2-EX01" in p and "CONTROLLED COPY" in p for p in pages)
    run.refresh_from_db()
    assert run.pdf_sha256 == hashlib.sha256(pdf).hexdigest()

    # Changing the organisation's settings afterwards changes nothing in the executed record.
    acme.qa_settings = {"maco_ppm": 5}
    acme.save()
    page.goto(f"/pharma/executions/{run.uid}/")
    expect(page.get_by_text("not more than 200 µg/swab").first).to_be_visible()
    with page.expect_download() as again:
        page.get_by_role("link", name="Download executed report").click()
    with open(again.value.path(), "rb") as file:
        assert file.read() == pdf
