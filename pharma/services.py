"""Writes for organisations and invitations."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from lumen.accounts.models import User
from lumen.accounts.roles import Role, grant_role
from pharma.models import INVITATION_LIFETIME, Invitation, Membership, Organisation


class InvitationError(Exception):
    """The invitation cannot be used; the message is safe to show."""


def invitation_create(
    *, organisation: Organisation, email: str, invited_by: User | None, base_url: str
) -> Invitation:
    """Create an invitation and email its link once the transaction commits."""
    invitation = Invitation(
        organisation=organisation,
        email=email.strip().lower(),
        invited_by=invited_by,
        expires_at=timezone.now() + INVITATION_LIFETIME,
    )
    invitation.full_clean()
    invitation.save()
    transaction.on_commit(lambda: _send_invitation(invitation, base_url))
    return invitation


def _send_invitation(invitation: Invitation, base_url: str) -> None:
    link = base_url.rstrip("/") + reverse("pharma:invitation", args=[invitation.token])
    context = {"invitation": invitation, "link": link}
    send_mail(
        subject=f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}You are invited to "
        f"{invitation.organisation.name} on Lumen",
        message=render_to_string("pharma/email/invitation.txt", context),
        from_email=None,
        recipient_list=[invitation.email],
    )


@transaction.atomic
def invitation_accept(*, token: str, name: str, password: str | None, user: User | None) -> User:
    """Redeem an invitation: create the account (or use the signed-in one with the same email),
    make it a pharma member of the organisation, and mark the invitation used.

    The row lock makes a double click or a replayed link redeem the invitation only once.
    """
    from allauth.account.models import EmailAddress

    invitation = (
        Invitation.objects.select_for_update().select_related("organisation").filter(token=token)
    ).first()
    if invitation is None or not invitation.is_usable:
        raise InvitationError("This invitation link is invalid, expired or already used.")

    if user is None:
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise InvitationError(
                "An account with this email already exists: sign in, then open the link again."
            )
        user = User.objects.create_user(invitation.email, password, name=name)
        # The link arrived at this address, which proves the address.
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    elif user.email.lower() != invitation.email:
        raise InvitationError("This invitation was sent to a different email address.")

    if Membership.objects.filter(user=user).exists():
        raise InvitationError("This account already belongs to an organisation.")
    Membership.objects.create(user=user, organisation=invitation.organisation)
    grant_role(user, Role.PHARMA)
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    return user


class RoleError(Exception):
    """The role change is not allowed; the message is safe to show."""


@transaction.atomic
def membership_roles_set(*, actor: User, membership: Membership, roles: list[str]) -> Membership:
    """Set a member's QA roles, as one of the organisation's QA administrators. The last QA
    administrator cannot drop the role, so someone can always manage roles and read the
    audit trail."""
    from pharma.models import QARole

    organisation = membership.organisation
    # Lock the organisation's memberships: two admins demoting each other at once must not
    # leave none.
    members = list(Membership.objects.select_for_update().filter(organisation=organisation))
    if not any(m.user_id == actor.pk and QARole.QA_ADMIN in m.qa_roles for m in members):
        raise RoleError("Only your organisation's QA administrators can change roles.")
    roles = [r for r in QARole.values if r in set(roles)]
    admins = [m for m in members if QARole.QA_ADMIN in m.qa_roles]
    if QARole.QA_ADMIN not in roles and [m.pk for m in admins] == [membership.pk]:
        raise RoleError("Keep at least one QA administrator in the organisation.")
    membership.qa_roles = roles
    membership.full_clean()
    membership.save(update_fields=["qa_roles"])
    return membership
