"""What each staff role may do with accounts, and with the third-party apps accounts wires in
(the audit trail, the task queue, groups): those apps cannot declare for themselves.

Collected by `lumen.accounts.roles.staff_permissions`; FORBIDDEN_PERMISSIONS there refuses
task scheduling, group and permission edits, and user creation for every role."""

from __future__ import annotations

from lumen.accounts.roles import StaffRole

STAFF_PERMISSIONS: dict[StaffRole, tuple[str, ...]] = {
    StaffRole.SUPPORT: (
        "accounts.view_user",
        "accounts.change_user",  # is_active and the display name; never email or password
        "accounts.view_patientaccount",
        "accounts.support_patientaccount",  # resend verification, disable: audited actions
    ),
    StaffRole.AUDITOR: (
        "accounts.view_user",
        "auditlog.view_logentry",
        "django_q.view_success",
        "django_q.view_failure",
        "django_q.view_schedule",
        "django_q.view_ormq",
    ),
    StaffRole.SECURITY_ADMIN: (
        "accounts.view_user",
        "accounts.change_user",
        "accounts.manage_staff_roles",  # is_staff and the staff-role groups of a staff account
        "auth.view_group",
        "auditlog.view_logentry",
    ),
}
