"""Who may do what: the three product roles, and the staff roles that divide the admin.

Product roles (patient, pharma, staff) are Django groups that route a person to their area.
Staff roles are groups too, each holding an explicit permission list. Each app declares what
each staff role may do with its own models in `<app>/permissions.py` (a `STAFF_PERMISSIONS`
mapping of staff role to "app_label.codename" strings); this module only collects them, so the
arrow points from the apps to accounts. The groups are rebuilt from code after every migrate:
a permission added by hand in the admin is gone at the next deploy.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from enum import StrEnum
from typing import TYPE_CHECKING

from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from django.http import HttpRequest

    from lumen.accounts.models import User


class Role(StrEnum):
    PATIENT = "patient"
    PHARMA = "pharma"
    STAFF = "staff"


class StaffRole(StrEnum):
    """What a staff member does in the admin; a staff account may hold several."""

    CONTENT_EDITOR = "content editor"  # the knowledge base and the flagged-question queue
    SUPPORT = "support"  # pharma organisations and invitations, patient account support
    AUDITOR = "auditor"  # reads the audit trail, task history and training runs
    SECURITY_ADMIN = "security admin"  # who holds which staff role


# The staff role a new staff account starts with (seed_demo, tests): changes nothing but content.
DEFAULT_STAFF_ROLE = StaffRole.CONTENT_EDITOR

# No staff role may ever add, change or delete these, whatever an app declares: a task runs
# any importable function with chosen arguments (finding 1); groups, permissions and users are
# how a role grows itself (finding 2); an email address or a second factor changed by someone
# else hands over the account (finding 3); the audit trail is evidence. Superusers come from
# `manage.py createsuperuser`. The one exception: staff change a user's `is_active` and name
# through UserAdmin, which shows nothing more to non-superusers.
_NEVER_WRITTEN = {
    "django_q": ("schedule", "task", "success", "failure", "ormq"),
    "auth": ("group", "permission"),
    "accounts": ("user", "patientaccount"),
    "account": ("emailaddress", "emailconfirmation"),
    "mfa": ("authenticator",),
    "auditlog": ("logentry",),
}
# Where lumen.accounts.backends puts the group names it reads with the signed-in user.
GROUP_NAMES = "lumen_group_names"

FORBIDDEN_PERMISSIONS = frozenset(
    f"{app}.{action}_{model}"
    for app, models in _NEVER_WRITTEN.items()
    for model in models
    for action in ("add", "change", "delete")
) - {"accounts.change_user"}


def roles_of(user: User) -> set[Role]:
    """The roles a user holds; an anonymous user holds none."""
    if not user.is_authenticated:
        return set()
    return _roles(user, {g.name for g in user.groups.all()})


def _roles(user: User, group_names: Iterable[str]) -> set[Role]:
    roles = {Role(n) for n in group_names if n in Role._value2member_map_}
    if user.is_staff:
        roles.add(Role.STAFF)
    return roles


def request_roles(request: HttpRequest) -> set[Role]:
    """The signed-in user's roles, read once per request (the area decorator and the
    navigation both ask; each asking was a query), from the group names the authentication
    backend read with the user (lumen.accounts.backends) where it did."""
    if not hasattr(request, "_lumen_roles"):
        user = getattr(request, "user", None)
        names = getattr(user, GROUP_NAMES, None)
        if user is None or not user.is_authenticated:
            request._lumen_roles = set()
        elif names is not None:
            request._lumen_roles = _roles(user, names)
        else:
            request._lumen_roles = roles_of(user)
    return request._lumen_roles


def has_role(user: User, role: Role) -> bool:
    return role in roles_of(user)


def grant_role(user: User, role: Role) -> None:
    """Give `user` the role; staff also get admin access (is_staff)."""
    from django.contrib.auth.models import Group

    group, _ = Group.objects.get_or_create(name=role.value)
    user.groups.add(group)
    if role is Role.STAFF and not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])


def grant_staff_role(user: User, staff_role: StaffRole) -> None:
    """Make `user` staff holding `staff_role` (its permissions arrive with the group)."""
    from django.contrib.auth.models import Group

    grant_role(user, Role.STAFF)
    group, _ = Group.objects.get_or_create(name=staff_role.value)
    user.groups.add(group)


def staff_permissions() -> dict[StaffRole, frozenset[str]]:
    """Every app's declared staff permissions, merged per role.

    Raises ImproperlyConfigured if any app grants a forbidden permission.
    """
    from django.apps import apps

    merged: dict[StaffRole, set[str]] = {role: set() for role in StaffRole}
    for config in apps.get_app_configs():
        try:
            module = importlib.import_module(f"{config.name}.permissions")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.permissions":
                raise
            continue
        for role, codenames in getattr(module, "STAFF_PERMISSIONS", {}).items():
            merged[StaffRole(role)].update(codenames)
    for role, codenames in merged.items():
        if bad := codenames & FORBIDDEN_PERMISSIONS:
            raise ImproperlyConfigured(f"Staff role {role!r} may not hold {sorted(bad)}.")
    return {role: frozenset(codenames) for role, codenames in merged.items()}


def sync_role_groups(**kwargs) -> None:
    """post_migrate hook: the role groups exist and hold exactly their declared permissions.

    post_migrate fires once per app; permissions of every app exist only by the last one.
    """
    from django.apps import apps
    from django.contrib.auth.models import Group, Permission

    if kwargs.get("app_config") is not list(apps.get_app_configs())[-1]:
        return

    for role in Role:
        group, _ = Group.objects.get_or_create(name=role.value)
        group.permissions.clear()  # product roles route people; staff roles carry the rights
    by_name = {
        f"{p.content_type.app_label}.{p.codename}": p
        for p in Permission.objects.select_related("content_type")
    }
    for role, codenames in staff_permissions().items():
        if missing := codenames - by_name.keys():
            raise ImproperlyConfigured(f"Staff role {role!r} names unknown {sorted(missing)}.")
        group, _ = Group.objects.get_or_create(name=role.value)
        group.permissions.set([by_name[c] for c in codenames])
