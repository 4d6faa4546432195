import re

import pytest
from playwright.sync_api import expect

from lumen import safety
from tests.conftest import PASSWORD

pytestmark = pytest.mark.e2e


def test_a_patient_asks_a_question_and_sees_a_cited_answer_with_the_disclaimer(
    phone, alice_patient, small_corpus
):
    page = phone
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(alice_patient.email)
    page.get_by_label("Password:", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.get_by_role("link", name="Ask", exact=True).click()
    expect(page).to_have_url(re.compile(r"/patients/ask/$"))

    page.get_by_label("Your question").fill("What are the common side effects of ibuprofen?")
    page.get_by_role("button", name="Ask").click()

    answer = page.locator(".msg-lumen").last
    expect(answer).to_contain_text("indigestion")
    expect(answer).to_contain_text(safety.DISCLAIMER.split(".")[0])
    source = answer.get_by_role("link", name="Ibuprofen: patient information").first
    expect(source).to_have_attribute("href", "https://example.org/drug:ibuprofen")
    # htmx appended the exchange in place and cleared the box for the next question.
    expect(page.get_by_label("Your question")).to_have_value("")
    answer.get_by_role("button", name="Helpful", exact=True).click()
    expect(answer).to_contain_text("Thanks for the feedback")
