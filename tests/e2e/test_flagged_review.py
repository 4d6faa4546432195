"""A content editor reviews a flagged question in the admin, on a phone and a desktop: the
queue shows no question, the Review page asks for a reason, and only then shows the question
and Lumen's answer (an audited read); both pages pass axe-core."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from playwright.sync_api import expect

from knowledge.models import FlaggedQuestion
from lumen.accounts.roles import StaffRole
from tests.conftest import staff_person
from tests.e2e.accessibility import audit
from tests.e2e.conftest import sign_in, watch_console

pytestmark = pytest.mark.e2e

EMERGENCY = "my face is drooping and I can't lift my arm"


@pytest.fixture
def flagged(client, alice_patient, login, small_corpus) -> FlaggedQuestion:
    login(alice_patient)
    client.post("/patients/ask/", {"question": EMERGENCY})
    client.logout()
    return FlaggedQuestion.objects.get()


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_a_reviewer_reads_the_question_after_giving_a_reason(request, device, flagged):
    page = request.getfixturevalue(device)
    problems = watch_console(page)
    rita = staff_person("rita@lumen.example", "Rita Reviewer", StaffRole.CONTENT_EDITOR)
    sign_in(page, rita, totp=True)

    page.goto("/admin/knowledge/flaggedquestion/")
    expect(page.get_by_text("drooping")).to_have_count(0)  # the queue never shows it
    assert audit(page) == []
    page.get_by_role("link", name="Review", exact=True).click()
    expect(page.get_by_text("drooping")).to_have_count(0)
    assert audit(page) == []

    page.get_by_role("radio", name="Check the safety response").check()
    page.get_by_label("In your words").fill("Weekly check of emergency escalations")
    page.get_by_role("button", name="Open the question").click()
    expect(page.locator("#flagged-question")).to_contain_text("drooping")
    expect(page.locator("#flagged-answer")).to_contain_text("emergency", ignore_case=True)
    assert audit(page) == []
    read = LogEntry.objects.get_for_object(flagged).get(action=LogEntry.Action.ACCESS)
    assert read.actor == rita
    assert read.additional_data["review_reason"] == "safety"
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    assert problems == []
