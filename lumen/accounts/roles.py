"""The three roles, kept as Django groups so staff can see and change them in the admin."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lumen.accounts.models import User


class Role(StrEnum):
    PATIENT = "patient"
    PHARMA = "pharma"
    STAFF = "staff"


def roles_of(user: User) -> set[Role]:
    """The roles a user holds; an anonymous user holds none."""
    if not user.is_authenticated:
        return set()
    names = {g.name for g in user.groups.all()}
    roles = {Role(n) for n in names if n in Role._value2member_map_}
    if user.is_staff:
        roles.add(Role.STAFF)
    return roles


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


# What the staff role may do in the admin, per app. Later apps add their models here; PHI
# models are deliberately absent (staff reach patient data only through a recorded reason).
KNOWLEDGE_MODELS = ("source", "document", "chunk", "drug", "druginteraction", "regulatorystatus")
STAFF_PERMISSIONS: dict[str, tuple[str, ...]] = {
    "accounts": ("view_user", "change_user"),
    "auth": ("view_group",),
    "auditlog": ("view_logentry",),
    "pharma": (
        "view_organisation",
        "add_organisation",
        "change_organisation",
        "view_membership",
        "add_membership",
        "change_membership",
        "delete_membership",
        "view_invitation",
        "add_invitation",
        "delete_invitation",
    ),
    "knowledge": (
        *(
            f"{action}_{model}"
            for model in KNOWLEDGE_MODELS
            for action in ("view", "add", "change", "delete")
        ),
        "view_flaggedquestion",
        "change_flaggedquestion",
    ),
    "django_q": (
        "view_success",
        "view_failure",
        "view_schedule",
        "add_schedule",
        "change_schedule",
        "view_ormq",
    ),
    "training": ("view_trainingrun",),
}


def sync_role_groups(**kwargs) -> None:
    """post_migrate hook: make sure the role groups exist and staff hold their permissions.

    post_migrate fires once per app; permissions of every app exist only by the last one.
    """
    from django.apps import apps
    from django.contrib.auth.models import Group, Permission

    if kwargs.get("app_config") is not list(apps.get_app_configs())[-1]:
        return

    groups = {role: Group.objects.get_or_create(name=role.value)[0] for role in Role}
    wanted = [
        p
        for p in Permission.objects.select_related("content_type")
        if p.codename in STAFF_PERMISSIONS.get(p.content_type.app_label, ())
    ]
    groups[Role.STAFF].permissions.add(*wanted)
