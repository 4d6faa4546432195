"""Document lifecycle rules: numbered revisions with reasons, submit/withdraw, the approval
matrix (author, reviewer, approver: distinct people), signatures that need the password,
approval that freezes a revision and supersedes the one before."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.db import connection

from pharma import documents, kinds
from pharma.models import DocumentStatus, QADocument, Revision, Signature
from tests.conftest import PASSWORD
from tests.pharma.conftest import approve
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


@pytest.fixture
def team(acme_signer, acme_reviewer, acme_approver):
    """Author, reviewer and approver: three people, each with two-factor on."""
    return acme_signer, acme_reviewer, acme_approver


def _submit(revision, team):
    author, reviewer, approver = team
    return documents.revision_submit(
        revision=revision, user=author, reviewers=[reviewer], approvers=[approver]
    )


def _approved(document, team, content=None):
    revision = documents.revision_save(
        document=document, user=team[0], content=content or complete_content(CV), reason="Complete"
    )
    return approve(revision, *team)


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


def test_a_revision_in_review_cannot_change_until_withdrawn(protocol, team):
    revision = _complete(protocol, team[0])
    _submit(revision, team)
    with pytest.raises(documents.DocumentError, match="in review"):
        documents.revision_save(document=protocol, user=team[0], content=_changed(), reason="x")
    documents.revision_withdraw(revision=revision, user=team[0])
    saved = documents.revision_save(document=protocol, user=team[0], content=_changed(), reason="x")
    assert saved.number == revision.number + 1


def test_an_incomplete_draft_cannot_be_submitted(protocol, team):
    with pytest.raises(documents.DocumentError, match="before review"):
        _submit(documents.latest_revision(protocol), team)
    assert documents.latest_revision(protocol).status == DocumentStatus.DRAFT


def test_a_calculation_error_blocks_submission(protocol, team):
    content = complete_content(CV)
    content["acceptance"]["next_product"] = "A product not in the table"
    revision = documents.revision_save(
        document=protocol, user=team[0], content=content, reason="Complete"
    )
    with pytest.raises(documents.DocumentError, match="Maximum allowable carry-over"):
        _submit(revision, team)
    assert documents.latest_revision(protocol).status == DocumentStatus.DRAFT


def test_a_wrong_password_signs_nothing(protocol, team):
    revision = _complete(protocol, team[0])
    _submit(revision, team)
    with pytest.raises(documents.DocumentError, match="password"):
        documents.revision_sign(revision=revision, user=team[0], password="no", meaning="authored")
    revision.refresh_from_db()
    assert revision.status == DocumentStatus.IN_REVIEW
    assert not Signature.objects.exists()


def test_a_wrong_user_id_at_the_first_signing_signs_nothing_and_is_logged(protocol, team):
    revision = _complete(protocol, team[0])
    _submit(revision, team)
    with pytest.raises(documents.DocumentError, match="user ID and password"):
        documents.revision_sign(
            revision=revision,
            user=team[0],
            password=PASSWORD,
            meaning="authored",
            user_id="someone.else@acme.example",
        )
    assert not Signature.objects.exists()
    events = [e.additional_data["event"] for e in LogEntry.objects.filter(action=3)]
    assert "signature user ID failed" in events
    signed = documents.revision_sign(
        revision=revision,
        user=team[0],
        password=PASSWORD,
        meaning="authored",
        user_id=" Quinn@Acme.example ",
    )
    assert signed.role == "author"


def test_one_person_cannot_author_review_and_approve(protocol, team):
    """Finding 1: one user created, submitted and approved an SOP alone."""
    author, reviewer, approver = team
    revision = _complete(protocol, author)
    with pytest.raises(documents.DocumentError, match="your own revision"):
        documents.revision_submit(
            revision=revision, user=author, reviewers=[author], approvers=[approver]
        )
    with pytest.raises(documents.DocumentError, match="different people"):
        documents.revision_submit(
            revision=revision, user=author, reviewers=[approver], approvers=[approver]
        )
    _submit(revision, team)
    # A non-author cannot sign "Authored"; nobody signs before the earlier stage is complete.
    with pytest.raises(documents.DocumentError, match="author"):
        documents.revision_sign(
            revision=revision, user=reviewer, password=PASSWORD, meaning="authored"
        )
    with pytest.raises(documents.DocumentError, match="Authored signatures come first"):
        documents.revision_sign(
            revision=revision, user=reviewer, password=PASSWORD, meaning="reviewed"
        )
    documents.revision_sign(revision=revision, user=author, password=PASSWORD, meaning="authored")
    with pytest.raises(documents.DocumentError, match="approver role"):
        documents.revision_sign(
            revision=revision, user=author, password=PASSWORD, meaning="approved"
        )
    with pytest.raises(documents.DocumentError, match="Reviewed signatures come first"):
        documents.revision_sign(
            revision=revision, user=approver, password=PASSWORD, meaning="approved"
        )
    documents.revision_sign(revision=revision, user=reviewer, password=PASSWORD, meaning="reviewed")
    documents.revision_sign(revision=revision, user=approver, password=PASSWORD, meaning="approved")
    revision.refresh_from_db()
    assert revision.status == DocumentStatus.APPROVED
    assert [(s.signer, s.meaning, s.role) for s in revision.signatures.all()] == [
        (author, "authored", "author"),
        (reviewer, "reviewed", "reviewer"),
        (approver, "approved", "approver"),
    ]
    refusals = LogEntry.objects.filter(action=3, additional_data__event="signature refused")
    assert refusals.count() == 4, "every refused signature attempt is audit-logged"


def test_the_matrix_can_ask_for_two_approvers(protocol, team, acme):
    from tests.pharma.conftest import acme_member

    acme.qa_settings = {"approval_matrix": {CV.key: {"approved": 2}}}
    acme.save()
    author, reviewer, approver = team
    second = acme_member(acme, "amir@acme.example", "Amir Approver", "approver")
    revision = _complete(protocol, author)
    with pytest.raises(documents.DocumentError, match="at least 2 approver"):
        _submit(revision, team)
    documents.revision_submit(
        revision=revision, user=author, reviewers=[reviewer], approvers=[approver, second]
    )
    for user, meaning in ((author, "authored"), (reviewer, "reviewed"), (approver, "approved")):
        documents.revision_sign(revision=revision, user=user, password=PASSWORD, meaning=meaning)
    revision.refresh_from_db()
    assert revision.status == DocumentStatus.IN_REVIEW, "one approval of two approves nothing"
    documents.revision_sign(revision=revision, user=second, password=PASSWORD, meaning="approved")
    revision.refresh_from_db()
    assert revision.status == DocumentStatus.APPROVED
    assert revision.signatures.filter(meaning="approved").count() == 2


def test_assignees_are_emailed_on_submit(
    protocol, team, mailoutbox, django_capture_on_commit_callbacks
):
    revision = _complete(protocol, team[0])
    with django_capture_on_commit_callbacks(execute=True):
        _submit(revision, team)
    assert sorted(m.to[0] for m in mailoutbox) == ["avery@acme.example", "rita@acme.example"]
    assert any("Please review CVP-0001 version 0.2" in m.subject for m in mailoutbox)
    assert {a.user for a in revision.assignments.all()} == {team[1], team[2]}


def test_drafts_are_minor_versions_and_issues_major(protocol, team):
    assert documents.latest_revision(protocol).version == "0.1"
    first = _approved(protocol, team)
    assert first.version == "1.0" and first.number == 2
    draft = documents.revision_save(
        document=protocol, user=team[0], content=_changed(), reason="Train B"
    )
    assert draft.version == "1.1"
    second = approve(draft, *team)
    first.refresh_from_db()
    assert second.version == "2.0" and second.supersedes == first
    assert first.status == DocumentStatus.SUPERSEDED
    assert second.effective_date and second.review_due.year == second.effective_date.year + 2


def test_an_approval_records_name_time_and_meaning_and_freezes_the_revision(protocol, team):
    revision = _approved(protocol, team)
    signature = revision.signatures.get(meaning="approved")
    assert (signature.signer, signature.signer_name) == (team[2], "Avery Approver")
    assert signature.signed_at and revision.approved_at
    assert revision.status == DocumentStatus.APPROVED
    protocol.refresh_from_db()
    assert protocol.status == DocumentStatus.APPROVED
    # Approved content never changes: an edit is a new draft revision.
    changed = complete_content(CV)
    changed["purpose"]["objective"] = "Revised objective"
    draft = documents.revision_save(
        document=protocol, user=team[0], content=changed, reason="Periodic review"
    )
    revision.refresh_from_db()
    assert draft.number == revision.number + 1 and draft.status == DocumentStatus.DRAFT
    assert revision.content["purpose"]["objective"] == complete_content(CV)["purpose"]["objective"]
    assert revision.status == DocumentStatus.APPROVED


def test_settings_changed_after_approval_change_nothing_shown(protocol, team, acme):
    """Finding 2: changing maco_ppm changed the MACO and swab limit of an approved protocol."""
    from pharma.calculations import for_revision

    content = complete_content(CV)
    for product in content["products"]["products"]:  # only the 10 ppm criterion applies
        product["pde_mg_day"] = product["min_dose_mg_day"] = ""
    revision = _approved(protocol, team, content)
    shown = for_revision(revision)
    results = documents.frozen_results(revision)
    assert results["maco"]["unit"] == "mg" and results["swab_limit"]["unit"] == "µg/swab"
    acme.qa_settings = {"maco_ppm": 1}
    acme.save()
    revision = Revision.objects.get(pk=revision.pk)
    assert for_revision(revision) == shown
    assert documents.frozen_results(revision) == results
    assert revision.frozen["settings"]["maco_ppm"] == 10
    # The live calculation would differ: the freeze is what keeps the record.
    from pharma.calculations import for_document

    assert for_document(CV, revision.content, acme) != shown


def test_approving_a_new_revision_supersedes_the_previous_approval(protocol, team):
    first = _approved(protocol, team)
    changed = complete_content(CV)
    changed["cleaning"]["runs"] = 4
    second = documents.revision_save(
        document=protocol, user=team[0], content=changed, reason="Four runs"
    )
    approve(second, *team)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (DocumentStatus.SUPERSEDED, DocumentStatus.APPROVED)


def test_a_second_approval_of_the_same_revision_signs_nothing(protocol, team):
    revision = _approved(protocol, team)
    # A second click (a stale page) finds the revision approved and signs nothing.
    with pytest.raises(documents.DocumentError):
        documents.revision_sign(
            revision=Revision.objects.get(pk=revision.pk),
            user=team[2],
            password=PASSWORD,
            meaning="approved",
        )
    assert revision.signatures.filter(meaning="approved").count() == 1


def test_the_issued_pdf_is_kept_with_its_hash(protocol, team):
    revision = _approved(protocol, team)
    kept = documents.revision_issue_pdf(revision=revision, pdf=b"%PDF-first")
    again = documents.revision_issue_pdf(revision=revision, pdf=b"%PDF-second")
    assert kept == again == b"%PDF-first"
    import hashlib

    assert revision.pdf_sha256 == hashlib.sha256(b"%PDF-first").hexdigest()


def test_document_changes_and_signatures_are_audited(protocol, team):
    from auditlog.context import set_actor

    with set_actor(team[2]):
        _approved(protocol, team)
    transitions = [
        e.changes_dict["status"]
        for e in LogEntry.objects.get_for_model(Revision).order_by("timestamp")
        if e.action == LogEntry.Action.UPDATE and "status" in e.changes_dict
    ]
    assert transitions == [["draft", "in_review"], ["in_review", "approved"]]
    assert LogEntry.objects.get_for_model(Signature).filter(action=LogEntry.Action.CREATE)
    assert LogEntry.objects.get_for_model(QADocument).exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pharma_signature")
        assert cursor.fetchone()[0] == 3


def test_a_calculation_that_breaks_after_submission_blocks_approval(protocol, team, acme):
    """An error string must never be printed in an approved PDF (finding 5)."""
    author, reviewer, approver = team
    hvac = documents.document_create(
        organisation=acme, user=author, kind="hvac_qualification", title="Suite 1"
    )
    content = complete_content(kinds.get("hvac_qualification"))
    content["system"]["min_dp_pa"] = ""  # the organisation's setting supplies it
    acme.qa_settings = {"min_pressure_differential_pa": 10}
    acme.save()
    revision = documents.revision_save(document=hvac, user=author, content=content, reason="x")
    documents.revision_submit(
        revision=revision, user=author, reviewers=[reviewer], approvers=[approver]
    )
    for user, meaning in ((author, "authored"), (reviewer, "reviewed")):
        documents.revision_sign(revision=revision, user=user, password=PASSWORD, meaning=meaning)
    acme.qa_settings = {}
    acme.save()
    with pytest.raises(documents.DocumentError, match="Cannot approve: Pressure cascade"):
        documents.revision_sign(
            revision=revision, user=approver, password=PASSWORD, meaning="approved"
        )
    revision.refresh_from_db()
    assert revision.status == DocumentStatus.IN_REVIEW and not revision.frozen


@pytest.mark.parametrize("kind", sorted(kinds.KINDS))
def test_every_kind_filled_in_consistently_goes_to_review(kind, acme, team):
    document = documents.document_create(organisation=acme, user=team[0], kind=kind, title="T")
    revision = documents.revision_save(
        document=document, user=team[0], content=complete_content(kinds.get(kind)), reason="x"
    )
    assert documents.submission_problems(revision) == []
    assert _submit(revision, team).status == DocumentStatus.IN_REVIEW
