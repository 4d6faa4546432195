"""A QA user executes an approved water system protocol (WFI, Ph. Eur.) in the browser,
through the same pages as a cleaning protocol: conductivity is entered with the water's
temperature and judged against the stage 1 row for it, one result over it raises a
deviation, the deviation is assessed, the performer signs, a second person approves, and the
signed executed report is downloaded. The protocol is approved in setup through the
document services."""

from __future__ import annotations

import io

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from lumen.accounts.roles import Role
from pharma.models import Execution, Membership
from tests.conftest import PASSWORD, _person, totp_code, totp_enable
from tests.e2e.accessibility import audit
from tests.pharma.protocols import WATER, approved_protocol, water_protocol_content

pytestmark = pytest.mark.e2e


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


def test_a_water_protocol_is_executed_with_conductivity_judged_by_temperature(
    phone, browser, live_server, acme, acme_signer
):
    vera = _person("vera@acme.example", Role.PHARMA, "Vera Verifier")
    Membership.objects.create(user=vera, organisation=acme)
    totp_enable(vera)
    revision = approved_protocol(acme, acme_signer, vera, title="WFI loop", kind=WATER,
                                 content=water_protocol_content())  # fmt: skip
    page = phone  # on a phone, as at the sampling point
    _sign_in(page, acme_signer)
    page.goto(f"/pharma/documents/{revision.document.uid}/")
    page.get_by_role("button", name="Execute revision 2").click()
    expect(page.get_by_role("heading", name="Execution WSV-0001-R2-EX01")).to_be_visible()

    point = "Conductivity at POU-1"
    page.get_by_label(f"Measured value (µS/cm) for {point}").fill("1.2")
    page.get_by_label(f"Water temperature (°C) for {point}").fill("230")
    page.get_by_role("button", name=f"Record result for {point}").click()
    expect(page.get_by_text("The water temperature must be 0 to 100 °C.")).to_be_visible()
    page.get_by_label(f"Measured value (µS/cm) for {point}").fill("1.2")
    page.get_by_label(f"Water temperature (°C) for {point}").fill("23.4")
    page.get_by_role("button", name=f"Record result for {point}").click()
    # Stage 1 row 20 °C (23.4 °C rounds down): 1.1 µS/cm.
    expect(page.get_by_text("Result recorded: FAIL. Deviation DEV-0001 was raised")).to_be_visible()
    expect(page.get_by_text("row 20 °C for 23.4 °C").first).to_be_visible()

    run = Execution.objects.get()
    for criterion in run.criteria[1:]:
        label = criterion["label"]
        page.get_by_label(f"Measured value ({criterion['unit']}) for {label}").fill("0.1")
        if criterion.get("by"):
            page.get_by_label(f"Water temperature (°C) for {label}").fill("25")
        page.get_by_role("button", name=f"Record result for {label}").click()
        expect(page.get_by_text("Result recorded: pass.")).to_be_visible()
    # The execution page at its fullest (results, a deviation to assess, signing) on a phone.
    assert audit(page) == []

    page.get_by_label("Impact assessment").fill(
        "Point of use POU-1 not used until stages 2 and 3 and a resample are within limits."
    )
    page.get_by_label("CAPA reference").fill("CAPA-2026-021")
    page.get_by_role("button", name="Record assessment of DEV-0001").click()
    expect(page.get_by_text("Deviation DEV-0001 assessed.")).to_be_visible()
    _sign(page, "performed", acme_signer)
    expect(page.get_by_text("Signed WSV-0001-R2-EX01 as performed.")).to_be_visible()

    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 800})
    context.set_default_timeout(10_000)
    approver = context.new_page()
    _sign_in(approver, vera)
    approver.goto(f"/pharma/executions/{run.uid}/")
    _sign(approver, "approved", vera)
    expect(approver.get_by_text("Signed WSV-0001-R2-EX01 as approved.")).to_be_visible()
    with approver.expect_download() as download_info:
        approver.get_by_role("link", name="Download executed report").click()
    with open(download_info.value.path(), "rb") as file:
        pdf = file.read()
    context.close()

    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    for expected in ("1.2 µS/cm at 23.4 °C", "FAIL", "DEV-0001", "CAPA-2026-021",
                     "Not more than 0.25 IU/mL", "Vera Verifier"):  # fmt: skip
        assert expected in text, expected
