"""What each staff role may do with training runs in the admin (collected by
lumen.accounts.roles). Runs come from manage.py commands only, so no role adds or edits one."""

from __future__ import annotations

from lumen.accounts.roles import StaffRole

STAFF_PERMISSIONS: dict[StaffRole, tuple[str, ...]] = {
    StaffRole.CONTENT_EDITOR: ("training.view_trainingrun",),
    StaffRole.AUDITOR: ("training.view_trainingrun",),
}
