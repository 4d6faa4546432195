"""An operator keeps an equipment logbook in the browser (issue 16, finding 6): the entry
form opens at the current time, "25:99" and an out-of-order time are refused in place, a
cleaning entry is signed, a mistake is corrected by a new entry with its reason, and a
second person verifies it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from lumen.accounts.roles import Role
from pharma import documents
from pharma.models import LogbookEntry, Membership
from tests.conftest import PASSWORD, _person, totp_code, totp_enable
from tests.e2e.accessibility import audit

pytestmark = pytest.mark.e2e


def _sign_in(page, user) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password:", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.get_by_label("Code").fill(totp_code(user))
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("link", name="QA workspace")).to_be_visible()


def test_an_operator_keeps_the_logbook_and_a_second_person_verifies(
    desktop, browser, live_server, acme, acme_signer
):
    vera = _person("vera@acme.example", Role.PHARMA, "Vera Verifier")
    Membership.objects.create(user=vera, organisation=acme)
    totp_enable(vera)
    book = documents.document_create(
        organisation=acme, user=acme_signer, kind="manufacturing_logbook", title="Granulator GR-01"
    )
    yesterday = f"{timezone.localdate() - dt.timedelta(days=1):%Y-%m-%d}"
    page = desktop
    _sign_in(page, acme_signer)
    page.goto(f"/pharma/documents/{book.uid}/")
    page.get_by_role("link", name="Open the electronic logbook").click()
    expect(page.get_by_label("Date (YYYY-MM-DD)")).to_have_value(f"{timezone.localdate():%Y-%m-%d}")

    page.get_by_label("Date (YYYY-MM-DD)").fill(yesterday)
    page.get_by_label("Time (HH:MM, 24-hour)").fill("25:99")
    page.get_by_label("Activity").select_option("production")
    page.get_by_label("Batch / lot number").fill("B-0042")
    page.get_by_role("button", name="Add entry").click()
    expect(page.get_by_text("“25:99” is not a time of day")).to_be_visible()
    page.get_by_label("Time (HH:MM, 24-hour)").fill("08:00")
    page.get_by_role("button", name="Add entry").click()
    expect(page.get_by_text("Entry 1 recorded.")).to_be_visible()

    page.get_by_label("Date (YYYY-MM-DD)").fill(yesterday)
    page.get_by_label("Time (HH:MM, 24-hour)").fill("07:00")
    page.get_by_label("Activity").select_option("cleaning")
    page.get_by_label("Your user ID (email), for your first signature in this session").fill(
        acme_signer.email
    )
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Add entry").click()
    expect(page.get_by_text("kept in the order things happened")).to_be_visible()
    page.get_by_label("Time (HH:MM, 24-hour)").fill("10:30")
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Add entry").click()
    expect(page.get_by_text("Entry 2 recorded.")).to_be_visible()
    expect(page.locator("#entry-2")).to_contain_text("signed")

    page.get_by_role("link", name="Correct entry 1").click()
    page.get_by_label("Batch / lot number").fill("B-0043")
    page.get_by_label("Reason for correction").fill("Batch number mistyped")
    page.get_by_role("button", name="Record correction").click()
    expect(page.locator("#entry-3")).to_contain_text("Correction of entry 1: Batch number mistyped")
    expect(page.locator("#entry-1")).to_contain_text("B-0042")
    expect(page.locator("#entry-1")).to_contain_text("Corrected by entry 3")
    # The logbook with signed, corrected and correcting entries and the entry form.
    assert audit(page) == []

    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 800})
    context.set_default_timeout(10_000)
    second = context.new_page()
    _sign_in(second, vera)
    second.goto(f"/pharma/logbooks/{book.uid}/")
    second.get_by_label("User ID (email) to verify entry 3").fill(vera.email)
    second.get_by_label("Password to verify entry 3").fill(PASSWORD)
    second.get_by_role("button", name="Verify entry 3").click()
    expect(second.get_by_text("Entry 3 verified.")).to_be_visible()
    expect(second.locator("#entry-3")).to_contain_text("Vera Verifier")
    context.close()

    entries = list(LogbookEntry.objects.order_by("sequence"))
    assert [e.performer_name for e in entries] == ["Quinn QA"] * 3
    assert entries[2].corrects == entries[0] and entries[2].verification.verifier == vera


def test_a_logbook_document_offers_no_entries_table_and_shows_rows_typed_before_as_legacy(
    desktop, acme, acme_signer
):
    import importlib

    from django.apps import apps

    from pharma.models import Revision

    book = documents.document_create(
        organisation=acme, user=acme_signer, kind="manufacturing_logbook", title="Mixer MX-02"
    )
    # A revision saved before the electronic logbook, with a row typed into its table.
    Revision.objects.filter(document=book).update(content={
        "identification": {"equipment_id": "MX-02", "description": "Mixer"},
        "entries": {"entries": [{"date": "2026-01-05", "time": "08:00", "activity": "Cleaning",
                                 "performed_by": "J. Smith", "batch": "B-0007"}]},
    })  # fmt: skip
    importlib.import_module("pharma.migrations.0007_logbook_legacy_rows").copy_legacy_rows(
        apps, None
    )
    page = desktop
    _sign_in(page, acme_signer)
    page.goto(f"/pharma/documents/{book.uid}/edit/")
    expect(page.get_by_label("Equipment / area ID")).to_have_value("MX-02")
    expect(page.locator('[name^="t-entries-"]')).to_have_count(0)
    expect(page.get_by_text("Performed by")).to_have_count(0)

    page.goto(f"/pharma/logbooks/{book.uid}/")
    legacy = page.locator("#legacy-1")
    expect(legacy).to_contain_text("J. Smith")
    expect(legacy).to_contain_text("B-0007")
    expect(
        page.get_by_role("heading", name="Entries typed before the electronic logbook (legacy)")
    ).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the logbook (PDF)").click()
    assert download_info.value.suggested_filename == f"{book.number}-logbook.pdf"
