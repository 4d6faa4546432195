import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.conftest import PASSWORD

pytestmark = pytest.mark.e2e


def test_a_patient_signs_up_verifies_their_email_signs_in_and_sees_their_area(phone):
    page = phone
    page.goto("/")
    page.get_by_role("link", name="Create a free account").click()

    page.get_by_label("Email").fill("dana@example.com")
    page.get_by_label("Password:", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_role("button", name="Sign Up").click()
    expect(page.get_by_role("heading", name="Verify Your Email Address")).to_be_visible()

    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[-1].body).group(0)
    page.goto(link)
    page.get_by_role("button", name="Confirm").click()
    expect(page).to_have_url(re.compile(r"/patients/$"))
    expect(page.get_by_role("heading", name="My health")).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("dana@example.com")
    page.get_by_label("Password:", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page).to_have_url(re.compile(r"/patients/$"))
    expect(page.get_by_role("heading", name="My health")).to_be_visible()
    expect(page.get_by_text("Informational only, not medical advice")).to_be_visible()


def test_signing_in_works_by_keyboard_alone(desktop, alice_patient):
    page = desktop
    page.goto("/accounts/login/")
    page.get_by_label("Email").focus()
    page.keyboard.type(alice_patient.email)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/patients/$"))
