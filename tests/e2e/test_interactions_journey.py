import re

import pytest
from playwright.sync_api import expect

from knowledge.models import Drug
from knowledge.starter import load_drug_database
from patients.models import Medication
from patients.selectors import profile_for
from tests.conftest import PASSWORD

pytestmark = pytest.mark.e2e


def test_a_patient_on_warfarin_checks_ibuprofen_by_keyboard_and_sees_a_major_interaction(
    desktop, alice_patient
):
    load_drug_database()
    Medication.objects.create(
        profile=profile_for(alice_patient), name="warfarin", drug=Drug.objects.get(name="warfarin")
    )
    page = desktop
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(alice_patient.email)
    page.get_by_label("Password:", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.goto("/patients/")
    page.get_by_role("link", name="Interaction checker").click()
    expect(page).to_have_url(re.compile(r"/patients/interactions/$"))

    first = page.get_by_role("textbox", name="Medicine 1", exact=True)
    page.wait_for_load_state("networkidle")  # htmx has bound the autocomplete
    first.focus()
    page.keyboard.type("ibup")
    suggestion = page.get_by_role("button", name="Ibuprofen", exact=True)
    expect(suggestion).to_be_visible()
    # On a loaded machine typing can fire a second request; let its swap land first.
    page.wait_for_load_state("networkidle")
    page.keyboard.press("Tab")
    expect(suggestion).to_be_focused()
    page.keyboard.press("Enter")
    # htmx swapped the row in, filled, with focus back on it.
    expect(page.get_by_role("textbox", name="Medicine 1", exact=True)).to_have_value("ibuprofen")
    expect(page.get_by_role("textbox", name="Medicine 1", exact=True)).to_be_focused()

    expect(page.get_by_label("Include my medications")).to_be_checked()
    page.get_by_role("button", name="Check interactions").focus()
    page.keyboard.press("Enter")

    results = page.locator("#results")
    # The first check in a server process builds the vocabulary's name matcher (~1,100 drugs
    # and their names): on a busy CI machine that alone can pass Playwright's 5 s default.
    expect(results).to_contain_text("1 interaction found", timeout=20_000)
    expect(results).to_contain_text("Major interaction")
    expect(results).to_contain_text("Warfarin")
    expect(results).to_contain_text("(yours)")
    expect(results).to_contain_text("Informational only, not medical advice")
