"""Electronic logbook entries: appended one at a time to a logbook (a QA document of the
logbook kind), stamped with server time and the signed-in performer, and never edited. A
correction is a new entry that points at the one it corrects and says why; a second person
verifies an entry with their own signature."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from pharma.models import QADocument


class LogbookEntry(models.Model):
    class Activity(models.TextChoices):
        PRODUCTION = "production", "Production"
        CLEANING = "cleaning", "Cleaning"
        MAINTENANCE = "maintenance", "Maintenance"
        CALIBRATION = "calibration", "Calibration"
        OTHER = "other", "Other"

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    logbook = models.ForeignKey(QADocument, on_delete=models.PROTECT, related_name="entries")
    sequence = models.PositiveIntegerField()
    occurred_at = models.DateTimeField()  # when the activity happened, as the performer says
    recorded_at = models.DateTimeField(auto_now_add=True)  # server time, never entered
    activity = models.CharField(max_length=12, choices=Activity.choices)
    product = models.CharField(max_length=200, blank=True)
    batch = models.CharField(max_length=60, blank=True)
    remarks = models.CharField(max_length=2000, blank=True)
    performer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    performer_name = models.CharField(max_length=150)  # printed name when recorded
    # Set when the performer signed the entry (password re-entered), for activities that
    # need a signature.
    signed_at = models.DateTimeField(null=True, blank=True)
    corrects = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="correction"
    )
    correction_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["logbook", "sequence"]
        verbose_name_plural = "logbook entries"
        constraints = [
            models.UniqueConstraint(fields=["logbook", "sequence"], name="logbook_entry_once"),
            models.CheckConstraint(
                condition=models.Q(corrects__isnull=True) | ~models.Q(correction_reason=""),
                name="logbook_correction_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.logbook.number} #{self.sequence}"


class LogbookVerification(models.Model):
    """A second person's signature that an entry is right (checked / verified by)."""

    entry = models.OneToOneField(
        LogbookEntry, on_delete=models.PROTECT, related_name="verification"
    )
    verifier = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    verifier_name = models.CharField(max_length=150)
    signed_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.entry} verified by {self.verifier_name}"


class LegacyLogbookRow(models.Model):
    """A row typed into a logbook document's free-text entries table before the electronic
    logbook existed, copied once by migration 0007 so the logbook shows its whole history.
    Kept exactly as typed (text, unchecked): it has no signature and no server time, and is
    shown apart from the electronic entries as such. Never edited; the revisions it was
    copied from keep it too."""

    logbook = models.ForeignKey(QADocument, on_delete=models.PROTECT, related_name="legacy_rows")
    position = models.PositiveIntegerField()  # order in which the rows were first typed
    # The version of the logbook document the row first appeared in, e.g. "0.3".
    first_version = models.CharField(max_length=20)
    date = models.CharField(max_length=40, blank=True)
    time = models.CharField(max_length=40, blank=True)
    activity = models.CharField(max_length=200, blank=True)
    product = models.CharField(max_length=2000, blank=True)
    batch = models.CharField(max_length=2000, blank=True)
    performed_by = models.CharField(max_length=2000, blank=True)
    checked_by = models.CharField(max_length=2000, blank=True)
    remarks = models.TextField(blank=True)
    copied_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["logbook", "position"]
        constraints = [
            models.UniqueConstraint(fields=["logbook", "position"], name="legacy_row_once")
        ]

    def __str__(self) -> str:
        return f"{self.logbook.number} legacy row {self.position}"
