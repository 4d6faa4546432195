"""manage.py create_staff: the one way to make a staff account (no admin role adds users)."""

from __future__ import annotations

import argparse

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from lumen.accounts.roles import StaffRole
from lumen.accounts.services import StaffAccountRefused, password_set_link, staff_account_ensure

ROLE_NAMES = ", ".join(role.value.replace(" ", "-") for role in StaffRole)


def staff_role(value: str) -> StaffRole:
    """argparse type: "content-editor", "content editor" and "Content_Editor" all name one role."""
    wanted = " ".join(value.replace("-", " ").replace("_", " ").lower().split())
    try:
        return StaffRole(wanted)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"unknown staff role {value!r}; choose from {ROLE_NAMES}"
        ) from None


class Command(BaseCommand):
    help = (
        "Create or update a staff account holding exactly the given staff roles (never a "
        "superuser) and print a one-time link for its owner to set a password; two-factor is "
        "set up at the first admin visit. Patient and pharma accounts are refused."
    )

    def add_arguments(self, parser):
        parser.add_argument("email", help="the staff member's work address")
        parser.add_argument(
            "--role",
            dest="roles",
            action="append",
            required=True,
            type=staff_role,
            metavar="ROLE",
            help=f"a staff role ({ROLE_NAMES}); repeat for several. Roles not named are removed.",
        )
        parser.add_argument("--name", default="", help="the display name")

    def handle(self, *args, email: str, roles: list[StaffRole], name: str, **options):
        try:
            user, created = staff_account_ensure(email=email, staff_roles=roles, name=name)
        except StaffAccountRefused as exc:
            raise CommandError(str(exc)) from None
        held = ", ".join(sorted(role.value for role in roles))
        self.stdout.write(
            f"{'Created' if created else 'Updated'} staff account {user.email}: {held}."
        )
        if user.has_usable_password():
            self.stdout.write("Its password is unchanged.")
        else:
            hours = settings.PASSWORD_RESET_TIMEOUT // 3600
            self.stdout.write(
                f"Send its owner this one-time link to set a password (valid {hours} hours):\n"
                f"{password_set_link(user)}"
            )
        self.stdout.write("Two-factor authentication is required at the first admin visit.")
