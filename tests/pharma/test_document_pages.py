"""QA document pages: create, edit with repeatable rows, errors in place, submit, sign, PDF;
every URL confined to the user's own organisation."""

from __future__ import annotations

import pytest

from pharma import documents, kinds
from pharma.models import DocumentStatus, QADocument, Revision, Signature
from tests.conftest import PASSWORD
from tests.pharma.document_data import complete_content, post_data

CV = kinds.get("cleaning_validation")


@pytest.fixture
def protocol(acme, acme_qa):
    return documents.document_create(
        organisation=acme, user=acme_qa, kind=CV.key, title="Granulator train A"
    )


def test_a_pharma_user_creates_a_document_and_lands_in_its_editor(client, acme_qa, login):
    login(acme_qa)
    response = client.post(
        "/pharma/documents/", {"kind": "cleaning_validation", "title": "Train A"}
    )
    document = QADocument.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/pharma/documents/{document.uid}/edit/"
    page = client.get(response["Location"]).content.decode()
    assert "Equipment train" in page and 'name="f-purpose-objective"' in page


def test_the_list_shows_only_the_organisations_documents(
    client, protocol, globex, globex_qa, login
):
    documents.document_create(organisation=globex, user=globex_qa, kind="sop", title="Globex SOP")
    login(globex_qa)
    page = client.get("/pharma/documents/").content.decode()
    assert "Globex SOP" in page and "Granulator train A" not in page


def test_saving_the_editor_makes_a_revision_with_rows(client, protocol, acme_qa, login):
    login(acme_qa)
    content = complete_content(CV, rows=3)
    response = client.post(
        f"/pharma/documents/{protocol.uid}/edit/", post_data(CV, content, "First draft")
    )
    assert response.status_code == 302
    revision = documents.latest_revision(protocol)
    assert revision.number == 2 and revision.reason == "First draft"
    assert len(revision.content["equipment"]["train"]) == 3
    assert revision.content["cleaning"]["runs"] == 10  # numbers are stored as numbers
    page = client.get(f"/pharma/documents/{protocol.uid}/").content.decode()
    assert "Description 3" in page and "First draft" in page


def test_add_row_shows_the_form_again_without_saving(client, protocol, acme_qa, login):
    login(acme_qa)
    data = post_data(CV, complete_content(CV, rows=1))
    data["add_row"] = "sampling.locations"
    response = client.post(f"/pharma/documents/{protocol.uid}/edit/", data)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="t-sampling-locations-1-location"' in html
    assert protocol.revisions.count() == 1


def test_add_row_with_htmx_keeps_what_was_typed(client, protocol, acme_qa, login):
    login(acme_qa)
    data = post_data(CV, complete_content(CV, rows=1))
    data["add_row"] = "equipment.train"
    response = client.post(f"/pharma/documents/{protocol.uid}/edit/", data, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert 'id="t-equipment-train"' in html
    assert 'value="ID / serial 1"' in html  # the row typed so far survives
    assert 'name="t-equipment-train-1-equipment_id"' in html
    assert protocol.revisions.count() == 1


def test_a_removed_row_is_dropped_on_save(client, protocol, acme_qa, login):
    login(acme_qa)
    data = post_data(CV, complete_content(CV, rows=2))
    data["t-equipment-train-0-_remove"] = "1"
    client.post(f"/pharma/documents/{protocol.uid}/edit/", data)
    rows = documents.latest_revision(protocol).content["equipment"]["train"]
    assert [r["equipment_id"] for r in rows] == ["ID / serial 2"]


def test_bad_values_are_shown_in_place_and_nothing_is_saved(client, protocol, acme_qa, login):
    login(acme_qa)
    data = post_data(CV, complete_content(CV))
    data["f-cleaning-runs"] = "three"
    data["t-equipment-train-1-area_cm2"] = "lots"
    data["f-cleaning-method"] = "<script>alert(1)</script>"
    response = client.post(f"/pharma/documents/{protocol.uid}/edit/", data)
    html = response.content.decode()
    assert response.status_code == 422
    assert "Number of consecutive cleaning cycles: enter a number." in html
    assert "Product-contact area: enter a number." in html
    assert "Method: choose one of the options." in html
    assert "<script>alert(1)</script>" not in html
    assert protocol.revisions.count() == 1


def test_submitting_needs_the_required_items(client, protocol, acme_qa, login):
    login(acme_qa)
    response = client.post(f"/pharma/documents/{protocol.uid}/submit/", follow=True)
    assert "Fix what is missing or cannot be calculated before review" in response.content.decode()
    assert documents.latest_revision(protocol).status == DocumentStatus.DRAFT


def test_ambiguous_and_implausible_numbers_are_refused_in_place(client, protocol, acme_qa, login):
    """Finding 3 ("0,012" stored as 12, "185.000" as 185) and 5 (PDE 1e14, recovery 0.85)."""
    login(acme_qa)
    data = post_data(CV, complete_content(CV))
    data["t-products-products-0-pde_mg_day"] = "0,012"
    data["f-acceptance-shared_area_cm2"] = "185.000"
    data["t-products-products-1-pde_mg_day"] = "1e14"
    data["f-analytics-recovery_pct"] = "0.85"
    response = client.post(f"/pharma/documents/{protocol.uid}/edit/", data)
    assert response.status_code == 422
    html = response.content.decode()
    assert "is ambiguous" in html and "Write 0.012" in html
    assert "Write 185000 for thousands or 185 for the decimal" in html
    assert "outside the plausible range 0.000001 to 100,000 mg/day" in html
    assert "enter a percentage, e.g. 85 for 85%" in html
    assert protocol.revisions.count() == 1
    data.update({
        "t-products-products-0-pde_mg_day": "0.012",
        "f-acceptance-shared_area_cm2": "185000",
        "t-products-products-1-pde_mg_day": "1,5",
        "f-analytics-recovery_pct": "85",
    })  # fmt: skip
    assert client.post(f"/pharma/documents/{protocol.uid}/edit/", data).status_code == 302
    content = documents.latest_revision(protocol).content
    assert [p["pde_mg_day"] for p in content["products"]["products"]] == [0.012, 1.5]
    assert content["acceptance"]["shared_area_cm2"] == 185000
    assert content["analytics"]["recovery_pct"] == 85


def _sign(client, protocol, meaning, user, password=PASSWORD):
    return client.post(
        f"/pharma/documents/{protocol.uid}/sign/",
        {"meaning": meaning, "user_id": user.email, "password": password},
    )


def test_submit_sign_and_approve_through_the_pages(
    client,
    protocol,
    acme_signer,
    acme_reviewer,
    acme_approver,
    login,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    login(acme_signer)
    client.post(f"/pharma/documents/{protocol.uid}/edit/", post_data(CV, complete_content(CV)))
    page = client.get(f"/pharma/documents/{protocol.uid}/").content.decode()
    assert "Rita Reviewer" in page and "Avery Approver" in page
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(
            f"/pharma/documents/{protocol.uid}/submit/",
            {"reviewers": [acme_reviewer.pk], "approvers": [acme_approver.pk]},
        ).status_code == 302  # fmt: skip
    assert sorted(m.to[0] for m in mailoutbox) == ["avery@acme.example", "rita@acme.example"]
    wrong = _sign(client, protocol, "authored", acme_signer, password="nope")
    assert wrong.status_code == 422 and "Nothing was signed" in wrong.content.decode()
    assert not Signature.objects.exists()
    assert _sign(client, protocol, "authored", acme_signer).status_code == 302
    for person, meaning in ((acme_reviewer, "reviewed"), (acme_approver, "approved")):
        client.logout()
        login(person)
        assert _sign(client, protocol, meaning, person).status_code == 302
    page = client.get(f"/pharma/documents/{protocol.uid}/").content.decode()
    assert "Approved by Avery Approver (Approver)" in page
    assert "Reviewed by Rita Reviewer (Reviewer)" in page
    assert "Authored by Quinn QA (Author)" in page
    assert "Version 1.0" in page and "Periodic review due" in page
    # Editing now starts a new revision; the approved one stays.
    assert "Start a new revision" in page
    compare = client.get(f"/pharma/documents/{protocol.uid}/compare/").content.decode()
    assert "Version 0.1 → version 1.0" in compare
    assert "Objective 1" in compare


def test_the_pdf_downloads(client, protocol, acme_qa, login):
    login(acme_qa)
    response = client.get(f"/pharma/documents/{protocol.uid}/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="CVP-0001-v0.1.pdf"'
    assert response.content.startswith(b"%PDF")


URLS = [
    ("get", "/pharma/documents/{uid}/"),
    ("get", "/pharma/documents/{uid}/edit/"),
    ("post", "/pharma/documents/{uid}/edit/"),
    ("post", "/pharma/documents/{uid}/submit/"),
    ("post", "/pharma/documents/{uid}/withdraw/"),
    ("get", "/pharma/documents/{uid}/sign/"),
    ("post", "/pharma/documents/{uid}/sign/"),
    ("get", "/pharma/documents/{uid}/pdf/"),
    ("get", "/pharma/documents/{uid}/revisions/1/"),
    ("get", "/pharma/documents/{uid}/revisions/1/pdf/"),
]


@pytest.mark.parametrize(("method", "url"), URLS)
def test_another_organisation_gets_404_everywhere_and_changes_nothing(
    client, protocol, globex_qa, login, method, url
):
    login(globex_qa)
    data = {"meaning": "approved", "password": PASSWORD, "reason": "x", "f-purpose-scope": "x"}
    response = getattr(client, method)(url.format(uid=protocol.uid), data)
    assert response.status_code == 404
    assert Revision.objects.filter(document=protocol).count() == 1
    assert not Signature.objects.exists()


@pytest.mark.parametrize(("method", "url"), URLS)
def test_patients_and_anonymous_visitors_are_refused(
    client, protocol, alice_patient, login, method, url
):
    response = getattr(client, method)(url.format(uid=protocol.uid))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    login(alice_patient)
    assert getattr(client, method)(url.format(uid=protocol.uid)).status_code == 403
