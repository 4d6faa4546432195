"""A patient's rights over their data: a full export (JSON), a visit summary to print (PDF),
and erasure of the account with every piece of health data.

The export walks the patient's rows model by model, so a field added to a model later is
exported without touching this module. Erasure deletes the user; health rows go with it by
cascade, flagged questions (which hold the question text) explicitly. The audit trail keeps
who and when (django-auditlog keeps the actor's email after the user is gone); PHI values
never reached it (they are masked on the way in).
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

from auditlog.models import LogEntry
from django.db import models, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from knowledge.models import FlaggedQuestion
from lumen.accounts.models import User
from patients.models import (
    Allergy,
    Condition,
    Dose,
    DoseSchedule,
    Medication,
    Message,
    Profile,
    SymptomEntry,
    TriageAssessment,
)
from patients.selectors import medications_with_drugs
from patients.visit_summary import visit_summary

FORMAT_VERSION = 1
# Internal keys and links that mean nothing outside Lumen's database.
_SKIP = {"id", "profile", "conversation", "user", "drug_ref"}


def _value(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return str(getattr(value, "uid", None) or getattr(value, "name", "") or value.pk)
    return value


def _row(obj: models.Model, **extra: Any) -> dict[str, Any]:
    row = {}
    for field in obj._meta.concrete_fields:
        if field.name in _SKIP:
            continue
        if field.is_relation:
            related = getattr(obj, field.name)
            row[field.name] = _value(related) if related is not None else None
        else:
            row[field.name] = _value(getattr(obj, field.attname))
    if "data" in row and isinstance(obj, TriageAssessment):
        row["data"] = _decoded(obj.data)
    return {**row, **extra}


def _decoded(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return text


def _by_time(rows, attr: str = "created_at") -> list:
    # Encrypted columns cannot be sorted in SQL; these lists are small.
    return sorted(rows, key=lambda r: getattr(r, attr))


def export_data(user: User) -> dict[str, Any]:
    """Everything Lumen holds about `user`, as plain JSON-ready data."""
    profile = Profile.objects.filter(user=user).first()
    data: dict[str, Any] = {
        "format": "lumen-patient-export",
        "version": FORMAT_VERSION,
        "exported_at": timezone.now().isoformat(),
        "account": {
            "email": user.email,
            "name": user.name,
            "joined": user.date_joined.isoformat(),
            "id": str(user.external_id),
        },
        "profile": None,
        "conditions": [],
        "allergies": [],
        "medications": [],
        "symptom_diary": [],
        "symptom_checks": [],
        "conversation": [],
    }
    if profile is not None:
        data["profile"] = _row(profile)
        data["conditions"] = [_row(c) for c in Condition.objects.filter(profile=profile)]
        data["allergies"] = [_row(a) for a in Allergy.objects.filter(profile=profile)]
        schedules = DoseSchedule.objects.filter(medication__profile=profile)
        doses = Dose.objects.filter(schedule__medication__profile=profile).select_related(
            "schedule"
        )
        data["medications"] = [
            _row(
                med,
                # The encrypted match, exported as it was when it was a link.
                drug=_value(med.drug) if med.drug else None,
                schedules=[_row(s) for s in schedules if s.medication_id == med.id],
                doses=[
                    _row(d) for d in _by_time(doses, "due_at") if d.schedule.medication_id == med.id
                ],
            )
            for med in medications_with_drugs(Medication.objects.filter(profile=profile))
        ]
        data["symptom_diary"] = [
            _row(e) for e in _by_time(SymptomEntry.objects.filter(profile=profile), "recorded_at")
        ]
        data["symptom_checks"] = [
            _row(a) for a in _by_time(TriageAssessment.objects.filter(profile=profile))
        ]
    data["conversation"] = [
        _row(m, in_reply_to=str(m.in_reply_to.uid) if m.in_reply_to else None)
        for m in Message.objects.filter(conversation__user=user)
        .select_related("in_reply_to")
        .order_by("created_at", "id")
    ]
    return data


def _log_export(user: User, kind: str) -> None:
    """An export reads every PHI row: record that it happened (never what it held)."""
    LogEntry.objects.log_create(
        user,
        force_log=True,
        action=LogEntry.Action.ACCESS,
        changes={},
        additional_data={"event": "patient data export", "format": kind},
    )


def export_json(user: User) -> bytes:
    _log_export(user, "json")
    return json.dumps(export_data(user), indent=2, ensure_ascii=False).encode()


def export_pdf(user: User) -> bytes:
    """The readable export: a one- or two-page visit summary to hand a doctor (see
    patients/visit_summary.py); the JSON export is the complete one."""
    from weasyprint import HTML  # heavy import, only when a PDF is asked for

    _log_export(user, "pdf")
    html = render_to_string("patients/visit_summary_pdf.html", {"s": visit_summary(user)})
    return HTML(string=html).write_pdf()


def account_erase(*, user: User) -> None:
    """Delete the account and every piece of health data; keep the audit trail's who/when."""
    user_pk = user.pk
    with transaction.atomic():
        FlaggedQuestion.objects.filter(user=user).delete()
        user.delete()
        # The entries written while deleting name, as actor, the user who is now gone: keep
        # their email (who) and drop the dangling link.
        LogEntry.objects.filter(actor_id=user_pk).update(actor=None)
