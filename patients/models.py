"""Patient health data. Every personal health field is encrypted at rest (Fernet, keyed by
FIELD_ENCRYPTION_KEY) and masked in the audit trail."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from encrypted_model_fields.fields import (
    EncryptedCharField,
    EncryptedDateField,
    EncryptedTextField,
)


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
    drug = models.ForeignKey(
        "knowledge.Drug", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"Medication {self.uid}"


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
    text = EncryptedTextField(blank=True)
    message = EncryptedTextField(blank=True)  # escalation or refusal shown first
    personal_notes = EncryptedTextField(blank=True)  # about the asker's own medicines
    # Citations point at public documents: not PHI.
    citations = models.JSONField(default=list, blank=True)
    flags = ArrayField(models.CharField(max_length=30), default=list, blank=True)
    backend = models.CharField(max_length=20, blank=True)
    notice = models.CharField(max_length=300, blank=True)
    escalated = models.BooleanField(default=False)
    abstained = models.BooleanField(default=False)
    # Thumbs up (1) / down (-1) from the patient: material for future training data.
    feedback = models.SmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.role} message {self.uid}"


# The fields whose values must never appear outside their encrypted column (audit, logs).
PHI_FIELDS: dict[type[models.Model], tuple[str, ...]] = {
    Profile: ("date_of_birth", "sex", "pregnancy"),
    Medication: ("name",),
    Message: ("text", "message", "personal_notes"),
}
