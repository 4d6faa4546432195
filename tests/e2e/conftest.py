"""Browser tests: Playwright driving Debian's Chromium (never a downloaded browser) against
pytest-django's live server on loopback."""

from __future__ import annotations

import os
import re
import shutil

import pytest

# Playwright's sync API runs an event loop in this thread; the test's own ORM calls are
# still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail("Chromium is missing: `make test` installs Debian's chromium package.")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-background-networking",
                "--disable-gpu",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def _fresh_rate_limits(transactional_db):
    """allauth's rate-limit counters live in the database cache, which the flush after a
    live-server test does not empty: a sign-up in the previous run would throttle this one."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def phone(browser, live_server):
    """A fresh browser context the size of a phone, pointed at the live server."""
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def desktop(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 800})
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


# Chromium reports a blocked resource on the console ("Refused to ... because it violates
# the following Content Security Policy directive"); the listener catches the rest.
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (e) =>
  console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`));
"""
CSP_MESSAGE = re.compile(r"Content Security Policy|CSP violation|Refused to")


def watch_console(page, *, all_errors: bool = False) -> list[str]:
    """The CSP violations and uncaught script errors `page` logs from now on (a list that
    fills as it browses); with `all_errors`, every console error (htmx logs its own)."""
    problems: list[str] = []
    page.context.add_init_script(REPORT_CSP_VIOLATIONS)

    def on_console(message):
        if CSP_MESSAGE.search(message.text) or (all_errors and message.type == "error"):
            problems.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    return problems


def sign_in(page, user, *, totp: bool = False) -> None:
    """Signs `user` in through the login page (with a TOTP code when two-factor is on)."""
    from tests.conftest import PASSWORD, totp_code

    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password:", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    if totp:
        page.locator("input[name=code]").fill(totp_code(user))
        page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url and "/2fa/" not in url)
