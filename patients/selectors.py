from __future__ import annotations

from lumen.accounts.models import User
from patients.models import Profile


def profile_for(user: User) -> Profile:
    """The patient's own profile, created empty on first visit."""
    profile, _ = Profile.objects.get_or_create(user=user)
    return profile


def conversation_messages(user: User):
    """The patient's conversation, oldest first (one running conversation per patient)."""
    from patients.models import Message

    return (
        Message.objects.filter(conversation__user=user)
        .select_related("reply")
        .order_by("created_at", "id")
    )
