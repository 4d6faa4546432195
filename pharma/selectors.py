from __future__ import annotations

from lumen.accounts.models import User
from pharma.models import Membership, Organisation


def organisation_for(user: User) -> Organisation | None:
    """The organisation a pharma user belongs to (None for staff browsing without one)."""
    membership = Membership.objects.select_related("organisation").filter(user=user).first()
    return membership.organisation if membership else None
