"""QA document pages on a 390 px phone: the list, an approved document (its SHA-256, record
ID and tables) and the editor fit the screen without sideways scrolling of the page; wide
tables scroll inside their own region, and the list's status is on screen."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from pharma import documents, kinds
from tests.e2e.conftest import sign_in, watch_console
from tests.pharma.conftest import acme_member, approve
from tests.pharma.document_data import complete_content

pytestmark = pytest.mark.e2e

CV = kinds.CLEANING_VALIDATION
PHONE_WIDTH = 390


@pytest.fixture
def approved_protocol(acme, acme_signer):
    reviewer = acme_member(acme, "rita@acme.example", "Rita Reviewer", "reviewer")
    approver = acme_member(acme, "avery@acme.example", "Avery Approver", "approver")
    document = documents.document_create(
        organisation=acme, user=acme_signer, kind=CV.key,
        title="Granulator train A, product changeover cleaning (worst case: API-7)",
    )  # fmt: skip
    revision = documents.revision_save(
        document=document, user=acme_signer, content=complete_content(CV, rows=3), reason="Drafted"
    )
    approve(revision, acme_signer, reviewer, approver)
    document.refresh_from_db()
    return document


def _page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def test_the_document_pages_fit_a_phone(phone, acme_signer, approved_protocol):
    problems = watch_console(phone)
    sign_in(phone, acme_signer, totp=True)
    uid = approved_protocol.uid

    phone.goto("/pharma/documents/")
    status = phone.locator("table .status").first
    expect(status).to_have_text("Approved")
    box = status.bounding_box()
    assert box["x"] + box["width"] <= PHONE_WIDTH  # the status is on screen, not cut off
    assert _page_width(phone) <= PHONE_WIDTH

    phone.goto(f"/pharma/documents/{uid}/")
    expect(phone.get_by_text("Issued PDF SHA-256")).to_be_visible()
    assert _page_width(phone) <= PHONE_WIDTH

    phone.goto(f"/pharma/documents/{uid}/edit/")
    expect(phone.get_by_role("button", name="Save revision")).to_be_visible()
    assert _page_width(phone) <= PHONE_WIDTH
    # A wide table scrolls inside its own region, which a keyboard can reach.
    region = phone.locator(".table-scroll").first
    assert region.evaluate("e => e.scrollWidth > e.clientWidth")
    assert region.get_attribute("tabindex") == "0"
    assert problems == []
