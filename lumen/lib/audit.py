"""Audit-log helpers shared by every app that registers models with django-auditlog."""

from __future__ import annotations

REDACTED = "[redacted]"


def redact(value: str) -> str:
    """Mask callable for AUDITLOG_MASK_CALLABLE: the audit trail records that a PHI field
    changed, never what it changed from or to (the audit table is not encrypted)."""
    return REDACTED
