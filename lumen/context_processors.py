from __future__ import annotations

from lumen.accounts.roles import Role, request_roles


def roles(request) -> dict[str, object]:
    """Navigation needs to know which areas the visitor may enter."""
    user_roles = request_roles(request)
    return {
        "is_patient": Role.PATIENT in user_roles,
        "is_pharma": Role.PHARMA in user_roles,
        "is_staff_role": Role.STAFF in user_roles,
    }
