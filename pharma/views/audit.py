"""The organisation's audit trail, for its QA administrators (Annex 11 §9: audit trails are
available and reviewed)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from lumen.accounts.decorators import role_required
from lumen.accounts.roles import Role
from pharma import workflow
from pharma.models import QARole
from pharma.selectors import organisation_audit_trail, organisation_for


def _summary(entry) -> str:
    """What changed, without the values of large fields (content, issued PDF)."""
    data = entry.additional_data or {}
    if data.get("event"):
        extra = data.get("reason") or ""
        return f"{data['event']}{': ' + extra if extra else ''}"
    changes = entry.changes_dict or {}
    if "status" in changes and len(changes) == 1:
        before, after = changes["status"]
        return f"status {before} → {after}"
    return ", ".join(sorted(changes)) or "—"


@role_required(Role.PHARMA)
def audit_trail(request: HttpRequest) -> HttpResponse:
    organisation = organisation_for(request.user)
    if organisation is None or QARole.QA_ADMIN not in workflow.roles_of(request.user, organisation):
        raise PermissionDenied("The audit trail is for your organisation's QA administrators.")
    entries = [(entry, _summary(entry)) for entry in organisation_audit_trail(organisation)]
    return render(request, "pharma/audit.html", {"organisation": organisation, "entries": entries})
