"""Patient health data. Every personal health field is encrypted at rest (Fernet, keyed by
FIELD_ENCRYPTION_KEY) and masked in the audit trail."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from encrypted_model_fields.fields import EncryptedCharField, EncryptedDateField


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


# The fields whose values must never appear outside their encrypted column (audit, logs).
PHI_FIELDS: dict[type[models.Model], tuple[str, ...]] = {
    Profile: ("date_of_birth", "sex", "pregnancy"),
}
