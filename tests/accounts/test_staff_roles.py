"""Staff roles are code: each app declares its permissions, the groups hold exactly those after
every migrate, and no declaration can grant task scheduling, groups, permissions or users."""

from __future__ import annotations

import io

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

import knowledge.permissions
from lumen.accounts.models import User
from lumen.accounts.roles import (
    DEFAULT_STAFF_ROLE,
    FORBIDDEN_PERMISSIONS,
    Role,
    StaffRole,
    staff_permissions,
    sync_role_groups,
)

# One per way a role could run code, grow itself, take an account over or hide its tracks.
DANGEROUS = {
    "django_q.add_schedule",
    "django_q.change_schedule",
    "auth.change_group",
    "auth.change_permission",
    "accounts.add_user",
    "account.change_emailaddress",
    "mfa.delete_authenticator",
    "auditlog.delete_logentry",
}


def _held(group_name: str) -> set[str]:
    return {
        f"{p.content_type.app_label}.{p.codename}"
        for p in Group.objects.get(name=group_name).permissions.select_related("content_type")
    }


def test_each_staff_role_group_holds_exactly_its_declared_permissions(db):
    for role, codenames in staff_permissions().items():
        assert _held(role) == codenames, role
        assert codenames, f"{role} declares nothing"


def test_product_role_groups_hold_no_permission(db):
    for role in Role:
        assert _held(role) == set(), role


def test_no_role_holds_a_forbidden_permission(db):
    assert DANGEROUS <= FORBIDDEN_PERMISSIONS
    for role in StaffRole:
        assert not _held(role) & FORBIDDEN_PERMISSIONS, role


def test_an_app_declaring_a_forbidden_permission_is_refused(monkeypatch):
    monkeypatch.setattr(
        knowledge.permissions,
        "STAFF_PERMISSIONS",
        {StaffRole.CONTENT_EDITOR: ("knowledge.view_drug", "django_q.add_schedule")},
    )
    with pytest.raises(ImproperlyConfigured, match=r"django_q\.add_schedule"):
        staff_permissions()


def test_a_permission_added_by_hand_is_gone_after_the_next_migrate(db):
    support = Group.objects.get(name=StaffRole.SUPPORT)
    support.permissions.add(Permission.objects.get(codename="add_schedule"))
    Group.objects.get(name=Role.STAFF).permissions.add(Permission.objects.get(codename="add_user"))
    sync_role_groups(app_config=list(apps.get_app_configs())[-1])
    assert "django_q.add_schedule" not in _held(StaffRole.SUPPORT)
    assert _held(Role.STAFF) == set()


def test_seed_demo_gives_the_demo_staff_the_default_role_and_never_superuser(
    db, settings, tmp_path
):
    settings.DEBUG = True
    settings.STATE_DIR = tmp_path
    User.objects.create_superuser("staff@example.com", "an-older-seed-9")  # older seed_demo
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    staff = User.objects.get(email="staff@example.com")
    assert staff.is_staff and not staff.is_superuser
    assert staff.groups.filter(name=DEFAULT_STAFF_ROLE).exists()
    assert "two-factor" in out.getvalue()
