"""Chromium enforces the Content-Security-Policy: the main pages, and their htmx and
server-sent-event interactions, run without a single violation."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD, totp_code

pytestmark = pytest.mark.e2e

# Chromium reports a blocked resource on the console ("Refused to ... because it violates
# the following Content Security Policy directive"); the listener catches the rest.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (e) =>
  console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`));
"""


@pytest.fixture
def watched(desktop):
    problems: list[str] = []
    desktop.context.add_init_script(REPORT_VIOLATIONS)
    desktop.on(
        "console",
        lambda m: (
            problems.append(m.text)
            if re.search(r"Content Security Policy|CSP violation|Refused to", m.text)
            else None
        ),
    )
    desktop.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    return desktop, problems


def _sign_in(page, user, *, totp: bool = False) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password:", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    if totp:  # staff have two-factor on: the admin requires it
        page.locator("input[name=code]").fill(totp_code(user))
        page.get_by_role("button", name="Sign In").click()


def test_patient_pages_and_their_htmx_run_without_a_csp_violation(
    watched, alice_patient, small_corpus
):
    page, problems = watched
    _sign_in(page, alice_patient)
    for url in ("/patients/", "/patients/diary/", "/patients/schedules/", "/patients/doses/",
                "/patients/symptoms/", "/patients/drugs/", "/patients/my-data/"):  # fmt: skip
        page.goto(url)
        expect(page.locator("h1").first).to_be_visible()
    page.goto("/patients/interactions/")
    page.locator("input[name=drug]").first.press_sequentially("ibu", delay=30)
    expect(page.get_by_role("button", name=re.compile("ibuprofen", re.I)).first).to_be_visible()
    page.goto("/patients/ask/")
    page.get_by_label("Your question").fill("What are the common side effects of ibuprofen?")
    page.get_by_role("button", name="Ask").click()
    # Via SSE. The first answer in a server process loads the answer pipeline after the
    # interaction checker built its name matcher: >5 s on the shared 2-core VM.
    expect(page.locator(".msg-lumen").last).to_contain_text("indigestion", timeout=30_000)
    expect(page.get_by_label("Your question")).to_have_value("")  # static ask.js, no hx-on
    assert problems == []


def test_pharma_and_admin_pages_run_without_a_csp_violation(watched, acme_qa, staff_user):
    page, problems = watched
    _sign_in(page, acme_qa)
    for url in ("/pharma/", "/pharma/documents/", "/pharma/compliance/", "/pharma/pathways/",
                "/pharma/assistant/", "/pharma/drugs/?q=ibu"):  # fmt: skip
        page.goto(url)
        expect(page.locator("h1").first).to_be_visible()
    page.get_by_role("button", name="Sign out").click()
    _sign_in(page, staff_user, totp=True)
    page.goto("/admin/")
    expect(page.locator("#site-name")).to_be_visible()
    assert problems == []
