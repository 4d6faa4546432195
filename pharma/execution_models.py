"""Protocol execution records: an execution of one approved protocol revision, its result per
acceptance criterion (with evidence files), the deviations raised from failing results, and
the signatures that close it. Results, deviations and signatures are appended, never edited;
the acceptance limits are copied into the execution when it starts, so nothing later
(settings, rules, code) changes what an executed record says."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models

from pharma.models import Organisation, QARole, Revision


class ExecutionStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Completed (awaiting approval)"
    APPROVED = "approved", "Approved"


class Execution(models.Model):
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    revision = models.ForeignKey(Revision, on_delete=models.PROTECT, related_name="executions")
    record_id = models.CharField(max_length=40, unique=True)  # CVP-0001-R2-EX01
    status = models.CharField(
        max_length=12, choices=ExecutionStatus.choices, default=ExecutionStatus.IN_PROGRESS
    )
    # The acceptance criteria and limits as they stood when the execution started
    # (pharma/criteria.py describes one).
    criteria = models.JSONField(default=list)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    # The executed report issued on approval, kept byte for byte with its SHA-256.
    pdf = models.BinaryField(null=True, blank=True, editable=False)
    pdf_sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return self.record_id


class StepResult(models.Model):
    """The result recorded against one acceptance criterion, judged against the frozen limit
    when it is recorded (server time, signed-in user)."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    execution = models.ForeignKey(Execution, on_delete=models.PROTECT, related_name="results")
    criterion = models.CharField(max_length=40)
    value = models.DecimalField(max_digits=20, decimal_places=6, null=True, blank=True)
    # The condition the limit was looked up for (the water's temperature in °C), where the
    # criterion's limit depends on one.
    condition = models.DecimalField(max_digits=20, decimal_places=6, null=True, blank=True)
    observation = models.CharField(max_length=1000, blank=True)
    passed = models.BooleanField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by_name = models.CharField(max_length=150)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["recorded_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["execution", "criterion"], name="one_result_per_criterion"
            )
        ]

    def __str__(self) -> str:
        return f"{self.execution} {self.criterion}: {'pass' if self.passed else 'fail'}"


class Evidence(models.Model):
    """A file attached to a result (chromatogram, photo, certificate). Kept in the database,
    never on a path built from its name, and always served as a download."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    result = models.ForeignKey(StepResult, on_delete=models.PROTECT, related_name="evidence")
    name = models.CharField(max_length=120)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    data = models.BinaryField(editable=False)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name_plural = "evidence"

    def __str__(self) -> str:
        return self.name


class Deviation(models.Model):
    """Raised automatically from a failing result; closed for the execution's purposes once
    its impact is assessed, with the CAPA and change-control records it leads to."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="deviations"
    )
    number = models.CharField(max_length=20)  # DEV-0001, per organisation
    result = models.OneToOneField(StepResult, on_delete=models.PROTECT, related_name="deviation")
    description = models.TextField()
    impact_assessment = models.TextField(blank=True)
    capa_reference = models.CharField("CAPA reference", max_length=60, blank=True)
    change_control_reference = models.CharField(max_length=60, blank=True)
    raised_at = models.DateTimeField(auto_now_add=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    assessed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["raised_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "number"], name="deviation_number_per_organisation"
            )
        ]

    def __str__(self) -> str:
        return self.number


class ExecutionSignature(models.Model):
    class Meaning(models.TextChoices):
        PERFORMED = "performed", "Performed"
        APPROVED = "approved", "Approved"

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    execution = models.ForeignKey(Execution, on_delete=models.PROTECT, related_name="signatures")
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signer_name = models.CharField(max_length=150)
    meaning = models.CharField(max_length=10, choices=Meaning.choices)
    # The QA roles the signer held in the organisation when signing, printed with the
    # signature (signature manifestation), so a later change of roles changes no record.
    roles = ArrayField(
        models.CharField(max_length=12, choices=QARole.choices), default=list, blank=True
    )
    signed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["signed_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["execution", "meaning"], name="one_execution_signature_per_meaning"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_meaning_display()} by {self.signer_name}"

    @property
    def roles_display(self) -> str:
        return ", ".join(QARole(r).label for r in self.roles)
