"""Writes for QA documents: create, revise, submit, withdraw, sign.

The lifecycle is draft -> in review -> approved -> superseded, per revision:
- every save that changes content makes a new numbered revision with its reason;
- content can only change on a draft; editing an approved document starts a new draft
  revision, and approving that one supersedes the revision approved before it;
- an approval is an electronic signature: the signer re-enters their password and chooses
  the meaning; name, time and meaning are stored with the revision and printed on the PDF.
State changes are conditional updates whose row count is checked, so two clicks cannot
approve a revision twice. django-auditlog records every change with its actor.
"""

from __future__ import annotations

import hashlib
import re

from auditlog.models import LogEntry
from django.db import transaction
from django.utils import timezone

from lumen.accounts import reauth
from lumen.accounts.models import User
from pharma import kinds
from pharma.document_forms import missing_required
from pharma.models import DocumentStatus, Organisation, QADocument, Revision, Signature

Status = DocumentStatus
Meaning = Signature.Meaning


class DocumentError(Exception):
    """The action is not allowed now; the message is safe to show."""


# A signature stands for the signer: a password alone (phished, reused) must not be enough.
TWO_FACTOR_NEEDED = (
    "Signing needs two-factor authentication: turn on an authenticator app for your account "
    "first. Nothing was signed."
)


def _next_number(organisation: Organisation, prefix: str) -> str:
    numbers = QADocument.objects.filter(
        organisation=organisation, number__startswith=f"{prefix}-"
    ).values_list("number", flat=True)
    used = [int(m.group(1)) for n in numbers if (m := re.fullmatch(rf"{prefix}-(\d+)", n))]
    return f"{prefix}-{max(used, default=0) + 1:04d}"


def document_create(*, organisation: Organisation, user: User, kind: str, title: str) -> QADocument:
    declared = kinds.get(kind)
    title = " ".join(title.split())
    if not title:
        raise DocumentError("Give the document a title.")
    with transaction.atomic():
        # One number at a time per organisation: the row lock serialises concurrent creates.
        Organisation.objects.select_for_update().get(pk=organisation.pk)
        document = QADocument.objects.create(
            organisation=organisation,
            kind=declared.key,
            number=_next_number(organisation, declared.prefix),
            title=title,
            created_by=user,
        )
        Revision.objects.create(
            document=document,
            number=1,
            content=declared.empty_content(),
            reason="Created",
            created_by=user,
        )
    return document


def latest_revision(document: QADocument) -> Revision:
    return document.revisions.order_by("-number").first()


def revision_save(*, document: QADocument, user: User, content: dict, reason: str) -> Revision:
    """Save new content. Unchanged content saves nothing; changed content becomes a new
    draft revision. Approved revisions are never modified."""
    reason = " ".join(reason.split())
    with transaction.atomic():
        document = QADocument.objects.select_for_update().get(pk=document.pk)
        latest = latest_revision(document)
        if content == latest.content:
            return latest
        if latest.status == Status.IN_REVIEW:
            raise DocumentError("This revision is in review. Withdraw it to make changes.")
        if not reason:
            raise DocumentError("Say why you are changing the document (reason for change).")
        revision = Revision.objects.create(
            document=document,
            number=latest.number + 1,
            content=content,
            reason=reason[:300],
            created_by=user,
        )
        _document_status(document, Status.DRAFT)
    return revision


def _document_status(document: QADocument, status: str) -> None:
    document.status = status
    document.save(update_fields=["status", "updated_at"])


def _transition(revision: Revision, source: str, target: str, **extra) -> bool:
    """Move `revision` from `source` to `target` if it is still in `source`. A queryset
    update bypasses auditlog's signals, so the change is written to the trail here."""
    changed = Revision.objects.filter(pk=revision.pk, status=source).update(status=target, **extra)
    if changed:
        LogEntry.objects.log_create(
            revision,
            force_log=True,
            action=LogEntry.Action.UPDATE,
            changes={"status": [source, target]},
        )
    return bool(changed)


def revision_submit(*, revision: Revision, user: User) -> Revision:
    """Send a complete draft for review; what is required must be filled in first."""
    missing = missing_required(kinds.get(revision.document.kind), revision.content)
    if missing:
        raise DocumentError(f"Fill in what is required before review ({len(missing)} missing).")
    with transaction.atomic():
        if revision != latest_revision(revision.document):
            raise DocumentError("Only the latest revision can be submitted.")
        if not _transition(revision, Status.DRAFT, Status.IN_REVIEW):
            raise DocumentError("Only a draft can be submitted for review.")
        _document_status(revision.document, Status.IN_REVIEW)
    revision.refresh_from_db()
    return revision


def revision_withdraw(*, revision: Revision, user: User) -> Revision:
    with transaction.atomic():
        if not _transition(revision, Status.IN_REVIEW, Status.DRAFT):
            raise DocumentError("Only a revision in review can be withdrawn.")
        _document_status(revision.document, Status.DRAFT)
    revision.refresh_from_db()
    return revision


def revision_sign(*, revision: Revision, user: User, password: str, meaning: str) -> Signature:
    """Sign `revision` with `meaning` after checking the signer's password. An approval moves
    the revision from in review to approved and supersedes the previously approved one. A
    signer without two-factor, a wrong password (counted against the account's limit, see
    `lumen.accounts.reauth`), or a meaning the revision's state does not allow, signs
    nothing."""
    if meaning not in Meaning.values:
        raise DocumentError("Choose what your signature means.")
    if not reauth.has_two_factor(user):
        raise DocumentError(TWO_FACTOR_NEEDED)
    try:
        reauth.password_confirm(user=user, password=password, action="signature password failed")
    except reauth.ReauthRefused as exc:
        raise DocumentError(f"{exc} Nothing was signed.") from exc
    allowed = {
        Meaning.AUTHORED: {Status.DRAFT, Status.IN_REVIEW},
        Meaning.REVIEWED: {Status.IN_REVIEW},
        Meaning.APPROVED: {Status.IN_REVIEW},
    }[meaning]
    with transaction.atomic():
        document = QADocument.objects.select_for_update().get(pk=revision.document_id)
        revision.refresh_from_db()
        if revision.status not in allowed:
            raise DocumentError(
                f"A {revision.get_status_display().lower()} revision cannot be signed as "
                f"{Meaning(meaning).label.lower()}."
            )
        if revision.signatures.filter(signer=user, meaning=meaning).exists():
            raise DocumentError("You have already signed this revision with that meaning.")
        signature = Signature.objects.create(
            revision=revision,
            signer=user,
            signer_name=user.name or user.email,
            meaning=meaning,
        )
        if meaning == Meaning.APPROVED:
            now = timezone.now()
            if not _transition(revision, Status.IN_REVIEW, Status.APPROVED, approved_at=now):
                raise DocumentError("This revision was approved a moment ago.")
            for previous in document.revisions.filter(status=Status.APPROVED).exclude(
                pk=revision.pk
            ):
                _transition(previous, Status.APPROVED, Status.SUPERSEDED)
            _document_status(document, Status.APPROVED)
    revision.refresh_from_db()
    return signature


def revision_issue_pdf(*, revision: Revision, pdf: bytes) -> bytes:
    """Keep the first PDF issued for an approved revision, with its SHA-256; later downloads
    get exactly those bytes, so every copy of an approved revision is the same document."""
    digest = hashlib.sha256(pdf).hexdigest()
    Revision.objects.filter(pk=revision.pk, status=Status.APPROVED, pdf_sha256="").update(
        pdf=pdf, pdf_sha256=digest
    )
    revision.refresh_from_db(fields=["pdf", "pdf_sha256"])
    return bytes(revision.pdf) if revision.pdf is not None else pdf
