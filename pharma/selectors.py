from __future__ import annotations

import datetime as dt

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils import timezone

from lumen.accounts.models import User
from pharma.models import (
    Assignment,
    DocumentStatus,
    Execution,
    Membership,
    Organisation,
    QADocument,
    Revision,
    Signature,
)


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


def reviews_due(organisation: Organisation | None, within_days: int = 30):
    """Approved revisions whose periodic review falls due within `within_days` (or is
    overdue), soonest first."""
    if organisation is None:
        return Revision.objects.none()
    horizon = timezone.localdate() + dt.timedelta(days=within_days)
    return (
        Revision.objects.filter(
            document__organisation=organisation,
            status=DocumentStatus.APPROVED,
            review_due__lte=horizon,
        )
        .select_related("document")
        .order_by("review_due")
    )


def organisation_audit_trail(organisation: Organisation, limit: int = 300):
    """The audit trail of `organisation`'s QA documents, newest first: changes to documents,
    revisions, signatures and assignments, refused signature attempts, and failed signature
    passwords or user IDs of its members."""
    documents = QADocument.objects.filter(organisation=organisation)
    revisions = Revision.objects.filter(document__in=documents)
    objects = [
        (QADocument, documents),
        (Revision, revisions),
        (Signature, Signature.objects.filter(revision__in=revisions)),
        (Assignment, Assignment.objects.filter(revision__in=revisions)),
    ]
    query = Q()
    for model, rows in objects:
        pks = [str(pk) for pk in rows.values_list("pk", flat=True)]
        query |= Q(content_type=ContentType.objects.get_for_model(model), object_pk__in=pks)
    members = [str(pk) for pk in organisation.memberships.values_list("user_id", flat=True)]
    query |= Q(
        content_type=ContentType.objects.get_for_model(User),
        object_pk__in=members,
        additional_data__event__startswith="signature",
    )
    return (
        LogEntry.objects.filter(query)
        .select_related("actor", "content_type")
        .order_by("-timestamp")[:limit]
    )
