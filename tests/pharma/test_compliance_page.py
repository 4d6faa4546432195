"""/pharma/compliance/: upload or pick a document, choose its kind, read the report."""

# ruff: noqa: F811 - pytest passes the imported fake_tgi fixture to tests by its name
from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pharma import compliance, kinds
from pharma.models import QADocument, Revision
from tests.fakes.tgi_server import fake_tgi  # noqa: F401 - the fixture
from tests.pharma.compliance_files import (
    COMPLETE_CV,
    EXE,
    cv_without,
    encrypted,
    inflated_docx,
    pdf_from_text,
    shared_content_pdf,
    zip_bomb_docx,
)

URL = "/pharma/compliance/"
SUGGESTIONS = "Suggestions (generated, not part of the rule-based findings)"


def post_file(
    client, data: bytes | str, name: str = "protocol.txt", kind: str = "cleaning_validation"
):
    payload = data.encode() if isinstance(data, str) else data
    return client.post(URL, {"file": SimpleUploadedFile(name, payload), "kind": kind})


@pytest.fixture
def acme_protocol(acme, acme_qa):
    document = QADocument.objects.create(
        organisation=acme,
        kind="cleaning_validation",
        number="CVP-0001",
        title="Granulation train",
        created_by=acme_qa,
    )
    content = kinds.CLEANING_VALIDATION.empty_content()
    content["purpose"]["objective"] = "Show the cleaning removes Metformin."
    content["cleaning"]["dirty_hold_h"] = 48
    Revision.objects.create(
        document=document, number=1, content=content, reason="First draft", created_by=acme_qa
    )
    return document


def test_the_page_offers_the_form_and_says_nothing_is_stored(client, acme_qa, acme_protocol, login):
    login(acme_qa)
    response = client.get(URL)
    page = response.content.decode()
    assert response.status_code == 200
    assert 'enctype="multipart/form-data"' in page
    assert "never stored" in page
    assert "CVP-0001 Granulation train" in page  # the organisation's documents to pick from
    for _, title in kinds.CHOICES:
        assert title in page


def test_the_workspace_links_to_the_checker(client, acme_qa, login):
    login(acme_qa)
    assert 'href="/pharma/compliance/"' in client.get("/pharma/").content.decode()


def test_an_uploaded_protocol_gets_a_report_with_score_statuses_and_sources(client, acme_qa, login):
    login(acme_qa)
    response = post_file(client, cv_without("recovery"))
    page = response.content.decode()
    assert response.status_code == 200
    n = len(kinds.CLEANING_VALIDATION.elements) + len(compliance.DOCUMENT_CONTROL)
    assert f"Score {round(100 * (n - 1) / n)}%" in page
    assert '<span class="status-badge status-missing">Missing</span>' in page
    assert page.count('class="status-badge status-present"') == n - 1
    assert "Recovery study data" in page and "WHO TRS 937 Annex 4, §4.1.3" in page
    assert "paragraph 6" in page and "48 hours" in page
    assert SUGGESTIONS not in page  # no language model configured


def test_an_uploaded_pdf_is_checked(client, acme_qa, login):
    login(acme_qa)
    response = post_file(client, pdf_from_text(COMPLETE_CV), "protocol.pdf")
    assert "Score 100%" in response.content.decode()
    assert "page 1" in response.content.decode()


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "empty.txt", "The submitted file is empty."),
        (EXE, "protocol.pdf", "The file is named .pdf but its content is not a PDF."),
        (zip_bomb_docx(), "bomb.docx", "expands to more than 25 MB"),
        (shared_content_pdf(), "finding.pdf", "The file is too complex to read"),
        (inflated_docx(), "inflated.docx", "The file is too complex to read"),
    ],
    ids=["empty", "exe-renamed-pdf", "zip-bomb", "shared-content-pdf", "inflated-docx"],
)
def test_a_bad_file_is_a_form_error_not_a_crash(client, acme_qa, login, data, name, message):
    login(acme_qa)
    response = post_file(client, data, name)
    assert response.status_code == 422
    page = response.content.decode()
    assert page.count(message) == 1  # said once, and nothing beside it
    assert "Upload a file or choose" not in page
    assert "Score" not in page


def test_no_file_and_no_document_is_said_once(client, acme_qa, login):
    login(acme_qa)
    response = client.post("/pharma/compliance/", {"kind": "cleaning_validation"})
    assert response.status_code == 422
    assert response.content.decode().count("Upload a file or choose one of your documents.") == 1


def test_a_file_that_hits_the_cpu_limit_is_a_form_error_not_a_crash(
    client, acme_qa, login, settings
):
    # Passes every pre-check; the child reading it is killed at the CPU limit.
    settings.LUMEN_COMPLIANCE_CPU_SECONDS = 1
    login(acme_qa)
    response = post_file(client, shared_content_pdf(operators=50_000), "slow.pdf")
    assert response.status_code == 422
    assert "The file is too complex to read" in response.content.decode()
    assert "Score" not in response.content.decode()


def test_a_password_protected_pdf_is_explained(client, acme_qa, login):
    login(acme_qa)
    response = post_file(
        client, encrypted(pdf_from_text("Objectives"), password="s3cret"), "locked.pdf"
    )
    assert response.status_code == 422
    assert "This PDF is password-protected" in response.content.decode()


def test_a_file_over_the_limit_is_refused_without_keeping_it(client, acme_qa, login, settings):
    settings.LUMEN_COMPLIANCE_MAX_UPLOAD = 2000
    login(acme_qa)
    response = post_file(client, "Objectives. " * 1000)
    assert response.status_code == 422
    assert "The file is larger than" in response.content.decode()


def test_choosing_neither_or_both_is_a_form_error(client, acme_qa, acme_protocol, login):
    login(acme_qa)
    response = client.post(URL, {"kind": "sop"})
    assert response.status_code == 422
    assert "Upload a file or choose one of your documents." in response.content.decode()
    response = client.post(
        URL,
        {
            "kind": "sop",
            "document": str(acme_protocol.uid),
            "file": SimpleUploadedFile("a.txt", b"Objectives"),
        },
    )
    assert "not both" in response.content.decode()


def test_an_own_document_is_checked_from_its_latest_revision(client, acme_qa, acme_protocol, login):
    login(acme_qa)
    response = client.post(URL, {"kind": "sop", "document": str(acme_protocol.uid)})
    page = response.content.decode()
    assert response.status_code == 200
    assert "CVP-0001 Granulation train (revision 1)" in page
    assert "Checked as a cleaning validation protocol, the document&#x27;s kind." in page
    assert "Cleaning procedure: Dirty hold time" in page and "48 h" in page


def test_a_document_can_be_preselected_by_link(client, acme_qa, acme_protocol, login):
    login(acme_qa)
    page = client.get(f"{URL}?document={acme_protocol.uid}&kind=cleaning_validation")
    assert f'<option value="{acme_protocol.uid}" selected>' in page.content.decode()


def test_checking_a_document_takes_a_fixed_number_of_queries(
    client, acme_qa, acme_protocol, login, django_assert_max_num_queries
):
    login(acme_qa)
    with django_assert_max_num_queries(12):
        response = client.post(URL, {"kind": "sop", "document": str(acme_protocol.uid)})
    assert response.status_code == 200


def test_another_organisations_document_is_not_found(client, globex_qa, acme_protocol, login):
    login(globex_qa)
    response = client.post(URL, {"kind": "cleaning_validation", "document": str(acme_protocol.uid)})
    assert response.status_code == 404
    assert "Granulation train" not in client.get(URL).content.decode()


def test_a_malformed_document_id_is_a_form_error(client, acme_qa, login):
    login(acme_qa)
    response = client.post(URL, {"kind": "sop", "document": "not-a-uuid"})
    assert response.status_code == 422
    assert "Choose one of the listed documents." in response.content.decode()


def test_the_checker_needs_a_csrf_token(client, acme_qa, login):
    from django.test import Client

    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(acme_qa)
    response = csrf_client.post(URL, {"kind": "sop", "file": SimpleUploadedFile("a.txt", b"x")})
    assert response.status_code == 403
    assert b"CSRF" in response.content


def test_the_checker_is_for_pharma_users_only(client, alice_patient, login, db):
    assert client.get(URL).url.startswith("/accounts/login/")
    login(alice_patient)
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"kind": "sop"}).status_code == 403


def test_suggestions_appear_separately_when_a_language_model_is_configured(
    client, acme_qa, login, settings, fake_tgi
):
    settings.LUMEN_GENERATOR, settings.LUMEN_GENERATOR_URL = "tgi", fake_tgi.url
    settings.LUMEN_GENERATOR_ADAPTER_ID = "lumen-medical"
    fake_tgi.reply = "Add the recovery study [1]."
    login(acme_qa)
    page = post_file(client, cv_without("recovery")).content.decode()
    assert SUGGESTIONS in page
    assert page.index(SUGGESTIONS) > page.index("Recovery study data")
    assert "Add the recovery study [1]." in page


def test_a_failing_language_model_leaves_the_report_whole(
    client, acme_qa, login, settings, fake_tgi
):
    settings.LUMEN_GENERATOR, settings.LUMEN_GENERATOR_URL = "tgi", fake_tgi.url
    fake_tgi.mode = "overloaded_429"
    login(acme_qa)
    response = post_file(client, cv_without("recovery"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Score" in page and SUGGESTIONS in page
    assert "Suggestions are unavailable right now" in page
