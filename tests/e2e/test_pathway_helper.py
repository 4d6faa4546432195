"""The pathway helper in a browser: a questions step that comes back late never undoes an
answer given meanwhile, the questionnaire submits, and the page logs no CSP violation."""

from __future__ import annotations

import contextlib
import re

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in, watch_console

pytestmark = pytest.mark.e2e


class HeldSteps:
    """Holds the htmx questions steps (`step=questions` posts) until `release`, so a test
    can answer while a step is in flight, as a slow server makes a user do."""

    def __init__(self, page):
        self.routes = []
        self.holding = True
        page.route("**/pharma/pathways/", self._handle)

    def _handle(self, route):
        request = route.request
        if (
            self.holding
            and request.method == "POST"
            and "step=questions" in (request.post_data or "")
        ):
            self.routes.append(route)
        else:
            route.continue_()

    def release(self, page) -> int:
        """Lets every held step through (a step the page has aborted is gone) and stops
        holding; returns how many were held."""
        self.holding = False
        held, self.routes = self.routes, []
        for route in held:
            with contextlib.suppress(PlaywrightError):  # aborted by the page while held
                route.continue_()
        page.wait_for_load_state("networkidle")
        return len(held)


def _questions(page):
    return page.locator("#questions")


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_a_late_questions_step_keeps_the_answers_given_meanwhile(device, request, acme_qa):
    page = request.getfixturevalue(device)
    problems = watch_console(page, all_errors=True)
    sign_in(page, acme_qa)
    held = HeldSteps(page)
    page.goto("/pharma/pathways/")
    # The page-load step is in flight: answer before it returns.
    expect(page.get_by_role("radio", name="United Kingdom (MHRA)")).to_be_visible()
    page.get_by_role("radio", name="United Kingdom (MHRA)").check()
    assert held.release(page) >= 1
    expect(page.get_by_role("radio", name="United Kingdom (MHRA)")).to_be_checked()
    regulator = page.locator("#question-reference_regulator")
    expect(regulator).to_be_visible()

    # Choose a product type (its step is held), then answer "Yes" and type a reference
    # product while it is in flight.
    held.holding = True
    page.get_by_role("radio", name="Biosimilar of an authorised biologic").check()
    regulator.get_by_role("radio", name="Yes").check()
    held.release(page)
    reference = page.get_by_label("Reference product")
    expect(reference).to_be_visible()
    held.holding = True
    reference.fill("Humira")
    page.locator("body").click(position={"x": 5, "y": 5})  # blur: the text field's change
    held.release(page)

    expect(regulator.get_by_role("radio", name="Yes")).to_be_checked()
    expect(page.get_by_role("radio", name="Biosimilar of an authorised biologic")).to_be_checked()
    expect(reference).to_have_value("Humira")
    expect(page.locator("#question-otc_conforms")).to_have_count(0)  # narrowed

    page.get_by_role("button", name="Name the pathway").click()
    result = page.locator("#result")
    expect(result).to_contain_text("International Recognition Procedure")
    expect(page.get_by_text(re.compile("Answer this question"))).to_have_count(0)
    assert problems == []


def test_plain_answers_narrow_and_submit_on_a_phone(phone, acme_qa):
    problems = watch_console(phone, all_errors=True)
    sign_in(phone, acme_qa)
    phone.goto("/pharma/pathways/")
    expect(phone.locator("#question-otc_conforms")).to_have_count(0)  # load step narrowed
    phone.get_by_role("radio", name="United States (FDA)").check()
    phone.get_by_role("radio", name="Generic of an authorised small-molecule medicine").check()
    same = phone.locator("#question-same_as_reference")
    same.get_by_role("radio", name="Yes").check()
    phone.get_by_label("Reference product").fill("Lipitor")
    phone.get_by_role("button", name="Name the pathway").click()
    expect(phone.locator("#result")).to_contain_text("ANDA under section 505(j)")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert problems == []
