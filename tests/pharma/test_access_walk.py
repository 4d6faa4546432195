"""Every pharma URL, walked: anonymous visitors go to log in, patients are refused, and a
member of another organisation gets 404 for each of Acme's documents (and changes nothing).
A new URL with an object in it fails here until it is listed."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, reverse

from pharma import documents
from pharma.models import Revision, Signature
from pharma.urls import urlpatterns
from tests.conftest import PASSWORD

PUBLIC = {"invitation"}  # redeeming an emailed link happens before an account exists
KEYS = {"drug_detail": {"key": "ibuprofen"}}
DOCUMENT_URLS = {  # URL name -> extra kwargs besides the document's uid
    "document_detail": {},
    "document_edit": {},
    "document_submit": {},
    "document_withdraw": {},
    "document_sign": {},
    "document_pdf": {},
    "document_compare": {},
    "document_revision": {"number": 1},
    "document_revision_pdf": {"number": 1},
    "execution_start": {"number": 1},
    "logbook_detail": {},
    "logbook_pdf": {},
}
# Execution and logbook records have their own uid: walked here for anonymous visitors and
# patients; their 404s for another organisation are tested on real records in
# test_execution.py and test_logbook.py.
RECORD_URLS = {
    "execution_detail": {},
    "result_record": {"key": "swab-1"},
    "execution_sign": {},
    "execution_pdf": {},
    "deviation_assess": {},
    "evidence_download": {},
    "logbook_entry_correct": {},
    "logbook_entry_verify": {},
}
FORM = {"meaning": "approved", "password": PASSWORD, "reason": "x", "f-purpose-scope": "x"}


@pytest.fixture
def protocol(acme, acme_qa):
    return documents.document_create(
        organisation=acme, user=acme_qa, kind="cleaning_validation", title="Train A"
    )


def _patterns() -> list[URLPattern]:
    return [p for p in urlpatterns if isinstance(p, URLPattern) and p.name not in PUBLIC]


def _url(pattern: URLPattern, protocol) -> str:
    converters = pattern.pattern.converters
    if pattern.name in RECORD_URLS:
        kwargs = {"uid": protocol.uid, **RECORD_URLS[pattern.name]}
    elif "uid" in converters:
        assert pattern.name in DOCUMENT_URLS, f"pharma:{pattern.name}: add it to DOCUMENT_URLS"
        kwargs = {"uid": protocol.uid, **DOCUMENT_URLS[pattern.name]}
    elif converters:
        assert pattern.name in KEYS, f"pharma:{pattern.name}: add its key to KEYS"
        kwargs = KEYS[pattern.name]
    else:
        kwargs = {}
    return reverse(f"pharma:{pattern.name}", kwargs=kwargs)


@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_visitors_are_sent_to_log_in(client, protocol, method):
    for pattern in _patterns():
        response = getattr(client, method)(_url(pattern, protocol), FORM)
        assert response.status_code in (302, 405), pattern.name
        if response.status_code == 302:
            assert response["Location"].startswith("/accounts/login/"), pattern.name


def test_patients_are_refused_every_pharma_page(client, protocol, alice_patient, login):
    login(alice_patient)
    for pattern in _patterns():
        assert client.get(_url(pattern, protocol)).status_code in (403, 405), pattern.name


@pytest.mark.parametrize("method", ["get", "post"])
def test_another_organisation_gets_404_for_every_document_url(
    client, protocol, globex_qa, login, method
):
    login(globex_qa)
    walked = 0
    for pattern in _patterns():
        if pattern.name not in DOCUMENT_URLS:
            continue
        response = getattr(client, method)(_url(pattern, protocol), FORM)
        assert response.status_code in (404, 405), (pattern.name, response.status_code)
        walked += 1
    assert walked == len(DOCUMENT_URLS)
    assert Revision.objects.filter(document=protocol).count() == 1
    assert not Signature.objects.exists()


def test_the_compliance_checker_refuses_another_organisations_document(
    client, protocol, globex_qa, login
):
    """The form accepts any UUID typed into its select; the view must still look the
    document up within the user's own organisation."""
    login(globex_qa)
    response = client.post(
        reverse("pharma:compliance"), {"document": str(protocol.uid), "kind": protocol.kind}
    )
    assert response.status_code == 404
    assert protocol.title not in response.content.decode()
    preselected = client.get(reverse("pharma:compliance"), {"document": str(protocol.uid)})
    assert preselected.status_code == 200
    assert protocol.title not in preselected.content.decode()
    assert protocol.number not in preselected.content.decode()
