"""Document lifecycle rules: numbered revisions with reasons, submit/withdraw, signatures
that need the password, approval that freezes a revision and supersedes the one before."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.db import connection

from pharma import documents, kinds
from pharma.models import DocumentStatus, QADocument, Revision, Signature
from tests.conftest import PASSWORD
from tests.pharma.document_data import complete_content

CV = kinds.get("cleaning_validation")


@pytest.fixture
def protocol(acme, acme_qa):
    return documents.document_create(
        organisation=acme, user=acme_qa, kind=CV.key, title="Granulator train A"
    )


def _complete(document, user):
    return documents.revision_save(
        document=document, user=user, content=complete_content(CV), reason="Complete"
    )


def _changed() -> dict:
    content = complete_content(CV)
    content["purpose"]["scope"] = "Train A and train B"
    return content


def _approved(document, user):
    revision = documents.revision_save(
        document=document, user=user, content=complete_content(CV), reason="Complete"
    )
    documents.revision_submit(revision=revision, user=user)
    documents.revision_sign(revision=revision, user=user, password=PASSWORD, meaning="approved")
    revision.refresh_from_db()
    return revision


def test_documents_are_numbered_per_organisation_and_kind(acme, globex, acme_qa, globex_qa):
    first = documents.document_create(organisation=acme, user=acme_qa, kind=CV.key, title="A")
    second = documents.document_create(organisation=acme, user=acme_qa, kind=CV.key, title="B")
    sop = documents.document_create(organisation=acme, user=acme_qa, kind="sop", title="C")
    other = documents.document_create(organisation=globex, user=globex_qa, kind=CV.key, title="D")
    assert [first.number, second.number, sop.number, other.number] == [
        "CVP-0001",
        "CVP-0002",
        "SOP-0001",
        "CVP-0001",
    ]
    assert first.revisions.get().number == 1 and first.status == DocumentStatus.DRAFT


def test_a_blank_title_or_unknown_kind_is_refused(acme, acme_qa):
    with pytest.raises(documents.DocumentError):
        documents.document_create(organisation=acme, user=acme_qa, kind=CV.key, title="  ")
    with pytest.raises(LookupError):
        documents.document_create(organisation=acme, user=acme_qa, kind="poem", title="x")


def test_every_content_change_is_a_new_revision_with_its_reason(protocol, acme_qa):
    content = CV.empty_content()
    content["purpose"]["objective"] = "Show the cleaning works"
    revision = documents.revision_save(
        document=protocol, user=acme_qa, content=content, reason="Objective written"
    )
    assert revision.number == 2 and revision.reason == "Objective written"
    same = documents.revision_save(
        document=protocol, user=acme_qa, content=content, reason="No change"
    )
    assert same.pk == revision.pk, "unchanged content makes no revision"
    assert protocol.revisions.count() == 2


def test_a_change_needs_a_reason(protocol, acme_qa):
    content = CV.empty_content()
    content["purpose"]["scope"] = "Train A"
    with pytest.raises(documents.DocumentError, match="reason"):
        documents.revision_save(document=protocol, user=acme_qa, content=content, reason=" ")
    assert protocol.revisions.count() == 1


def test_a_revision_in_review_cannot_change_until_withdrawn(protocol, acme_qa):
    revision = _complete(protocol, acme_qa)
    documents.revision_submit(revision=revision, user=acme_qa)
    with pytest.raises(documents.DocumentError, match="in review"):
        documents.revision_save(document=protocol, user=acme_qa, content=_changed(), reason="x")
    documents.revision_withdraw(revision=revision, user=acme_qa)
    saved = documents.revision_save(document=protocol, user=acme_qa, content=_changed(), reason="x")
    assert saved.number == revision.number + 1


def test_an_incomplete_draft_cannot_be_submitted(protocol, acme_qa):
    with pytest.raises(documents.DocumentError, match="required before review"):
        documents.revision_submit(revision=documents.latest_revision(protocol), user=acme_qa)
    assert documents.latest_revision(protocol).status == DocumentStatus.DRAFT


def test_a_wrong_password_signs_nothing(protocol, acme_signer):
    revision = _complete(protocol, acme_signer)
    documents.revision_submit(revision=revision, user=acme_signer)
    with pytest.raises(documents.DocumentError, match="password"):
        documents.revision_sign(
            revision=revision, user=acme_signer, password="not-it", meaning="approved"
        )
    revision.refresh_from_db()
    assert revision.status == DocumentStatus.IN_REVIEW
    assert not Signature.objects.exists()


def test_approval_needs_review_first(protocol, acme_signer):
    revision = documents.latest_revision(protocol)
    with pytest.raises(documents.DocumentError, match="cannot be signed as approved"):
        documents.revision_sign(
            revision=revision, user=acme_signer, password=PASSWORD, meaning="approved"
        )
    authored = documents.revision_sign(
        revision=revision, user=acme_signer, password=PASSWORD, meaning="authored"
    )
    assert authored.signer_name == "Quinn QA" and authored.meaning == "authored"


def test_an_approval_records_name_time_and_meaning_and_freezes_the_revision(protocol, acme_signer):
    revision = _approved(protocol, acme_signer)
    signature = revision.signatures.get(meaning="approved")
    assert (signature.signer, signature.signer_name) == (acme_signer, "Quinn QA")
    assert signature.signed_at and revision.approved_at
    assert revision.status == DocumentStatus.APPROVED
    protocol.refresh_from_db()
    assert protocol.status == DocumentStatus.APPROVED
    # Approved content never changes: an edit is a new draft revision.
    changed = complete_content(CV)
    changed["purpose"]["objective"] = "Revised objective"
    draft = documents.revision_save(
        document=protocol, user=acme_signer, content=changed, reason="Periodic review"
    )
    revision.refresh_from_db()
    assert draft.number == revision.number + 1 and draft.status == DocumentStatus.DRAFT
    assert revision.content["purpose"]["objective"] == complete_content(CV)["purpose"]["objective"]
    assert revision.status == DocumentStatus.APPROVED


def test_approving_a_new_revision_supersedes_the_previous_approval(protocol, acme_signer):
    first = _approved(protocol, acme_signer)
    changed = complete_content(CV)
    changed["cleaning"]["runs"] = 4
    second = documents.revision_save(
        document=protocol, user=acme_signer, content=changed, reason="Four runs"
    )
    documents.revision_submit(revision=second, user=acme_signer)
    documents.revision_sign(
        revision=second, user=acme_signer, password=PASSWORD, meaning="approved"
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (DocumentStatus.SUPERSEDED, DocumentStatus.APPROVED)


def test_a_second_approval_of_the_same_revision_signs_nothing(protocol, acme_signer):
    revision = _complete(protocol, acme_signer)
    documents.revision_submit(revision=revision, user=acme_signer)
    # A second click (a stale page) finds the revision approved and signs nothing.
    documents.revision_sign(
        revision=revision, user=acme_signer, password=PASSWORD, meaning="approved"
    )
    with pytest.raises(documents.DocumentError):
        documents.revision_sign(
            revision=Revision.objects.get(pk=revision.pk),
            user=acme_signer,
            password=PASSWORD,
            meaning="approved",
        )
    assert revision.signatures.filter(meaning="approved").count() == 1


def test_the_issued_pdf_is_kept_with_its_hash(protocol, acme_signer):
    revision = _approved(protocol, acme_signer)
    kept = documents.revision_issue_pdf(revision=revision, pdf=b"%PDF-first")
    again = documents.revision_issue_pdf(revision=revision, pdf=b"%PDF-second")
    assert kept == again == b"%PDF-first"
    import hashlib

    assert revision.pdf_sha256 == hashlib.sha256(b"%PDF-first").hexdigest()


def test_document_changes_and_signatures_are_audited(protocol, acme_signer):
    from auditlog.context import set_actor

    with set_actor(acme_signer):
        _approved(protocol, acme_signer)
    transitions = [
        e.changes_dict["status"]
        for e in LogEntry.objects.get_for_model(Revision).order_by("timestamp")
        if e.action == LogEntry.Action.UPDATE and "status" in e.changes_dict
    ]
    assert transitions == [["draft", "in_review"], ["in_review", "approved"]]
    updates = LogEntry.objects.get_for_model(Revision).filter(action=LogEntry.Action.UPDATE)
    assert updates and all(e.actor == acme_signer for e in updates)
    assert LogEntry.objects.get_for_model(Signature).filter(action=LogEntry.Action.CREATE)
    assert LogEntry.objects.get_for_model(QADocument).exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pharma_signature")
        assert cursor.fetchone()[0] == 1
