"""What each staff role may do with pharma organisations in the admin (collected by
lumen.accounts.roles). QA documents and signatures are not in the admin at all."""

from __future__ import annotations

from lumen.accounts.roles import StaffRole

STAFF_PERMISSIONS: dict[StaffRole, tuple[str, ...]] = {
    StaffRole.SUPPORT: (
        "pharma.view_organisation",
        "pharma.add_organisation",
        "pharma.change_organisation",
        "pharma.view_membership",
        "pharma.add_membership",
        "pharma.change_membership",
        "pharma.delete_membership",
        "pharma.view_invitation",
        "pharma.add_invitation",
        "pharma.delete_invitation",
    ),
    StaffRole.AUDITOR: (
        "pharma.view_organisation",
        "pharma.view_membership",
        "pharma.view_invitation",
    ),
}
