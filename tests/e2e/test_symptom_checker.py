import re

import pytest
from playwright.sync_api import expect

from lumen import safety
from lumen.safety import semantic
from lumen.safety.knowledge import knowledge_base
from tests.conftest import PASSWORD
from tests.e2e.accessibility import audit

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module", autouse=True)
def _embedding_model_loaded():
    # The live server runs in this process: load the safety matcher's model once up front, so
    # the first page that reads free text isn't timed against a cold start (15-20 s on the
    # shared CPU machine; a web worker pays it once).
    semantic.match(["warm up"], knowledge_base(), findings={"face_droop"})


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

    # htmx swapped the interview in place and moved focus to its heading: who is it for?
    heading = page.get_by_role("heading", name=re.compile("Chest pain or tightness: who is it for"))
    expect(heading).to_be_focused()
    expect(page).to_have_url(re.compile(r"/patients/symptoms/$"))
    page.get_by_label("Me").check()
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("heading", name=re.compile("warning signs"))).to_be_focused()
    page.get_by_label("Crushing, heavy, tight or squeezing pain").check()
    # An emergency sign is confirmed: the interview stops and shows the result.
    page.get_by_role("button", name="Next").click()

    alert = page.get_by_role("alert").first
    expect(alert).to_contain_text("Call 911 (US), 999 (UK) or 112 (EU)")
    expect(page.get_by_role("heading", name=re.compile("^Emergency"))).to_be_visible()
    expect(page.locator("#triage-result")).to_contain_text("Risk level: high")
    expect(page.locator("#triage-result")).to_contain_text(safety.DISCLAIMER.split(".")[0])
    # The result has its own address, and the history lists it.
    expect(page).to_have_url(re.compile(r"/patients/symptoms/[0-9a-f-]{36}/$"))
    page.reload()  # that address serves the result as a page of its own
    expect(page.get_by_role("heading", name=re.compile("^Emergency"))).to_be_visible()
    assert audit(page) == []
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


def test_a_parent_is_asked_about_their_child_and_a_sign_lumen_was_unsure_of(phone, alice_patient):
    page = phone
    _sign_in(page, alice_patient)
    page.goto("/patients/symptoms/")
    page.get_by_label("What is the main problem?").select_option(label="Sore throat")
    page.get_by_role("button", name="Next").click()
    page.get_by_label("My child").check()
    page.get_by_label("Their age").fill("4")
    page.get_by_role("button", name="Next").click()
    # The warning signs for a 4-year-old include the ones only asked about children.
    expect(page.get_by_text("A child who is floppy, listless")).to_be_visible()
    page.get_by_role("button", name="Next").click()
    page.get_by_label("Anything else?").fill("she says it feels like her throat is shutting")
    page.get_by_role("button", name="See the result").click()

    followup = page.locator("#followup")
    expect(followup).to_contain_text("Lumen wasn't sure it understood")
    followup.get_by_label(re.compile("Swelling of lips, tongue or throat")).check()
    page.get_by_role("button", name="See the result").click()

    expect(page.get_by_role("heading", name=re.compile("^Emergency"))).to_be_visible()
    understood = page.locator("#understood")
    expect(understood).to_contain_text("About: a child, aged 4")
    expect(understood).to_contain_text("Swelling of lips, tongue or throat")


def test_what_i_understood_shows_the_child_described_not_the_account_holder(desktop, alice_patient):
    page = desktop
    _sign_in(page, alice_patient)
    page.goto("/patients/symptoms/")
    page.get_by_label("Describe your symptoms in your own words").fill(
        "my 3 year old has had a runny nose and a cough for 2 days, eating and playing fine"
    )
    page.get_by_role("button", name="Check my symptoms").click()

    understood = page.locator("#understood")
    expect(understood.get_by_role("heading", name="What I understood")).to_be_visible()
    expect(understood).to_contain_text("About: a child, aged 3")
    expect(page.locator("#triage-result")).to_contain_text("Self-care at home")


def test_a_loose_emergency_description_takes_the_safer_level_and_says_why(phone, alice_patient):
    page = phone
    _sign_in(page, alice_patient)
    page.goto("/patients/symptoms/")
    page.get_by_label("Describe your symptoms in your own words").fill(
        "my throat feels like its shutting after the prawns"
    )
    page.get_by_role("button", name="Check my symptoms").click()

    expect(page.get_by_role("heading", name=re.compile("^Emergency"))).to_be_visible()
    expect(page.locator("#understood")).to_contain_text("Maybe swelling of lips")
    expect(page.locator("#triage-result")).to_contain_text("wasn't sure whether")
