"""Writes for accounts."""

from __future__ import annotations

from collections.abc import Iterable

from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from lumen.accounts.models import User
from lumen.accounts.roles import Role, StaffRole, grant_role, grant_staff_role, roles_of


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


class StaffAccountRefused(ValueError):
    """`staff_account_ensure` would not make this account staff; the message says why."""


@transaction.atomic
def staff_account_ensure(
    *, email: str, staff_roles: Iterable[StaffRole], name: str = ""
) -> tuple[User, bool]:
    """Create, or update, a staff account holding exactly `staff_roles`; never a superuser.

    A new account has no usable password (its owner sets one through `password_set_link`) and
    a verified address (the operator vouches for it). Returns the user and whether it was
    created. Raises StaffAccountRefused for a bad address, no role, or an account that is a
    patient, a pharma user or a superuser: people are never turned into staff, and superusers
    come from createsuperuser.
    """
    from django.contrib.auth.models import Group

    staff_roles = set(staff_roles)
    if not staff_roles:
        raise StaffAccountRefused("Name at least one staff role.")
    try:
        validate_email(email)
    except ValidationError:
        raise StaffAccountRefused(f"{email!r} is not a valid email address.") from None
    email = email.strip().lower()
    user = User.objects.filter(email__iexact=email).first()
    if user is not None:
        held = roles_of(user)
        for role in (Role.PATIENT, Role.PHARMA):
            if role in held:
                raise StaffAccountRefused(
                    f"{email} is a {role} account; it is never made staff. "
                    "Use a separate address for the staff account."
                )
        if user.is_superuser:
            raise StaffAccountRefused(
                f"{email} is a superuser; superusers are managed with createsuperuser."
            )
    elif EmailAddress.objects.filter(email__iexact=email).exists():
        raise StaffAccountRefused(f"{email} is an address of another account.")

    created = user is None
    if created:
        user = User.objects.create_user(email, None, name=name)  # None: no usable password
    elif name and user.name != name:
        user.name = name
        user.save(update_fields=["name"])
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    for staff_role in staff_roles:
        grant_staff_role(user, staff_role)
    user.groups.remove(*Group.objects.filter(name__in=set(StaffRole) - staff_roles))
    return user, created


def password_set_link(user: User) -> str:
    """A one-time link to allauth's set-password page for `user` (the password reset flow).

    It stops working once used, as the token covers the password hash, and after
    PASSWORD_RESET_TIMEOUT.
    """
    from allauth.account.forms import default_token_generator
    from allauth.account.utils import user_pk_to_url_str
    from django.conf import settings
    from django.urls import reverse

    path = reverse(
        "account_reset_password_from_key",
        kwargs={
            "uidb36": user_pk_to_url_str(user),
            "key": default_token_generator.make_token(user),
        },
    )
    return f"{settings.LUMEN_BASE_URL.rstrip('/')}{path}"
