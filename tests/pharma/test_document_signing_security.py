"""E-signatures cannot be used to guess a password (security finding 5), and only a pharma
user with two-factor turned on can sign (the issue's "approvers must have two-factor")."""

from __future__ import annotations

import time
from types import SimpleNamespace

import pytest
from auditlog.models import LogEntry

from pharma import documents, kinds
from pharma.models import Signature
from tests.conftest import PASSWORD
from tests.pharma.document_data import complete_content

CV = kinds.get("cleaning_validation")


@pytest.fixture
def in_review(acme, acme_qa, acme_reviewer, acme_approver):
    document = documents.document_create(
        organisation=acme, user=acme_qa, kind=CV.key, title="Granulator train A"
    )
    revision = documents.revision_save(
        document=document, user=acme_qa, content=complete_content(CV), reason="Complete"
    )
    documents.revision_submit(
        revision=revision, user=acme_qa, reviewers=[acme_reviewer], approvers=[acme_approver]
    )
    return document


def _sign(client, document, password):
    """Quinn, the author, signs: user ID and password, as at the first signing of a session."""
    return client.post(
        f"/pharma/documents/{document.uid}/sign/",
        {"meaning": "authored", "user_id": "quinn@acme.example", "password": password},
    )


def test_fifteen_wrong_passwords_then_the_right_one_signs_nothing(
    client, in_review, acme_signer, login
):
    login(acme_signer)
    for attempt in range(15):
        response = _sign(client, in_review, f"guess-{attempt}")
        assert response.status_code == 422
    response = _sign(client, in_review, PASSWORD)
    assert response.status_code == 422
    html = response.content.decode()
    assert "Too many wrong passwords" in html and "Try again" in html
    assert not Signature.objects.exists()


def test_the_limit_is_per_account_and_opens_again_after_the_window(
    client, in_review, acme_signer, login, monkeypatch
):
    from lumen.accounts import reauth

    login(acme_signer)
    for attempt in range(reauth.LIMIT):
        _sign(client, in_review, f"guess-{attempt}")
    assert _sign(client, in_review, PASSWORD).status_code == 422
    # The failures are counted by time: once the window has passed the right password signs.
    later = time.time() + reauth.WINDOW.total_seconds() + 1
    monkeypatch.setattr(reauth, "time", SimpleNamespace(time=lambda: later))
    assert _sign(client, in_review, PASSWORD).status_code == 302
    assert Signature.objects.filter(signer=acme_signer, meaning="authored").exists()


def test_each_wrong_signature_password_is_in_the_audit_trail(client, in_review, acme_signer, login):
    login(acme_signer)
    _sign(client, in_review, "guess-1")
    _sign(client, in_review, "guess-2")
    failed = LogEntry.objects.filter(
        actor=acme_signer, additional_data__event="signature password failed"
    )
    assert failed.count() == 2
    assert all("guess" not in str(e.changes) + str(e.additional_data) for e in failed)


def test_the_first_signing_of_a_session_needs_the_user_id_then_the_password_alone(
    client, in_review, acme_signer, acme_reviewer, login
):
    """21 CFR 11.200(a)(1): both components at the first signing, the password afterwards."""
    login(acme_signer)
    url = f"/pharma/documents/{in_review.uid}/sign/"
    assert 'name="user_id"' in client.get(url).content.decode()
    response = client.post(url, {"meaning": "authored", "password": PASSWORD})
    assert response.status_code == 422 and not Signature.objects.exists()
    response = client.post(
        url, {"meaning": "authored", "user_id": "rita@acme.example", "password": PASSWORD}
    )
    assert response.status_code == 422 and not Signature.objects.exists()
    assert LogEntry.objects.filter(additional_data__event="signature user ID failed").exists()
    assert _sign(client, in_review, PASSWORD).status_code == 302
    assert 'name="user_id"' not in client.get(url).content.decode()


def test_a_pharma_user_without_two_factor_cannot_sign(client, in_review, acme_qa, login):
    login(acme_qa)
    page = client.get(f"/pharma/documents/{in_review.uid}/sign/").content.decode()
    assert "two-factor" in page and 'href="/accounts/2fa/"' in page
    response = _sign(client, in_review, PASSWORD)
    assert response.status_code == 403
    assert not Signature.objects.exists()
    with pytest.raises(documents.DocumentError, match="two-factor"):
        documents.revision_sign(
            revision=documents.latest_revision(in_review),
            user=acme_qa,
            password=PASSWORD,
            meaning="authored",
        )
    assert not Signature.objects.exists()
