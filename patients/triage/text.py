"""Triage of a plain-language or clinical description, reconciled with the shared red-flag
knowledge base (lumen.safety), which the question screen reads too."""

from __future__ import annotations

from dataclasses import replace

from lumen.safety import CRISIS_MESSAGE, EMERGENCY_MESSAGE, EMERGENCY_NUMBERS, POISON_CONTROL
from lumen.safety.findings import POISONING, Understanding, understand
from patients.triage.assessment import Assessment, decide
from patients.triage.reading import Case, prepare, present, read_case
from patients.triage.rulebase import DISPOSITION_LABELS, RANK, Complaint, rules


def recognise(text: str, case: Case | None = None) -> list[Complaint]:
    """The complaints the text mentions (not negated, not past history)."""
    prepared = prepare(text)
    case = case or read_case(text)
    return [
        c
        for c in rules().complaints.values()
        if c.applies_to(case.age, case.pregnancy) and present(c.pattern, prepared)
    ]


def assess_text(
    text: str,
    age: float | None = None,
    sex: str | None = None,
    pregnancy: str | None = None,
) -> Assessment:
    """Triage a plain-language or clinical description ("crushing chest pain and sweating for
    20 minutes"). Age, sex and pregnancy stated in the text win over the arguments, and when
    the text is about someone else ("my 3 year old ...") the caller's age (the account
    holder's) is not used for them.

    Two readers agree on the level: the shared red-flag knowledge base (lumen.safety, the same
    one the question screen uses) and the complaint rules here. The higher level wins, except
    that a benign presentation the knowledge base recognises (a cold, sunburn, teething ...)
    with no red flag from either is self-care: over-triage is kept down by rules for benign
    presentations, never by loosening red flags."""
    understood = understand(text, age=age, sex=sex, pregnant=pregnancy == "pregnant")
    subject_age = understood.age
    base = rules()
    own = understood.subject == "self"
    case = read_case(
        text, age=subject_age, sex=sex if own else None, pregnancy=pregnancy if own else None
    )
    if understood.pregnant and not case.pregnancy:
        case.pregnancy = "pregnant"
    prepared = prepare(text)
    complaints = recognise(text, case)
    candidates = [*base.general_flags]
    for complaint in complaints:
        candidates += complaint.red_flags
    flags = [f for f in candidates if present(f.pattern, prepared) and f.when.hold(case, text=text)]
    assessment = decide(complaints, case, flags, base=base, text=text)
    return reconcile(assessment, understood, flags)


def reconcile(assessment: Assessment, understood: Understanding, flags: list) -> Assessment:
    """The complaint rules' assessment, reconciled with the knowledge base's reading."""
    kb_level = understood.level
    level = assessment.disposition
    reasons = list(assessment.reasons)
    if kb_level is not None and RANK[kb_level] > RANK[level]:
        level = kb_level
    elif (
        understood.benign
        and kb_level is None
        and not any(RANK[f.disposition] >= RANK["urgent"] for f in flags)
        and level != "emergency"
    ):
        level = "self_care"
        reasons = [
            "Lumen recognised a common condition that can usually be managed at home, with "
            "no warning signs."
        ]
    kb_reasons = [r.reason for r in sorted(understood.fired, key=lambda r: -RANK[r.level])]
    kb_reasons += [
        f"{f.name} needs {DISPOSITION_LABELS[f.level].split(':')[0].lower()} care."
        for f in understood.findings
        if f.level in ("emergency", "urgent") and f.level == level
    ]
    kb_reasons = understood.unsure_reasons() + kb_reasons
    if level != assessment.disposition:
        reasons = [r for r in kb_reasons if r] + reasons
    else:
        reasons = reasons + [r for r in kb_reasons if r not in reasons]
    escalation = assessment.escalation
    if level == "emergency" and not escalation:
        escalation = EMERGENCY_MESSAGE.format(numbers=EMERGENCY_NUMBERS)
    if POISONING & understood.present and POISON_CONTROL not in escalation:
        escalation = "\n\n".join(p for p in (escalation, POISON_CONTROL) if p)
    if understood.crisis and CRISIS_MESSAGE.split("{")[0] not in escalation:
        escalation = "\n\n".join(
            p for p in (escalation, CRISIS_MESSAGE.format(numbers=EMERGENCY_NUMBERS)) if p
        )
    otc = assessment.otc if level in ("self_care", "non_urgent") else ()
    self_care = assessment.self_care if level != "emergency" else ()
    findings = {
        **assessment.findings,
        "subject": understood.subject,
        "kb_version": understood.kb_version,
    }
    if understood.age is not None:
        findings["age"] = understood.age
    return replace(
        assessment,
        disposition=level,
        reasons=tuple(dict.fromkeys(reasons)),
        escalation=escalation,
        otc=otc,
        self_care=self_care,
        findings=findings,
        understood=tuple(understood.summary()),
        unsure=understood.unsure,
    )
