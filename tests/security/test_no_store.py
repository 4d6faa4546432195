"""No health data in browser or proxy caches: every response under /patients/ (pages, htmx
partials, exports, redirects, 404s, 500s), the account pages and the pharma workspace carries
`Cache-Control: no-store`. The patient URLconf is walked, so a new view cannot escape."""

from __future__ import annotations

import pytest
from django.urls import reverse

from patients.triage_services import triage_text
from pharma.urls import urlpatterns as pharma_urlpatterns
from tests.patients.test_access_walk import (  # noqa: F401 - alice_records is a fixture
    FORM,
    _patterns,
    _url,
    alice_records,
)
from tests.pharma.test_access_walk import _url as _pharma_url
from tests.pharma.test_access_walk import protocol  # noqa: F401 - a fixture

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def owner_records(alice_records) -> dict:  # noqa: F811
    """Alice's rows, with an assessment the triage service really made (the access walk's
    stand-in has no result to show its owner)."""
    assessment = triage_text(profile=alice_records["profile"], text="Sore throat for 2 days")
    return {**alice_records, "assessment": assessment}


def _assert_no_store(response, what) -> None:
    cache_control = response.get("Cache-Control", "")
    assert "no-store" in cache_control, (what, response.status_code, cache_control)
    assert "private" in cache_control, (what, cache_control)
    assert response.get("Pragma") == "no-cache", what
    if getattr(response, "streaming", False):
        # Drain it through the test client's wrapper, which closes it without closing the
        # test's database connection (response.close() would).
        b"".join(response.streaming_content)


def test_every_patient_url_answers_its_owner_with_no_store(client, owner_records, login):
    login(owner_records["profile"].user)
    statuses = set()
    for pattern in _patterns():
        url = _url(pattern, owner_records)
        for method, extra in (("get", {}), ("get", HTMX), ("post", HTMX), ("post", {})):
            response = getattr(client, method)(url, FORM if method == "post" else {}, **extra)
            _assert_no_store(response, (method, extra, url))
            statuses.add(response.status_code)
    # Pages, partials, redirects after a post, refused methods and invalid forms all walked.
    assert {200, 302, 405} <= statuses, statuses


def test_refusals_and_login_redirects_carry_no_store_too(
    client, owner_records, bob_patient, acme_qa, login
):
    for pattern in _patterns():  # anonymous: 302 to the login page
        _assert_no_store(client.get(_url(pattern, owner_records)), pattern.name)
    login(bob_patient)  # another patient: 404 for Alice's objects
    for pattern in _patterns():
        _assert_no_store(client.get(_url(pattern, owner_records)), pattern.name)
    client.logout()
    login(acme_qa)  # pharma accounts: 403
    for pattern in _patterns():
        _assert_no_store(client.get(_url(pattern, owner_records)), pattern.name)


def test_unknown_patient_paths_and_slash_redirects_carry_no_store(client, alice_patient, login):
    login(alice_patient)
    missing = client.get("/patients/no-such-page/?q=fluoxetine")
    assert missing.status_code == 404
    _assert_no_store(missing, "404")
    slash = client.get("/patients/drugs")
    assert slash.status_code == 301
    _assert_no_store(slash, "APPEND_SLASH redirect")


def test_a_server_error_on_a_patient_page_carries_no_store(
    client, alice_patient, login, monkeypatch
):
    def broken(*args, **kwargs):
        raise RuntimeError("simulated failure")

    monkeypatch.setattr("patients.views.drugs.suggest", broken)
    login(alice_patient)
    client.raise_request_exception = False
    response = client.get(reverse("patients:drugs"), {"q": "fluoxetine"})
    assert response.status_code == 500
    _assert_no_store(response, "500")


def test_data_exports_carry_no_store(client, owner_records, login):
    login(owner_records["profile"].user)
    for name in ("export_json", "export_pdf"):
        response = client.get(reverse(f"patients:{name}"))
        assert response.status_code == 200
        _assert_no_store(response, name)


def test_account_pages_carry_no_store(client, alice_patient, login):
    for url in ("/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"):
        _assert_no_store(client.get(url), url)
    login(alice_patient)
    for url in ("/accounts/email/", "/accounts/password/change/", "/accounts/logout/"):
        _assert_no_store(client.get(url), url)


def test_every_pharma_page_carries_no_store(client, protocol, acme_qa, login):  # noqa: F811
    login(acme_qa)
    for pattern in pharma_urlpatterns:
        if pattern.name == "invitation":
            url = reverse("pharma:invitation", kwargs={"token": "not-a-token"})
        else:
            url = _pharma_url(pattern, protocol)
        _assert_no_store(client.get(url), pattern.name)


def test_any_page_a_signed_in_user_sees_carries_no_store(client, alice_patient, login):
    assert "no-store" not in client.get("/").get("Cache-Control", "")  # public: cacheable
    login(alice_patient)
    _assert_no_store(client.get("/"), "home, signed in")
