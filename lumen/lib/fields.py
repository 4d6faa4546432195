"""Model fields Lumen needs beyond what its libraries ship.

Every field here stores Fernet ciphertext (django-encrypted-model-fields, keyed by
FIELD_ENCRYPTION_KEY) in a text column. Ciphertext differs on every write, so these columns
cannot be filtered, ordered or joined in SQL: code that needs to select by them reads the
owner's own rows and decides in Python.
"""

from __future__ import annotations

import contextlib
import json
from typing import Any

from cryptography.fernet import InvalidToken
from django.core import exceptions
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from encrypted_model_fields import fields as encrypted


class EncryptedIntegerField(encrypted.EncryptedIntegerField):
    """django-encrypted-model-fields' integer field stores ciphertext in a text column, yet
    Django 5 hands its value to PostgreSQL's integer adapter under the internal type
    "TextField", which has no adapter (KeyError). The value is about to be encrypted, so it
    needs only the plain preparation every field does."""

    def get_db_prep_value(self, value, connection, prepared=False):
        return value if prepared else self.get_prep_value(value)


class EncryptedJSONField(models.JSONField):
    """A JSON document (a list of flags, a list of citations) encrypted as one text column.

    It behaves as a JSONField in Python and in forms (the admin shows and edits JSON), but
    the column is text holding the Fernet token of the JSON, and JSON lookups
    (`flags__contains`) are not available."""

    def get_internal_type(self) -> str:
        return "TextField"

    def from_db_value(self, value, expression, connection):
        if value is None:
            return None
        return self._loads(encrypted.decrypt_str(value))

    def to_python(self, value: Any) -> Any:
        # Serialized fixtures and the migration that encrypted clear rows hand over a string:
        # a token to decrypt, or JSON text. Python values pass as they are.
        if not isinstance(value, str):
            return value
        with contextlib.suppress(InvalidToken):
            value = encrypted.decrypt_str(value)
        return self._loads(value)

    def _loads(self, text: str) -> Any:
        try:
            return json.loads(text, cls=self.decoder)
        except json.JSONDecodeError as exc:
            raise exceptions.ValidationError(f"Not valid JSON: {exc.msg}.") from exc

    def get_db_prep_value(self, value, connection, prepared=False):
        if value is None:
            return None
        text = json.dumps(value, cls=self.encoder or DjangoJSONEncoder)
        return encrypted.encrypt_str(text).decode("utf-8")

    def get_db_prep_save(self, value, connection):
        # JSONField's own version wraps the value for the jsonb adapter; this column is text.
        return self.get_db_prep_value(value, connection)
