"""The guided interview for one chief complaint: who it is for and their age, the
complaint's own warning signs (emergencies first: the interview stops as soon as one is
confirmed), then its other questions and the person's own words, with a follow-up question
for any emergency sign Lumen is unsure it read right."""

from __future__ import annotations

from dataclasses import replace

from lumen.safety.findings import Recognised, answered, understand
from patients.triage.assessment import Assessment, decide
from patients.triage.reading import Case
from patients.triage.rulebase import (
    ONSETS,
    RANK,
    Complaint,
    Conditions,
    UnknownComplaint,
    rules,
)

DURATION_CHOICES = (
    ("", "Not sure"),
    ("0.2", "Less than a few hours"),
    ("1", "Up to a day"),
    ("3", "2 to 3 days"),
    ("7", "4 to 7 days"),
    ("14", "1 to 2 weeks"),
    ("28", "2 to 4 weeks"),
    ("90", "More than a month"),
)


SUBJECTS = (("self", "Me"), ("child", "My child"), ("other_adult", "Another adult"))


def questions(complaint_id: str, *, age: float | None = None) -> dict:
    """The questions a complaint needs: its own warning signs (most serious first) and the
    general ones that apply at the person's age, then its other symptoms; onset, duration
    and severity for all."""
    complaint = _complaint_or_error(complaint_id)
    own = sorted(complaint.red_flags, key=lambda f: -RANK[f.disposition])
    general = [
        f
        for f in rules().general_flags
        if (f.when.age_under is None or (age is not None and age < f.when.age_under))
        and (f.when.age_over is None or age is None or age >= f.when.age_over)
    ]
    return {
        "complaint": complaint,
        "durations": DURATION_CHOICES,
        "warning_signs": [f for f in own if RANK[f.disposition] >= RANK["urgent"]],
        "other_symptoms": [f for f in own if RANK[f.disposition] < RANK["urgent"]],
        "general_signs": general,
    }


def emergency_confirmed(complaint_id: str, flag_ids: list[str]) -> bool:
    """Whether a ticked warning sign is an emergency: the interview stops and says so."""
    chosen = _complaint_or_error(complaint_id)
    known = {f.id: f for f in (*chosen.red_flags, *rules().general_flags)}
    return any(known[i].disposition == "emergency" for i in flag_ids if i in known)


def followups(details: str, *, age: float | None = None) -> list[Recognised]:
    """Emergency signs Lumen read from the person's own words with low confidence: ask."""
    return understand(details, age=age).to_ask if details.strip() else []


def complaint_choices() -> list[tuple[str, str]]:
    return sorted(((c.id, c.label) for c in rules().complaints.values()), key=lambda c: c[1])


def _complaint_or_error(complaint_id: str) -> Complaint:
    try:
        return rules().complaints[complaint_id]
    except KeyError:
        raise UnknownComplaint(f"Unknown complaint {complaint_id!r}.") from None


def assess(
    complaint: str,
    answers: dict,
    *,
    age: float | None = None,
    sex: str = "",
    pregnancy: str = "",
) -> Assessment:
    """Triage one chief complaint from the guided form's answers.

    `answers`: {"onset": "sudden"|"gradual"|"", "duration_days": number|None,
    "severity": 0-10|None, "flags": [red-flag ids ticked, the complaint's or general],
    "subject": "self"|"child"|"other_adult", "details": the person's own words,
    "asked": [finding ids asked about in a follow-up], "confirmed": [those they confirmed]}.
    `age`, `sex` and `pregnancy` are the subject's. Unknown complaint or flag ids raise
    ValueError."""
    base = rules()
    chosen = _complaint_or_error(complaint)
    severity = answers.get("severity")
    if severity is not None and not 0 <= int(severity) <= 10:
        raise ValueError("Severity must be between 0 and 10.")
    onset = answers.get("onset") or ""
    if onset not in ONSETS:
        raise ValueError(f"Unknown onset {onset!r}.")
    duration = answers.get("duration_days")
    case = Case(
        age=age,
        sex=sex or "",
        pregnancy=pregnancy or "",
        severity=None if severity is None else int(severity),
        duration=None if duration in (None, "") else float(duration),
        onset=onset,
    )
    known = {f.id: f for f in (*chosen.red_flags, *base.general_flags)}
    ticked = list(answers.get("flags") or [])
    unknown = [i for i in ticked if i not in known]
    if unknown:
        raise ValueError(f"Unknown findings {unknown} for {complaint!r}.")
    # The person said yes: conditions that need text (requires) are taken as met.
    flags = [
        known[i]
        for i in dict.fromkeys(ticked)
        if _conditions_without_text(known[i].when).hold(case)
    ]
    result = decide([chosen], case, flags, base=base, text=None)
    subject = answers.get("subject") or "self"
    result = replace(result, findings={**result.findings, "subject": subject})
    details = (answers.get("details") or "").strip()
    if not details:
        return result
    from patients.triage.text import reconcile  # text imports the rule base this module uses

    understood = understand(details, age=age, sex=sex, pregnant=pregnancy == "pregnant")
    # The form said whose check it is and their age; the words need not repeat it.
    understood.subject = subject
    if age is not None:
        understood.age = age
    confirmed = set(answers.get("confirmed") or ())
    understood = answered(
        understood, confirmed=confirmed, denied=set(answers.get("asked") or ()) - confirmed
    )
    reconciled = reconcile(result, understood, flags)
    if RANK[reconciled.disposition] < RANK[result.disposition]:
        # Free words never lower what the ticked answers gave.
        return replace(reconciled, disposition=result.disposition, reasons=result.reasons)
    return reconciled


def _conditions_without_text(when: Conditions) -> Conditions:
    return Conditions(**{**when.__dict__, "requires": None})
