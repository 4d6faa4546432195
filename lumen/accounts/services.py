"""Writes for accounts."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.db import transaction

from lumen.accounts.models import User
from lumen.accounts.roles import Role, grant_role


@transaction.atomic
def user_ensure(*, email: str, password: str, role: Role, name: str = "") -> tuple[User, bool]:
    """Create (or reset the password of) a user with a verified email and the given role.

    Returns the user and whether it was created. Used by seed commands, never by sign-up.
    """
    user = User.objects.filter(email__iexact=email).first()
    created = user is None
    if created:
        user = User.objects.create_user(email, password, name=name)
    else:
        user.set_password(password)
        user.save(update_fields=["password"])
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    grant_role(user, role)
    return user, created


def _record_support_action(*, user: User, actor: User, action: str, changes: dict | None) -> None:
    """One audit entry naming the staff member and the support action; never health data."""
    from auditlog.models import LogEntry

    LogEntry.objects.log_create(
        user,
        force_log=True,
        action=LogEntry.Action.UPDATE if changes else LogEntry.Action.ACCESS,
        changes=changes or {},
        actor=actor,
        additional_data={"support_action": action},
    )


@transaction.atomic
def patient_account_disable(*, user: User, actor: User) -> bool:
    """Disable a patient's account (sign-in refused, open sessions end at the next request).

    Returns False, recording nothing, if the account was already disabled.
    """
    if not User.objects.filter(pk=user.pk, is_active=True).update(is_active=False):
        return False
    user.is_active = False
    _record_support_action(
        user=user, actor=actor, action="disable account", changes={"is_active": ["True", "False"]}
    )
    return True


def patient_verification_resend(*, request, user: User, actor: User) -> bool:
    """Send a new verification email to the account's unverified primary address.

    Returns False, sending and recording nothing, if the address is already verified.
    """
    address = EmailAddress.objects.filter(user=user, verified=False).order_by("-primary").first()
    if address is None:
        return False
    _record_support_action(user=user, actor=actor, action="resend verification email", changes=None)
    address.send_confirmation(request)
    return True
