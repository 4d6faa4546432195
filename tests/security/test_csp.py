"""The Content-Security-Policy: sent on every page, strict (no inline script, eval or inline
style), and the templates hold nothing it would block."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.urls import reverse

from tests.conftest import ROOT

EXPECTED = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
# Rendered by WeasyPrint into PDFs, never served to a browser.
PDF_TEMPLATES = {"visit_summary_pdf.html", "pdf.html"}
INLINE = {
    "inline script": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I),
    "style attribute": re.compile(r"\sstyle\s*=", re.I),
    "<style> element": re.compile(r"<style[\s>]", re.I),
    "event handler attribute": re.compile(r"\son[a-z]+\s*=", re.I),
    "hx-on attribute": re.compile(r"\shx-on", re.I),
    "javascript: URL": re.compile(r"javascript:", re.I),
}


def _policy(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return {
        part.split()[0]: " ".join(part.split()[1:])
        for part in (p.strip() for p in header.split(";"))
        if part
    }


def _templates() -> list:
    folders = [ROOT / "templates", *ROOT.glob("*/templates")]
    return [
        path
        for folder in folders
        for path in folder.rglob("*.html")
        if path.name not in PDF_TEMPLATES and ".venv" not in path.parts
    ]


def test_the_policy_is_strict():
    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    flat = " ".join(" ".join(v) for v in directives.values())
    assert "'unsafe-inline'" not in flat and "'unsafe-eval'" not in flat and "*" not in flat


@pytest.mark.parametrize("path", _templates(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_template_holds_what_the_policy_would_block(path):
    text = re.sub(r"{#.*?#}", "", path.read_text())
    for what, pattern in INLINE.items():
        assert not pattern.search(text), f"{what} in {path.relative_to(ROOT)}"


def test_every_kind_of_page_carries_the_policy(
    client, db, alice_patient, acme_qa, staff_user, login
):
    pages = [(None, reverse("home")), (None, reverse("account_login"))]
    pages += [(alice_patient, reverse(f"patients:{n}")) for n in ("home", "ask", "diary")]
    pages += [(acme_qa, reverse(f"pharma:{n}")) for n in ("home", "documents", "compliance")]
    pages += [(staff_user, reverse("admin:index"))]
    for user, url in pages:
        client.logout()
        if user:
            login(user)
        response = client.get(url)
        assert response.status_code == 200, url
        policy = _policy(response)
        for directive, value in EXPECTED.items():
            assert policy.get(directive) == value, (url, directive, policy.get(directive))
        page = response.content.decode()
        assert not INLINE["inline script"].search(page), url
        assert not INLINE["style attribute"].search(page), url


def test_errors_and_redirects_carry_it_too(client, db):
    assert "Content-Security-Policy" in client.get("/no-such-page/")
    assert "Content-Security-Policy" in client.get(reverse("patients:home"))
