"""A triage result and how it is decided from complaints, red flags, vitals and modifiers."""

from __future__ import annotations

from dataclasses import dataclass, field

from lumen.safety import (
    CRISIS_MESSAGE,
    DISCLAIMER,
    EMERGENCY_MESSAGE,
    EMERGENCY_NUMBERS,
    POISON_CONTROL,
)
from patients.triage.reading import Case, present
from patients.triage.rulebase import (
    DISPOSITION_LABELS,
    RANK,
    RISK,
    Complaint,
    Flag,
    Modifier,
    RuleBase,
)


@dataclass(frozen=True)
class Assessment:
    disposition: str
    complaints: tuple[str, ...]  # complaint ids recognised
    complaint_labels: tuple[str, ...]
    reasons: tuple[str, ...]  # human-readable, most serious first
    self_care: tuple[str, ...]
    otc: tuple[str, ...]  # drug names from Lumen's drug database (unfiltered)
    escalation: str  # shown before anything else ("" when not an emergency or crisis)
    findings: dict = field(default_factory=dict)  # age, sex, vitals, duration... as read
    rules_version: str = ""
    disclaimer: str = DISCLAIMER
    understood: tuple[str, ...] = ()  # "what I understood", for the person to check
    unsure: bool = False  # an emergency finding was told with uncertainty

    @property
    def risk(self) -> str:
        return RISK[self.disposition]

    @property
    def label(self) -> str:
        return DISPOSITION_LABELS[self.disposition]

    @property
    def is_emergency(self) -> bool:
        return self.disposition == "emergency"

    def as_dict(self) -> dict:
        return {
            "disposition": self.disposition,
            "risk": self.risk,
            "complaints": list(self.complaints),
            "complaint_labels": list(self.complaint_labels),
            "reasons": list(self.reasons),
            "self_care": list(self.self_care),
            "otc": list(self.otc),
            "escalation": self.escalation,
            "findings": self.findings,
            "rules_version": self.rules_version,
            "understood": list(self.understood),
            "unsure": self.unsure,
        }


@dataclass
class _Decision:
    hits: list[tuple[str, str]] = field(default_factory=list)  # (disposition, reason)

    def add(self, disposition: str, reason: str) -> None:
        if (disposition, reason) not in self.hits:
            self.hits.append((disposition, reason))

    def level(self) -> str:
        return max((d for d, _ in self.hits), key=RANK.__getitem__, default="self_care")


def decide(
    complaints: list[Complaint],
    case: Case,
    flags: list[Flag],
    *,
    base: RuleBase,
    text: str | None,
) -> Assessment:
    decision = _Decision()
    for flag in flags:
        decision.add(flag.disposition, flag.reason)
    fired: set[str] = set()
    # Vital-sign thresholds assume an adult when no age is known.
    adult = case if case.age is not None else Case(**{**case.__dict__, "age": 30.0})
    for rule in sorted(base.vitals, key=lambda r: -RANK[r.disposition]):
        value = case.vitals.get(rule.vital)
        if rule.vital in fired or value is None:
            continue
        if rule.fires(value) and rule.when.hold(adult):
            fired.add(rule.vital)
            shown = int(value) if float(value).is_integer() else round(value, 1)
            decision.add(rule.disposition, rule.reason.format(value=shown))
    warning = base.early_warning
    if warning is not None and (case.age is None or case.age >= warning.age_over):
        confused = any(f.id == "altered_mental_status" for f in flags)
        score = warning.score(case.vitals, confused=confused)
        if score is not None and score >= warning.emergency_at:
            decision.add("emergency", warning.reason.format(value=score))
    for modifier in base.general_modifiers:
        if not modifier.lower and _modifier_holds(modifier, case, text):
            decision.add(modifier.disposition, modifier.reason)
    for complaint in complaints:
        start, start_reason = complaint.default, ""
        for modifier in complaint.modifiers:
            if not _modifier_holds(modifier, case, text):
                continue
            if modifier.lower:
                if RANK[modifier.disposition] < RANK[start]:
                    start, start_reason = modifier.disposition, modifier.reason
            else:
                decision.add(modifier.disposition, modifier.reason)
        decision.add(start, start_reason or _default_reason(complaint, start))
    if not complaints and not decision.hits:
        decision.add(
            "non_urgent",
            "Lumen couldn't match these symptoms to its rules, so it can't say they are safe to "
            "manage at home: check with a doctor, nurse or pharmacist.",
        )
    disposition = decision.level()
    reasons = [
        reason
        for d, reason in sorted(decision.hits, key=lambda h: -RANK[h[0]])
        if reason and (RANK[d] > 0 or d == disposition)
    ]
    self_care: list[str] = []
    otc: list[str] = []
    if disposition != "emergency":
        for complaint in complaints:
            self_care += [s for s in complaint.self_care if s not in self_care]
            if disposition in ("self_care", "non_urgent"):
                otc += [name for name in complaint.otc if name not in otc]
    return Assessment(
        disposition=disposition,
        complaints=tuple(c.id for c in complaints),
        complaint_labels=tuple(c.label for c in complaints),
        reasons=tuple(reasons),
        self_care=tuple(self_care),
        otc=tuple(otc),
        escalation=_escalation(disposition, complaints, flags),
        findings=case.findings(),
        rules_version=base.version,
    )


def _modifier_holds(modifier: Modifier, case: Case, text: str | None) -> bool:
    if modifier.pattern is not None and (text is None or not present(modifier.pattern, text)):
        return False
    return modifier.when.hold(case, text=text)


def _default_reason(complaint: Complaint, disposition: str) -> str:
    return {
        "emergency": f"{complaint.label} needs emergency assessment.",
        "urgent": f"{complaint.label} needs assessment within 24 hours.",
        "non_urgent": f"{complaint.label} should be checked by a doctor.",
        "self_care": f"{complaint.label} without warning signs can usually be managed at home.",
    }[disposition]


def _escalation(disposition: str, complaints: list[Complaint], flags: list[Flag]) -> str:
    ids = {c.id for c in complaints} | {f.id for f in flags}
    parts = []
    if disposition == "emergency":
        parts.append(EMERGENCY_MESSAGE.format(numbers=EMERGENCY_NUMBERS))
    if ids & {"mental_health_crisis", "suicidal_thoughts", "anx_suicidal"}:
        parts.append(CRISIS_MESSAGE.format(numbers=EMERGENCY_NUMBERS))
    if "poisoning_overdose" in ids:
        parts.append(POISON_CONTROL)
    return "\n\n".join(parts)
