"""The check behind every electronic signature on QA records (documents, executions, logbook
entries): the signer has two-factor on and re-enters their password, counted against the
account's limit and audit-logged on failure by `lumen.accounts.reauth`.

Call it before opening the transaction that stores the signature: a refused password is
written to the audit trail, and a rollback must not erase that."""

from __future__ import annotations

from lumen.accounts import reauth
from lumen.accounts.models import User
from pharma.documents import TWO_FACTOR_NEEDED  # one wording for every signature


class SignatureRefused(Exception):
    """The signer could not be confirmed; the message is safe to show."""


def confirm_signer(*, user: User, password: str, action: str) -> None:
    if not reauth.has_two_factor(user):
        raise SignatureRefused(TWO_FACTOR_NEEDED)
    try:
        reauth.password_confirm(user=user, password=password, action=action)
    except reauth.ReauthRefused as exc:
        raise SignatureRefused(f"{exc} Nothing was signed.") from exc
