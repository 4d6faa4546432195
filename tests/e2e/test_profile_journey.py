"""A patient keeps their profile lists on a phone: add a condition and an allergy, edit the
allergy in place, remove the condition, all without leaving the page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD

pytestmark = pytest.mark.e2e


def test_a_patient_edits_their_profile_lists_in_place(phone, alice_patient, small_corpus):
    page = phone
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(alice_patient.email)
    page.get_by_label("Password:", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.get_by_role("link", name="My health").click()

    conditions = page.locator("#conditions")
    conditions.get_by_label("Condition").fill("asthma")
    conditions.get_by_label("Condition").press("Enter")  # keyboard submit
    expect(page.locator("#conditions li")).to_have_count(1)
    expect(page.locator("#conditions")).to_contain_text("asthma")

    allergies = page.locator("#allergies")
    allergies.get_by_label("Allergic to").fill("penicilin")
    allergies.get_by_role("button", name="Add").click()
    expect(page.locator("#allergies")).to_contain_text("penicilin")

    page.locator("#allergies").get_by_role("link", name="Edit").click()
    row = page.locator("#allergies li")  # the row turned into its own form
    row.get_by_label("Allergic to").fill("Penicillin")
    row.get_by_label("What happened").fill("hives")
    row.get_by_role("button", name="Save").click()
    expect(page.locator("#allergies")).to_contain_text("Penicillin · hives")

    # Remove asks first; "Keep it" keeps the row, "Yes, remove" removes it and says so.
    page.locator("#conditions").get_by_role("link", name="Remove asthma").click()
    expect(page.get_by_role("button", name="Yes, remove asthma")).to_be_focused()
    page.locator("#conditions").get_by_role("link", name="Keep it").click()
    expect(page.locator("#conditions li")).to_have_count(1)
    page.locator("#conditions").get_by_role("link", name="Remove asthma").click()
    expect(page.get_by_role("button", name="Yes, remove asthma")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#conditions")).to_contain_text("None listed")
    expect(page.get_by_role("status")).to_contain_text("Removed asthma.")
    # Everything happened in place: still on the same page, and it survives a reload.
    assert page.url.endswith("/patients/")
    page.reload()
    expect(page.locator("#allergies")).to_contain_text("Penicillin")
