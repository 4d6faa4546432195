"""The check behind every electronic signature on QA records (documents, executions, logbook
entries): the signer has two-factor on and re-enters their password, counted against the
account's limit and audit-logged on failure by `lumen.accounts.reauth`; at the first
signature of a session, their user ID too (21 CFR 11.200(a)(1): both components at the first
signing of a continuous session, the password alone afterwards).

Call it before opening the transaction that stores the signature: a refused password is
written to the audit trail, and a rollback must not erase that."""

from __future__ import annotations

from lumen.accounts import reauth
from lumen.accounts.models import User
from pharma.documents import TWO_FACTOR_NEEDED  # one wording for every signature

# Set in the session by its first QA signature, whichever record it signs.
SIGNED_IN_SESSION = "pharma_signed_in_session"


class SignatureRefused(Exception):
    """The signer could not be confirmed; the message is safe to show."""


def first_in_session(session) -> bool:
    """Whether the next signature is the session's first (it needs the user ID too)."""
    return not session.get(SIGNED_IN_SESSION)


def mark_signed(session) -> None:
    session[SIGNED_IN_SESSION] = True


def confirm_signer(*, user: User, password: str, action: str, user_id: str | None = None) -> None:
    """Confirm `user` signs: two-factor on and the password right, and `user_id` (the
    account's email) when given, as at the first signing of a session."""
    if not reauth.has_two_factor(user):
        raise SignatureRefused(TWO_FACTOR_NEEDED)
    if user_id is not None and user_id.strip().lower() != user.email.lower():
        # Counted and audit-logged like a wrong password, so IDs cannot be guessed freely.
        password, action = "", f"{action} (user ID)"
    try:
        reauth.password_confirm(user=user, password=password, action=action)
    except reauth.ReauthRefused as exc:
        message = str(exc)
        if user_id is not None and not isinstance(exc, reauth.ReauthLocked):
            message = "That user ID and password do not match your account."
        raise SignatureRefused(f"{message} Nothing was signed.") from exc
