"""Model fields Lumen needs beyond what its libraries ship."""

from __future__ import annotations

from encrypted_model_fields import fields as encrypted


class EncryptedIntegerField(encrypted.EncryptedIntegerField):
    """django-encrypted-model-fields' integer field stores ciphertext in a text column, yet
    Django 5 hands its value to PostgreSQL's integer adapter under the internal type
    "TextField", which has no adapter (KeyError). The value is about to be encrypted, so it
    needs only the plain preparation every field does."""

    def get_db_prep_value(self, value, connection, prepared=False):
        return value if prepared else self.get_prep_value(value)
