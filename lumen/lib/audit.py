"""Audit-log helpers shared by every app that registers models with django-auditlog."""

from __future__ import annotations

from collections.abc import Iterable

REDACTED = "[redacted]"


def redact(value: str) -> str:
    """Mask callable for AUDITLOG_MASK_CALLABLE: the audit trail records that a PHI field
    changed, never what it changed from or to (the audit table is not encrypted)."""
    return REDACTED


def log_update(instance, fields: Iterable[str]) -> None:
    """Audit a change made with `QuerySet.update()`, which sends no signals, so
    django-auditlog would record nothing: an UPDATE entry for `instance` naming the fields
    that changed, every value masked. The actor and address come from auditlog's request
    context (its middleware), as for entries the signals write; none in the worker.

    Callers write it after their conditional update matched (in the same transaction), so a
    change made once is audited once, and a lost race writes no entry."""
    from auditlog.models import LogEntry

    LogEntry.objects.log_create(
        instance,
        action=LogEntry.Action.UPDATE,
        changes={field: [REDACTED, REDACTED] for field in fields},
    )
