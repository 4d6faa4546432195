import re

import pytest
from playwright.sync_api import expect

from lumen import safety
from tests.conftest import PASSWORD

pytestmark = pytest.mark.e2e


def _sign_in(page, user):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password:", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page).to_have_url(re.compile(r"/patients/$"))


def test_a_patient_answers_a_red_flag_and_sees_the_emergency_disposition_first(
    phone, alice_patient
):
    page = phone
    _sign_in(page, alice_patient)
    page.get_by_role("link", name="Symptom checker").click()
    page.get_by_label("What is the main problem?").select_option(label="Chest pain or tightness")
    page.get_by_role("button", name="Next").click()

    # htmx swapped the questions in place and moved focus to their heading.
    heading = page.get_by_role(
        "heading", name=re.compile("Chest pain or tightness: a few questions")
    )
    expect(heading).to_be_focused()
    expect(page).to_have_url(re.compile(r"/patients/symptoms/$"))
    page.get_by_label("Crushing, heavy, tight or squeezing pain").check()
    page.get_by_label("How bad is it right now").select_option("7")
    page.get_by_role("button", name="See the result").click()

    alert = page.get_by_role("alert").first
    expect(alert).to_contain_text("Call 911 (US), 999 (UK) or 112 (EU)")
    expect(page.get_by_role("heading", name=re.compile("^Emergency"))).to_be_visible()
    expect(page.locator("#triage-result")).to_contain_text("Risk level: high")
    expect(page.locator("#triage-result")).to_contain_text(safety.DISCLAIMER.split(".")[0])
    # The result has its own address, and the history lists it.
    expect(page).to_have_url(re.compile(r"/patients/symptoms/[0-9a-f-]{36}/$"))
    page.get_by_role("link", name="Your past results").last.click()
    expect(page.locator(".disposition-emergency")).to_have_count(1)


def test_a_patient_describes_a_cold_by_keyboard_and_gets_self_care(desktop, alice_patient):
    page = desktop
    _sign_in(page, alice_patient)
    page.goto("/patients/symptoms/")
    box = page.get_by_label("Describe your symptoms in your own words")
    box.focus()
    page.keyboard.type("Runny nose, sneezing and a scratchy throat for 2 days, no fever")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Check my symptoms")).to_be_focused()
    page.keyboard.press("Enter")

    result = page.locator("#triage-result")
    expect(result).to_contain_text("Self-care at home")
    expect(result).to_contain_text("Risk level: low")
    expect(page.get_by_role("alert")).to_have_count(0)
