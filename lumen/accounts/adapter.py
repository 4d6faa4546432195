"""allauth hooks: who may sign up, which role a new account gets, re-authentication limits
and the lockout notice."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from django.core.exceptions import ValidationError
from encrypted_model_fields.fields import decrypt_str, encrypt_str

from lumen.accounts import lockout, reauth
from lumen.accounts.roles import Role, grant_role


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        """Self sign-up creates patients; pharma accounts come only through an invitation."""
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            grant_role(user, Role.PATIENT)
        return user

    def reauthenticate(self, user, password: str) -> bool:
        """allauth's "enter your password again" page (before two-factor changes) shares the
        per-account limit and audit trail of Lumen's own re-authentication forms."""
        try:
            reauth.password_confirm(
                user=user, password=password, action="reauthentication password failed"
            )
        except reauth.ReauthLocked as exc:
            raise ValidationError(str(exc)) from exc
        except reauth.ReauthRefused:
            return False  # allauth shows its own "incorrect password"
        return True

    def pre_authenticate(self, request, **credentials):
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError:
            self._notice_if_locked(request, credentials)
            raise

    def authentication_failed(self, request, **credentials):
        super().authentication_failed(request, **credentials)
        # The failure that spends the account's budget is the moment it locks.
        self._notice_if_locked(request, credentials)

    def _notice_if_locked(self, request, credentials) -> None:
        key = self._get_login_attempts_cache_key(request, **credentials)
        lockout.notice_if_locked(request, key=key, email=credentials.get("email", ""))


class MFAAdapter(DefaultMFAAdapter):
    """TOTP secrets are as sensitive as passwords: allauth stores them as given unless the
    adapter encrypts them, so encrypt with the same Fernet keys as the health fields."""

    def encrypt(self, text: str) -> str:
        return encrypt_str(text).decode()

    def decrypt(self, encrypted_text: str) -> str:
        return decrypt_str(encrypted_text)
