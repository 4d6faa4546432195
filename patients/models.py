"""Patient health data. Every personal health field is encrypted at rest (Fernet, keyed by
FIELD_ENCRYPTION_KEY) and masked in the audit trail."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from encrypted_model_fields.fields import (
    EncryptedBooleanField,
    EncryptedCharField,
    EncryptedDateField,
    EncryptedDateTimeField,
    EncryptedTextField,
)

from lumen.lib.fields import EncryptedIntegerField, EncryptedJSONField

if TYPE_CHECKING:
    from knowledge.models import Drug


class Sex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    INTERSEX = "intersex", "Intersex"
    UNDISCLOSED = "undisclosed", "Prefer not to say"


class Pregnancy(models.TextChoices):
    NOT_PREGNANT = "no", "Not pregnant or breastfeeding"
    PREGNANT = "pregnant", "Pregnant"
    BREASTFEEDING = "breastfeeding", "Breastfeeding"
    UNSURE = "unsure", "Not sure"


class Profile(models.Model):
    """One per patient: the facts that change what advice is safe for them."""

    external_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="patient_profile"
    )
    date_of_birth = EncryptedDateField("date of birth", null=True, blank=True)
    sex = EncryptedCharField(max_length=20, choices=Sex.choices, blank=True)
    pregnancy = EncryptedCharField(
        "pregnancy or breastfeeding", max_length=20, choices=Pregnancy.choices, blank=True
    )
    # Reminders are sent at the scheduled local time of this zone (an IANA name).
    time_zone = models.CharField(max_length=64, default="UTC")
    # False until the patient (or their browser, on a tracking page) sets the zone: while
    # it is False and the zone the UTC default, pages adopt the browser's zone.
    time_zone_confirmed = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Profile {self.external_id}"


class Medication(models.Model):
    """A medicine the patient takes, as they wrote it, matched to the drug database when
    possible (the match is what interaction checks use)."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="medications")
    name = EncryptedCharField(max_length=200)
    # The matched knowledge.Drug's id, encrypted: a foreign key would name the medicine in
    # clear (and let SQL join patients to a drug). Read it through `drug`; lists resolve
    # theirs in one query with patients.selectors.medications_with_drugs. A drug deleted
    # from the database reads as no match, as SET_NULL did.
    drug_ref = EncryptedIntegerField("matched drug", null=True, blank=True)
    # How to take it, as the patient's own label says ("with food"): shown on the reminder
    # page, never in a notification.
    instructions = EncryptedCharField(max_length=300, blank=True)
    # Refill warnings: units (tablets, capsules, ...) left in the pack, counted down as doses
    # are marked taken. A bare count names no medicine, so it stays clear and can be
    # updated atomically in SQL. Null: the patient does not track their supply.
    pack_count = models.PositiveIntegerField(null=True, blank=True)
    refill_warn_days = models.PositiveSmallIntegerField(default=7)
    refill_warned_at = models.DateTimeField(null=True, blank=True)  # reset by a new count
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"Medication {self.uid}"

    @property
    def drug(self) -> Drug | None:
        """The drug database entry this medicine was matched to, or None."""
        cached = self.__dict__.get("_drug_cache")
        if cached is None or cached[0] != self.drug_ref:
            from knowledge.models import Drug

            found = Drug.objects.filter(pk=self.drug_ref).first() if self.drug_ref else None
            cached = self._drug_cache = (self.drug_ref, found)
        return cached[1]

    @drug.setter
    def drug(self, drug: Drug | None) -> None:
        self.drug_ref = drug.pk if drug is not None else None
        self._drug_cache = (self.drug_ref, drug)


class Condition(models.Model):
    """A long-term condition the patient reports (kidney disease, asthma, ...). `key` is the
    recognised condition tag that drug-condition warnings use, empty when not recognised."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="conditions")
    name = EncryptedCharField(max_length=200)
    key = EncryptedCharField(max_length=60, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Condition {self.uid}"


class Allergy(models.Model):
    """A drug or drug-class allergy. `substance` is as the patient wrote it; the match to a
    drug or class is recomputed when checking, so it never goes stale."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="allergies")
    substance = EncryptedCharField(max_length=200)
    reaction = EncryptedCharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = "allergies"

    def __str__(self) -> str:
        return f"Allergy {self.uid}"


class Conversation(models.Model):
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conversations"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return f"Conversation {self.uid}"


class Message(models.Model):
    class Role(models.TextChoices):
        USER = "user", "You"
        ASSISTANT = "assistant", "Lumen"

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    role = models.CharField(max_length=10, choices=Role.choices)
    # An answer points at its question; one-to-one, so a question is answered at most once
    # even when a dropped stream reconnects while the first answer is still being written.
    in_reply_to = models.OneToOneField(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="reply"
    )
    text = EncryptedTextField(blank=True)
    message = EncryptedTextField(blank=True)  # escalation or refusal shown first
    personal_notes = EncryptedTextField(blank=True)  # about the asker's own medicines
    # The documents cited are public, but which ones a patient's answer cites says what the
    # patient asked about ("Warfarin: patient information"): encrypted.
    citations = EncryptedJSONField(default=list, blank=True)
    # Safety flags (crisis, emergency, flagged_for_review, ...) and whether the answer was
    # escalated or abstained describe the patient's risk: encrypted, like the text.
    flags = EncryptedJSONField(default=list, blank=True)
    escalated = EncryptedBooleanField(default=False)
    abstained = EncryptedBooleanField(default=False)
    # The generation backend that wrote the answer (tgi, extractive, ...): operational, clear.
    backend = models.CharField(max_length=20, blank=True)
    # Shown when the model fell back; fixed wording today, but free text a future notice
    # could fill with content: encrypted.
    notice = EncryptedCharField(max_length=300, blank=True)
    # Thumbs up (1) / down (-1) from the patient: material for future training data.
    feedback = models.SmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.role} message {self.uid}"


class TriageAssessment(models.Model):
    """One symptom-checker result, kept in the patient's history. The complaint, answers and
    result are health data, so they live in one encrypted JSON document."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="assessments")
    data = EncryptedTextField()  # JSON: complaint, answers, disposition, risk, reasons, advice
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Assessment {self.uid}"


class SymptomEntry(models.Model):
    """A symptom diary entry: what, how bad (0-10), when, notes."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="symptom_entries")
    symptom = EncryptedCharField(max_length=100)
    severity = EncryptedIntegerField()
    notes = EncryptedTextField(blank=True)
    recorded_at = EncryptedDateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = "symptom entries"

    def __str__(self) -> str:
        return f"Symptom entry {self.uid}"


class DoseSchedule(models.Model):
    """When a medication is due: a local time of day, every day or on chosen weekdays."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    medication = models.ForeignKey(Medication, on_delete=models.CASCADE, related_name="schedules")
    time_of_day = models.TimeField()
    # ISO weekdays 1 (Monday) .. 7 (Sunday); empty means every day.
    weekdays = ArrayField(models.PositiveSmallIntegerField(), default=list, blank=True)
    dose = EncryptedCharField(max_length=100, blank=True)  # as on the patient's own label
    remind = models.BooleanField(default=True)
    # Remind again every this many minutes until the dose is marked, within
    # patients.reminders.REPEAT_WINDOW of its time; 0: one reminder.
    repeat_minutes = models.PositiveSmallIntegerField(default=0)
    units_per_dose = models.PositiveSmallIntegerField(default=1)  # counted off the pack
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["time_of_day", "id"]

    def __str__(self) -> str:
        return f"Schedule {self.uid}"


class Dose(models.Model):
    """One scheduled dose: created when it falls due (and the reminder is sent), then marked
    taken or skipped by the patient; unanswered doses count as missed."""

    class Status(models.TextChoices):
        PENDING = "pending", "Not yet recorded"
        TAKEN = "taken", "Taken"
        SKIPPED = "skipped", "Skipped"

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    schedule = models.ForeignKey(DoseSchedule, on_delete=models.CASCADE, related_name="doses")
    due_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    reminded_at = models.DateTimeField(null=True, blank=True)
    # The next repeat or snoozed reminder of a pending dose; null: none due.
    next_reminder_at = models.DateTimeField(null=True, blank=True, db_index=True)
    reminders_sent = models.PositiveSmallIntegerField(default=0)
    recorded_at = models.DateTimeField(null=True, blank=True)
    # Taken at a time of the patient's choosing, not at a scheduled time: recorded, but left
    # out of adherence (it was never due).
    unscheduled = models.BooleanField(default=False)

    class Meta:
        ordering = ["-due_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["schedule", "due_at"], name="dose_once_per_due_time")
        ]

    def __str__(self) -> str:
        return f"Dose {self.uid}"


class PushSubscription(models.Model):
    """One browser's Web Push subscription (RFC 8030): where to post and the keys to encrypt
    for (RFC 8291). The endpoint identifies the patient's device to their push service, so
    all three are encrypted; `endpoint_digest` (an HMAC of the endpoint) finds a device
    subscribing again without decrypting every row."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    profile = models.ForeignKey(
        Profile, on_delete=models.CASCADE, related_name="push_subscriptions"
    )
    endpoint = EncryptedTextField()
    endpoint_digest = models.CharField(max_length=64, unique=True)
    p256dh = EncryptedCharField(max_length=200)
    auth = EncryptedCharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Push subscription {self.uid}"


# The fields whose values must never appear outside their column (audit, logs): the
# encrypted ones, and a dose's times and status (when someone took which dose is health data,
# and an extra dose's time says when they needed it).
PHI_FIELDS: dict[type[models.Model], tuple[str, ...]] = {
    Profile: ("date_of_birth", "sex", "pregnancy"),
    Medication: ("name", "drug_ref", "instructions", "pack_count"),
    Condition: ("name", "key"),
    Allergy: ("substance", "reaction"),
    Message: (
        "text",
        "message",
        "personal_notes",
        "citations",
        "flags",
        "escalated",
        "abstained",
        "notice",
    ),
    TriageAssessment: ("data",),
    SymptomEntry: ("symptom", "severity", "notes", "recorded_at"),
    DoseSchedule: ("dose",),
    Dose: ("due_at", "status", "recorded_at", "next_reminder_at", "reminded_at", "unscheduled"),
    PushSubscription: ("endpoint", "endpoint_digest", "p256dh", "auth"),
}
