from __future__ import annotations

from lumen.accounts.models import User
from patients.models import Profile


def profile_for(user: User) -> Profile:
    """The patient's own profile, created empty on first visit."""
    profile, _ = Profile.objects.get_or_create(user=user)
    return profile
