"""Organisations and their members. Pharma users belong to exactly one organisation and see
only its documents; they join by an invitation that staff send."""

from __future__ import annotations

import secrets
import uuid
from datetime import timedelta

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone

INVITATION_LIFETIME = timedelta(days=7)


def _new_token() -> str:
    return secrets.token_urlsafe(32)


class Organisation(models.Model):
    external_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=200, unique=True)
    # QA values the guidance leaves to the site (see PHARMA_FACTS.md, "UNVERIFIED"): minimum
    # pressure differential, water alert levels … Keys are documented in pharma/settings.py.
    qa_settings = models.JSONField("QA settings", default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class QARole(models.TextChoices):
    """What a member may do with QA documents. The approval matrix (pharma/workflow.py) asks
    for signatures by role, from distinct people."""

    AUTHOR = "author", "Author"
    REVIEWER = "reviewer", "Reviewer"
    APPROVER = "approver", "Approver"
    QA_ADMIN = "qa_admin", "QA administrator"


def _default_roles() -> list[str]:
    return [QARole.AUTHOR]


class Membership(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pharma_membership"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="memberships"
    )
    joined_at = models.DateTimeField(auto_now_add=True)
    qa_roles = ArrayField(
        models.CharField(max_length=12, choices=QARole.choices),
        default=_default_roles,
        blank=True,
        verbose_name="QA roles",
    )

    class Meta:
        ordering = ["organisation", "user__email"]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation}"


class InvitationQuerySet(models.QuerySet):
    def pending(self) -> InvitationQuerySet:
        return self.filter(accepted_at__isnull=True, expires_at__gt=timezone.now())


class Invitation(models.Model):
    """A single-use link, emailed by staff, that creates a pharma account in an organisation."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField()
    token = models.CharField(max_length=64, unique=True, default=_new_token, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Invitation for {self.email} to {self.organisation}"

    @property
    def is_usable(self) -> bool:
        return self.accepted_at is None and self.expires_at > timezone.now()


# --- QA documents --------------------------------------------------------------------------


class DocumentStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    APPROVED = "approved", "Approved"
    SUPERSEDED = "superseded", "Superseded"


class QADocument(models.Model):
    """A controlled QA document of one kind (pharma/kinds.py), owned by an organisation. Its
    content lives in numbered revisions; the document row holds what does not change with
    them, plus the current status for listing."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="documents"
    )
    kind = models.CharField(max_length=40)
    number = models.CharField(max_length=30)  # CVP-0001, per organisation
    title = models.CharField(max_length=200)
    status = models.CharField(
        max_length=12, choices=DocumentStatus.choices, default=DocumentStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = "QA document"
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "number"], name="document_number_per_organisation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class Revision(models.Model):
    """One numbered state of a document's content. Every save that changes content makes a
    new revision with its reason; an approved revision never changes again (content edits
    start a new draft revision).

    `number` counts every saved state (it addresses the revision in URLs); `version` is what
    inspectors read: drafts are minor versions (0.1, 0.2, 1.1 …), an issued revision the next
    major version (1.0, 2.0 …)."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    document = models.ForeignKey(QADocument, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    version = models.CharField(max_length=12, blank=True)
    content = models.JSONField(default=dict)
    reason = models.CharField(max_length=300)
    status = models.CharField(
        max_length=12, choices=DocumentStatus.choices, default=DocumentStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    # The PDF issued for an approved revision is kept as issued (the controlled copy), with its
    # SHA-256 so a printed or emailed copy can be checked against it later.
    pdf = models.BinaryField(null=True, blank=True, editable=False)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    # What the approved revision showed, kept so that nothing later (organisation settings,
    # calculator code) changes it: the settings used and every calculation's text and values.
    frozen = models.JSONField(default=dict, blank=True, editable=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Document control, fixed at approval.
    effective_date = models.DateField(null=True, blank=True)
    review_due = models.DateField(null=True, blank=True)
    supersedes = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["document", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="revision_number_once")
        ]

    def __str__(self) -> str:
        return f"{self.document.number} rev {self.number}"


class Signature(models.Model):
    """An electronic signature in the spirit of 21 CFR Part 11: who (name as printed), when,
    and what it means, bound to one revision. Signatures are never edited or deleted."""

    class Meaning(models.TextChoices):
        AUTHORED = "authored", "Authored"
        REVIEWED = "reviewed", "Reviewed"
        APPROVED = "approved", "Approved"

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    revision = models.ForeignKey(Revision, on_delete=models.PROTECT, related_name="signatures")
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signer_name = models.CharField(max_length=150)  # printed name at the time of signing
    meaning = models.CharField(max_length=10, choices=Meaning.choices)
    # The role the signer held for this signature, printed with it (signature manifestation).
    role = models.CharField(max_length=12, choices=QARole.choices, blank=True)
    signed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["signed_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["revision", "signer", "meaning"], name="one_signature_per_meaning"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_meaning_display()} by {self.signer_name}"


class Assignment(models.Model):
    """A person asked, on submission, to sign a revision with a meaning (review or
    approval). Only assignees may sign with that meaning; they are emailed when assigned."""

    revision = models.ForeignKey(Revision, on_delete=models.CASCADE, related_name="assignments")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    meaning = models.CharField(max_length=10, choices=Signature.Meaning.choices)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["assigned_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["revision", "user", "meaning"], name="one_assignment_per_meaning"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} to sign {self.revision} as {self.meaning}"


# Execution and logbook records live in their own modules; imported here so Django registers
# them with the app.
from pharma.execution_models import (  # noqa: E402, F401
    Deviation,
    Evidence,
    Execution,
    ExecutionSignature,
    ExecutionStatus,
    StepResult,
)
from pharma.logbook_models import LegacyLogbookRow, LogbookEntry, LogbookVerification  # noqa: E402, F401
