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
