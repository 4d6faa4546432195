from __future__ import annotations

from lumen.accounts.models import User
from pharma.models import Execution, Membership, Organisation, QADocument


def organisation_for(user: User) -> Organisation | None:
    """The organisation a pharma user belongs to (None for staff browsing without one)."""
    membership = Membership.objects.select_related("organisation").filter(user=user).first()
    return membership.organisation if membership else None


def organisation_document(organisation: Organisation | None, uid) -> QADocument | None:
    """The organisation's own document with this uid; None for another organisation's
    document, an unknown uid, or no organisation at all."""
    if organisation is None:
        return None
    return QADocument.objects.filter(organisation=organisation, uid=uid).first()


def document_executions(document: QADocument):
    """The executions of a document's revisions, newest first, with their revision."""
    return Execution.objects.filter(revision__document=document).select_related("revision")
