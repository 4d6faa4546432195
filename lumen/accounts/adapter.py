"""allauth hooks: who may sign up, and which role a new account gets."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from encrypted_model_fields.fields import decrypt_str, encrypt_str

from lumen.accounts.roles import Role, grant_role


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        """Self sign-up creates patients; pharma accounts come only through an invitation."""
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            grant_role(user, Role.PATIENT)
        return user


class MFAAdapter(DefaultMFAAdapter):
    """TOTP secrets are as sensitive as passwords: allauth stores them as given unless the
    adapter encrypts them, so encrypt with the same Fernet keys as the health fields."""

    def encrypt(self, text: str) -> str:
        return encrypt_str(text).decode()

    def decrypt(self, encrypted_text: str) -> str:
        return decrypt_str(encrypted_text)
