"""Writes for QA documents: create, revise, submit, withdraw, sign.

The lifecycle is draft -> in review -> approved -> superseded, per revision:
- every save that changes content makes a new numbered revision with its reason; drafts are
  minor versions (0.1, 0.2 …), the approved revision the next major one (1.0);
- content can only change on a draft; editing an approved document starts a new draft
  revision, and approving that one supersedes the revision approved before it;
- an author submits a complete draft whose calculations all work out, assigning reviewers
  and approvers (pharma/workflow.py: the approval matrix, distinct people), who are emailed;
- each signature is an electronic signature: two-factor on, the password re-entered (with the
  user ID too at the first signing of a session), a meaning and the signer's role; name,
  role, time and meaning are stored with the revision and printed on the PDF. Refused
  attempts are written to the audit trail;
- the last approval signature the matrix asks for approves the revision and freezes it: the
  settings and every calculation as shown are stored with it, and its PDF is issued once.
State changes are conditional updates whose row count is checked, so two clicks cannot
approve a revision twice. django-auditlog records every change with its actor.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import re
from decimal import Decimal

from auditlog.models import LogEntry
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from lumen.accounts import reauth
from lumen.accounts.models import User
from pharma import kinds, workflow
from pharma.calculations import as_json, for_document
from pharma.criteria import acceptance_criteria
from pharma.models import (
    Assignment,
    DocumentStatus,
    Organisation,
    QADocument,
    QARole,
    Revision,
    Signature,
)
from pharma.qa_settings import qa_setting, snapshot

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


def _require_author(user: User, organisation: Organisation) -> None:
    if QARole.AUTHOR not in workflow.roles_of(user, organisation):
        raise DocumentError("Writing QA documents needs the author role in your organisation.")


def _version(major: int, minor: int) -> str:
    return f"{major}.{minor}"


def _next_draft_version(latest: Revision) -> str:
    """Drafts count up the minor version after the last issued (major) one."""
    major, _, minor = (latest.version or "0.0").partition(".")
    if latest.status in (Status.APPROVED, Status.SUPERSEDED):
        return _version(int(major), 1)
    return _version(int(major), int(minor or 0) + 1)


def document_create(*, organisation: Organisation, user: User, kind: str, title: str) -> QADocument:
    declared = kinds.get(kind)
    _require_author(user, organisation)
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
            version=_version(0, 1),
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
        _require_author(user, document.organisation)
        revision = Revision.objects.create(
            document=document,
            number=latest.number + 1,
            version=_next_draft_version(latest),
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


def submission_problems(revision: Revision) -> list[str]:
    """What stops `revision` going to review: required items missing, calculations that
    cannot be worked out (an error must not reach an approved PDF)."""
    document = revision.document
    kind = kinds.get(document.kind)
    problems = kind.missing(revision.content)
    problems += [
        f"{view.title}: {view.error}"
        for view in for_document(kind, revision.content, document.organisation)
        if view.error
    ]
    return problems


def revision_submit(
    *,
    revision: Revision,
    user: User,
    reviewers: list[User],
    approvers: list[User],
    base_url: str = "",
) -> Revision:
    """Send a complete draft for review, assigning its reviewers and approvers (the approval
    matrix's numbers, distinct people, never the author), who are emailed once it commits."""
    document = revision.document
    _require_author(user, document.organisation)
    problems = submission_problems(revision)
    if problems:
        raise DocumentError(
            f"Fix what is missing or cannot be calculated before review ({len(problems)}): "
            + "; ".join(problems[:3])
            + (" …" if len(problems) > 3 else "")
        )
    refusal = workflow.assignment_refusal(revision, user, reviewers, approvers)
    if refusal:
        raise DocumentError(refusal)
    with transaction.atomic():
        if revision != latest_revision(document):
            raise DocumentError("Only the latest revision can be submitted.")
        if not _transition(revision, Status.DRAFT, Status.IN_REVIEW, submitted_by=user):
            raise DocumentError("Only a draft can be submitted for review.")
        assignments = [
            Assignment.objects.create(revision=revision, user=person, meaning=meaning,
                                      assigned_by=user)
            for meaning, people in ((Meaning.REVIEWED, reviewers), (Meaning.APPROVED, approvers))
            for person in dict.fromkeys(people)
        ]  # fmt: skip
        _document_status(document, Status.IN_REVIEW)
        transaction.on_commit(lambda: _notify(assignments, base_url))
    revision.refresh_from_db()
    return revision


def _notify(assignments: list[Assignment], base_url: str) -> None:
    for assignment in assignments:
        document = assignment.revision.document
        link = base_url.rstrip("/") + reverse("pharma:document_detail", args=[document.uid])
        send_mail(
            subject=f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}Please "
            f"{'review' if assignment.meaning == Meaning.REVIEWED else 'approve'} "
            f"{document.number} version {assignment.revision.version}",
            message=f"{assignment.assigned_by.name or assignment.assigned_by.email} asks you to "
            f"sign {document.number} “{document.title}”, version "
            f"{assignment.revision.version}, as {assignment.get_meaning_display().lower()}.\n\n"
            f"{link}\n",
            from_email=None,
            recipient_list=[assignment.user.email],
        )


def revision_withdraw(*, revision: Revision, user: User) -> Revision:
    with transaction.atomic():
        if not _transition(revision, Status.IN_REVIEW, Status.DRAFT):
            raise DocumentError("Only a revision in review can be withdrawn.")
        revision.assignments.all().delete()  # assigned again on the next submission
        _document_status(revision.document, Status.DRAFT)
    revision.refresh_from_db()
    return revision


def revision_sign(
    *, revision: Revision, user: User, password: str, meaning: str, user_id: str | None = None
) -> Signature:
    """Sign `revision` with `meaning` after checking who signs: two-factor on, the password
    (counted against the account's limit, see `lumen.accounts.reauth`), and `user_id` (the
    account's email) when given, as at the first signing of a session. The workflow decides
    whether this person may sign with this meaning now (pharma/workflow.py); the last
    approval the matrix asks for approves and freezes the revision and supersedes the
    revision approved before. Anything refused signs nothing and is audit-logged."""
    if meaning not in Meaning.values:
        raise DocumentError("Choose what your signature means.")
    if not reauth.has_two_factor(user):
        _refused(revision, user, meaning, "no two-factor")
        raise DocumentError(TWO_FACTOR_NEEDED)
    if user_id is not None and user_id.strip().lower() != user.email.lower():
        # Counted and audit-logged like a wrong password, so IDs cannot be guessed freely.
        password = ""
        action = "signature user ID failed"
    else:
        action = "signature password failed"
    try:
        reauth.password_confirm(user=user, password=password, action=action)
    except reauth.ReauthRefused as exc:
        message = str(exc)
        if not isinstance(exc, reauth.ReauthLocked):
            message = "That user ID and password do not match your account."
        raise DocumentError(f"{message} Nothing was signed.") from exc
    allowed = {
        Meaning.AUTHORED: {Status.IN_REVIEW},
        Meaning.REVIEWED: {Status.IN_REVIEW},
        Meaning.APPROVED: {Status.IN_REVIEW},
    }[meaning]
    refusal = ""
    with transaction.atomic():
        document = QADocument.objects.select_for_update().get(pk=revision.document_id)
        revision.refresh_from_db()
        if revision.status not in allowed:
            refusal = (
                f"A {revision.get_status_display().lower()} revision cannot be signed as "
                f"{Meaning(meaning).label.lower()}."
            )
        else:
            refusal = workflow.signing_refusal(revision, user, meaning)
        if not refusal and meaning == Meaning.APPROVED:
            # Settings may have changed since submission: an error never reaches a record.
            problems = submission_problems(revision)
            if problems:
                refusal = f"Cannot approve: {problems[0]} Withdraw the revision to fix it."
        if not refusal:
            signature = Signature.objects.create(
                revision=revision,
                signer=user,
                signer_name=user.name or user.email,
                meaning=meaning,
                role=workflow.ROLE_FOR[meaning],
            )
            if meaning == Meaning.APPROVED and workflow.approval_complete(revision):
                _approve(document, revision)
    if refusal:
        _refused(revision, user, meaning, refusal)
        raise DocumentError(refusal)
    revision.refresh_from_db()
    return signature


def _refused(revision: Revision, user: User, meaning: str, reason: str) -> None:
    LogEntry.objects.log_create(
        revision,
        force_log=True,
        actor=user,
        action=LogEntry.Action.ACCESS,
        changes={},
        additional_data={"event": "signature refused", "meaning": meaning, "reason": reason},
    )


def _approve(document: QADocument, revision: Revision) -> None:
    """Approve `revision` (inside the signing transaction): freeze what it shows, number it
    as the next major version, fix its document-control dates, supersede the one before."""
    now = timezone.now()
    organisation = document.organisation
    previous = document.revisions.filter(status=Status.APPROVED).exclude(pk=revision.pk).first()
    issued = document.revisions.filter(status__in=[Status.APPROVED, Status.SUPERSEDED])
    major = 1 + max((int(r.version.partition(".")[0] or 0) for r in issued), default=0)
    effective = timezone.localdate(now)
    months = qa_setting(organisation, "periodic_review_months")
    kind = kinds.get(document.kind)
    views = for_document(kind, revision.content, organisation)
    frozen = {
        "frozen_at": now.isoformat(),
        "settings": snapshot(organisation),
        "calculations": as_json(views),
        # What an execution of this revision records results against (pharma/criteria.py).
        "criteria": acceptance_criteria(kind, revision.content, views),
    }
    if not _transition(
        revision,
        Status.IN_REVIEW,
        Status.APPROVED,
        approved_at=now,
        version=_version(major, 0),
        frozen=frozen,
        effective_date=effective,
        review_due=_months_after(effective, int(months)),
        supersedes=previous,
    ):
        raise DocumentError("This revision was approved a moment ago.")
    if previous is not None:
        _transition(previous, Status.APPROVED, Status.SUPERSEDED)
    _document_status(document, Status.APPROVED)
    # The controlled copy is issued once the approval is committed (a failed render leaves
    # it to the first download, which renders the same frozen record).
    transaction.on_commit(lambda: _issue(revision.pk))


def _months_after(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (the month's last day where it is shorter)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return day.replace(year=year, month=month, day=min(day.day, last))


def _issue(revision_pk: int) -> None:
    from pharma.pdf import revision_pdf  # WeasyPrint is heavy: loaded only to issue

    revision_pdf(Revision.objects.get(pk=revision_pk))


def frozen_results(revision: Revision) -> dict[str, dict[str, Decimal | str]]:
    """The computed results stored when `revision` was approved, by key ("maco",
    "maco_worst_case", "swab_limit", "rinse_limit" …): {"value": Decimal, "unit": str,
    "title": str}. Empty for a revision never approved. Later settings or code changes do not
    change these."""
    results: dict[str, dict[str, Decimal | str]] = {}
    for view in (revision.frozen or {}).get("calculations", []):
        for key, value in (view.get("values") or {}).items():
            results[key] = {
                "value": Decimal(value["value"]),
                "unit": value["unit"],
                "title": view["title"],
            }
    return results


def revision_issue_pdf(*, revision: Revision, pdf: bytes) -> bytes:
    """Keep the first PDF issued for an approved revision, with its SHA-256; later downloads
    get exactly those bytes, so every copy of an approved revision is the same document."""
    digest = hashlib.sha256(pdf).hexdigest()
    Revision.objects.filter(pk=revision.pk, status=Status.APPROVED, pdf_sha256="").update(
        pdf=pdf, pdf_sha256=digest
    )
    revision.refresh_from_db(fields=["pdf", "pdf_sha256"])
    return bytes(revision.pdf) if revision.pdf is not None else pdf


def review_reminders_send(*, within_days: int = 30) -> int:
    """Email every organisation's QA administrators its approved revisions whose periodic
    review is due within `within_days` or overdue; returns the number of emails sent."""
    from pharma.selectors import reviews_due

    sent = 0
    for organisation in Organisation.objects.all():
        due = list(reviews_due(organisation, within_days))
        admins = list(workflow.members_with(organisation, QARole.QA_ADMIN))
        if not due or not admins:
            continue
        lines = [
            f"- {r.document.number} {r.document.title}, version {r.version}: review due "
            f"{r.review_due:%Y-%m-%d}"
            for r in due
        ]
        send_mail(
            subject=f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{len(due)} periodic review(s) due "
            f"at {organisation.name}",
            message="These approved documents are due for periodic review:\n\n"
            + "\n".join(lines)
            + "\n",
            from_email=None,
            recipient_list=[a.email for a in admins],
        )
        sent += 1
    return sent
