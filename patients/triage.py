"""Symptom triage: a rule base kept as data (patients/triage_rules/rules.yaml), a guided
assessment for one chief complaint, and a recogniser for plain-language and clinical text.

Pure domain logic: no database, no requests. OTC options come back as drug names from
Lumen's drug database; filtering them against a patient's profile is the caller's job.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from lumen.safety import (
    CRISIS_MESSAGE,
    DISCLAIMER,
    EMERGENCY_MESSAGE,
    EMERGENCY_NUMBERS,
    POISON_CONTROL,
)
from lumen.safety.findings import Understanding, understand

RULES_PATH = Path(__file__).resolve().parent / "triage_rules" / "rules.yaml"

# Lowest to highest.
DISPOSITIONS = ("self_care", "non_urgent", "urgent", "emergency")
_RANK = {d: i for i, d in enumerate(DISPOSITIONS)}
DISPOSITION_LABELS = {
    "emergency": f"Emergency: call {EMERGENCY_NUMBERS} or go to the emergency department now",
    "urgent": "Urgent: get medical care within 24 hours (urgent care, out-of-hours or NHS 111)",
    "non_urgent": "See a doctor within the next few days",
    "self_care": "Self-care at home; see a doctor if it gets worse or doesn't improve",
}
RISK = {"emergency": "high", "urgent": "high", "non_urgent": "medium", "self_care": "low"}
VITALS = ("temperature", "heart_rate", "resp_rate", "systolic", "diastolic", "spo2")
ONSETS = ("", "sudden", "gradual")
_CONDITION_KEYS = {
    "age_under",
    "age_over",
    "sex",
    "pregnant",
    "severity_at_least",
    "severity_at_most",
    "duration_over",
    "duration_at_most",
    "max_duration",
    "onset",
    "requires",
}


class RuleFileError(ValueError):
    """The rule file is missing, unreadable or does not follow the schema."""


class UnknownComplaint(ValueError):
    pass


# ---------------------------------------------------------------------------------------------
# The rule base
# ---------------------------------------------------------------------------------------------


def _compile(patterns: list[str], where: str) -> re.Pattern:
    if not patterns or not all(isinstance(p, str) and p for p in patterns):
        raise RuleFileError(f"{where}: 'patterns' must be a non-empty list of strings.")
    try:
        return re.compile(r"(?<![a-z0-9])(?:" + "|".join(patterns) + r")(?![a-z0-9])")
    except re.error as exc:
        raise RuleFileError(f"{where}: invalid pattern ({exc}).") from exc


@dataclass(frozen=True)
class Conditions:
    age_under: float | None = None
    age_over: float | None = None
    sex: str = ""
    pregnant: bool | None = None
    severity_at_least: int | None = None
    severity_at_most: int | None = None
    duration_over: float | None = None
    duration_at_most: float | None = None
    max_duration: float | None = None  # the finding only counts when symptoms are this recent
    onset: str = ""
    requires: re.Pattern | None = None  # a co-occurring finding (text only)

    def hold(self, case: Case, *, text: str | None = None) -> bool:
        """Whether every condition holds for the case. An unknown fact (age not given) never
        satisfies a condition about it."""
        checks = (
            (self.age_under, lambda v: case.age is not None and case.age < v),
            (self.age_over, lambda v: case.age is not None and case.age >= v),
            (self.severity_at_least, lambda v: case.severity is not None and case.severity >= v),
            (self.severity_at_most, lambda v: case.severity is not None and case.severity <= v),
            (self.duration_over, lambda v: case.duration is not None and case.duration > v),
            (self.duration_at_most, lambda v: case.duration is not None and case.duration <= v),
            (self.max_duration, lambda v: case.duration is None or case.duration <= v),
        )
        if not all(check(value) for value, check in checks if value is not None):
            return False
        if self.sex and case.sex != self.sex:
            return False
        if self.pregnant is not None and (case.pregnancy == "pregnant") != self.pregnant:
            return False
        if self.onset and case.onset != self.onset:
            return False
        # Co-morbidities count even when stated as history ("a history of COPD").
        return self.requires is None or (
            text is not None and _present(self.requires, text, history=True)
        )


@dataclass(frozen=True)
class Flag:
    """A finding that raises the disposition (a red flag, or an associated symptom that
    needs a doctor)."""

    id: str
    label: str
    pattern: re.Pattern
    disposition: str
    reason: str
    when: Conditions


@dataclass(frozen=True)
class Modifier:
    """A rule on the patient or the course (age, pregnancy, onset, duration, severity), or a
    reassuring feature (`lower`) that sets a lower starting point when no red flag applies."""

    disposition: str
    reason: str
    when: Conditions
    lower: bool = False
    pattern: re.Pattern | None = None


@dataclass(frozen=True)
class Complaint:
    id: str
    label: str
    pattern: re.Pattern
    default: str
    red_flags: tuple[Flag, ...]
    modifiers: tuple[Modifier, ...]
    self_care: tuple[str, ...]
    otc: tuple[str, ...]
    age_min: float | None = None
    age_max: float | None = None
    requires_pregnancy: bool = False

    def applies_to(self, age: float | None, pregnancy: str) -> bool:
        if self.requires_pregnancy and pregnancy != "pregnant":
            return False
        if self.age_max is not None and age is not None and age >= self.age_max:
            return False
        # Without an age, adult rules are the default and child rules need one.
        if self.age_max is not None and age is None:
            return False
        return not (self.age_min is not None and age is not None and age < self.age_min)


@dataclass(frozen=True)
class VitalRule:
    vital: str
    disposition: str
    reason: str
    when: Conditions
    below: float | None = None
    at_least: float | None = None

    def fires(self, value: float) -> bool:
        if self.below is not None and not value < self.below:
            return False
        return self.at_least is None or value >= self.at_least


@dataclass(frozen=True)
class EarlyWarning:
    """NEWS2-style aggregate score over the stated vital signs."""

    bands: dict[str, tuple[tuple[float, int], ...]]
    emergency_at: int
    age_over: float
    new_confusion_points: int
    reason: str

    def score(self, vitals: dict[str, float], *, confused: bool) -> int | None:
        known = [name for name in self.bands if name in vitals]
        if len(known) < 2:
            return None
        total = self.new_confusion_points if confused else 0
        for name in known:
            total += next(points for upper, points in self.bands[name] if vitals[name] <= upper)
        return total


@dataclass(frozen=True)
class RuleBase:
    version: str
    complaints: dict[str, Complaint]
    general_flags: tuple[Flag, ...]
    general_modifiers: tuple[Modifier, ...]
    vitals: tuple[VitalRule, ...]
    early_warning: EarlyWarning | None = None


def _disposition(value: Any, where: str) -> str:
    if value not in _RANK:
        raise RuleFileError(f"{where}: disposition {value!r} is not one of {DISPOSITIONS}.")
    return value


def _number(item: dict, key: str, where: str) -> float | None:
    value = item.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise RuleFileError(f"{where}: {key!r} must be a number.")
    return float(value)


def _conditions(item: dict, where: str) -> Conditions:
    onset = item.get("onset", "")
    if onset not in ONSETS:
        raise RuleFileError(f"{where}: onset must be 'sudden' or 'gradual'.")
    pregnant = item.get("pregnant")
    if pregnant is not None and not isinstance(pregnant, bool):
        raise RuleFileError(f"{where}: 'pregnant' must be true or false.")
    return Conditions(
        age_under=_number(item, "age_under", where),
        age_over=_number(item, "age_over", where),
        sex=str(item.get("sex", "")),
        pregnant=pregnant,
        severity_at_least=_number(item, "severity_at_least", where),
        severity_at_most=_number(item, "severity_at_most", where),
        duration_over=_number(item, "duration_over", where),
        duration_at_most=_number(item, "duration_at_most", where),
        max_duration=_number(item, "max_duration", where),
        onset=onset,
        requires=_compile(item["requires"], where) if "requires" in item else None,
    )


def _mapping(item: Any, where: str) -> dict:
    if not isinstance(item, dict):
        raise RuleFileError(f"{where}: expected a mapping.")
    return item


def _flag(item: Any, where: str) -> Flag:
    item = _mapping(item, where)
    for key in ("id", "label", "patterns", "disposition"):
        if key not in item:
            raise RuleFileError(f"{where}: a red flag is missing {key!r}.")
    where = f"{where} red flag {item['id']!r}"
    unknown = set(item) - {"id", "label", "patterns", "disposition", "reason"} - _CONDITION_KEYS
    if unknown:
        raise RuleFileError(f"{where}: unknown keys {sorted(unknown)}.")
    return Flag(
        id=str(item["id"]),
        label=str(item["label"]),
        pattern=_compile(item["patterns"], where),
        disposition=_disposition(item["disposition"], where),
        reason=str(item.get("reason") or item["label"]),
        when=_conditions(item, where),
    )


def _modifier(item: Any, where: str) -> Modifier:
    item = _mapping(item, where)
    if "disposition" not in item or "reason" not in item:
        raise RuleFileError(f"{where}: a modifier needs 'disposition' and 'reason'.")
    unknown = set(item) - {"disposition", "reason", "lower", "patterns"} - _CONDITION_KEYS
    if unknown:
        raise RuleFileError(f"{where}: unknown keys {sorted(unknown)}.")
    return Modifier(
        disposition=_disposition(item["disposition"], where),
        reason=str(item["reason"]),
        when=_conditions(item, where),
        lower=bool(item.get("lower", False)),
        pattern=_compile(item["patterns"], where) if "patterns" in item else None,
    )


def _complaint(item: Any, index: int) -> Complaint:
    item = _mapping(item, f"complaint #{index + 1}")
    for key in ("id", "label", "patterns", "default", "red_flags"):
        if key not in item:
            raise RuleFileError(f"complaint #{index + 1} ({item.get('id', '?')}): missing {key!r}.")
    where = f"complaint {item['id']!r}"
    flags = item["red_flags"]
    if not isinstance(flags, list) or not flags:
        raise RuleFileError(f"{where}: needs at least one red flag.")
    otc = item.get("otc") or []
    if not all(isinstance(name, str) for name in otc):
        raise RuleFileError(f"{where}: 'otc' must be a list of drug names.")
    parsed = tuple(_flag(f, where) for f in flags)
    ids = [f.id for f in parsed]
    if len(set(ids)) != len(ids):
        raise RuleFileError(f"{where}: red flag ids must be unique.")
    return Complaint(
        id=str(item["id"]),
        label=str(item["label"]),
        pattern=_compile(item["patterns"], where),
        default=_disposition(item["default"], where),
        red_flags=parsed,
        modifiers=tuple(_modifier(m, where) for m in item.get("modifiers") or []),
        self_care=tuple(str(s) for s in item.get("self_care") or []),
        otc=tuple(otc),
        age_min=_number(item, "age_min", where),
        age_max=_number(item, "age_max", where),
        requires_pregnancy=bool(item.get("requires_pregnancy", False)),
    )


def _vital(item: Any, index: int) -> VitalRule:
    where = f"vitals #{index + 1}"
    item = _mapping(item, where)
    if item.get("vital") not in VITALS:
        raise RuleFileError(f"{where}: 'vital' must be one of {VITALS}.")
    if "below" not in item and "at_least" not in item:
        raise RuleFileError(f"{where}: needs 'below' or 'at_least'.")
    return VitalRule(
        vital=item["vital"],
        disposition=_disposition(item.get("disposition"), where),
        reason=str(item.get("reason", "")),
        when=_conditions(item, where),
        below=_number(item, "below", where),
        at_least=_number(item, "at_least", where),
    )


def _early_warning(item: Any) -> EarlyWarning | None:
    if item is None:
        return None
    where = "news2"
    item = _mapping(item, where)
    bands = _mapping(item.get("bands"), f"{where} bands")
    parsed = {}
    for name, rows in bands.items():
        if name not in VITALS or not isinstance(rows, list) or not rows:
            raise RuleFileError(
                f"{where}: bands for {name!r} must be a vital with [limit, points] rows."
            )
        try:
            parsed[name] = tuple((float(upper), int(points)) for upper, points in rows)
        except (TypeError, ValueError) as exc:
            raise RuleFileError(
                f"{where}: bands for {name!r} must be [limit, points] rows."
            ) from exc
    return EarlyWarning(
        bands=parsed,
        emergency_at=int(item.get("emergency_at", 5)),
        age_over=float(item.get("age_over", 16)),
        new_confusion_points=int(item.get("new_confusion_points", 3)),
        reason=str(item.get("reason", "Early warning score {value}.")),
    )


def parse_rules(data: Any) -> RuleBase:
    """Validate a loaded rule document and compile it; RuleFileError says what is wrong."""
    data = _mapping(data, "rule file")
    if not data.get("version"):
        raise RuleFileError("rule file: missing 'version'.")
    complaints = data.get("complaints")
    if not isinstance(complaints, list) or not complaints:
        raise RuleFileError("rule file: 'complaints' must be a non-empty list.")
    parsed = [_complaint(c, i) for i, c in enumerate(complaints)]
    by_id = {c.id: c for c in parsed}
    if len(by_id) != len(parsed):
        raise RuleFileError("rule file: complaint ids must be unique.")
    general = _mapping(data.get("general") or {}, "general")
    return RuleBase(
        version=str(data["version"]),
        complaints=by_id,
        general_flags=tuple(_flag(f, "general") for f in general.get("red_flags") or []),
        general_modifiers=tuple(_modifier(m, "general") for m in general.get("modifiers") or []),
        vitals=tuple(_vital(v, i) for i, v in enumerate(data.get("vitals") or [])),
        early_warning=_early_warning(data.get("news2")),
    )


def load_rules(path: Path | str = RULES_PATH) -> RuleBase:
    """Read and validate a rule file."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise RuleFileError(f"Cannot read triage rules at {path}: {exc.strerror}.") from exc
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise RuleFileError(f"Triage rules at {path} are not valid YAML: {exc}") from exc
    try:
        return parse_rules(data)
    except RuleFileError as exc:
        raise RuleFileError(f"Triage rules at {path}: {exc}") from exc


@lru_cache(maxsize=1)
def rules() -> RuleBase:
    """The shipped rule base (loaded once per process)."""
    return load_rules(RULES_PATH)


# ---------------------------------------------------------------------------------------------
# The result
# ---------------------------------------------------------------------------------------------


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
class Case:
    """What is known about the person and the symptoms, from answers or from text."""

    age: float | None = None
    sex: str = ""
    pregnancy: str = ""
    severity: int | None = None
    duration: float | None = None  # days
    onset: str = ""
    vitals: dict[str, float] = field(default_factory=dict)

    def findings(self) -> dict:
        found = {
            "age": self.age,
            "sex": self.sex,
            "pregnancy": self.pregnancy,
            "severity": self.severity,
            "duration_days": self.duration,
            "onset": self.onset,
        }
        found = {k: v for k, v in found.items() if v not in (None, "")}
        if self.vitals:
            found["vitals"] = dict(self.vitals)
        return found


@dataclass
class _Decision:
    hits: list[tuple[str, str]] = field(default_factory=list)  # (disposition, reason)

    def add(self, disposition: str, reason: str) -> None:
        if (disposition, reason) not in self.hits:
            self.hits.append((disposition, reason))

    def level(self) -> str:
        return max((d for d, _ in self.hits), key=_RANK.__getitem__, default="self_care")


def _decide(
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
    for rule in sorted(base.vitals, key=lambda r: -_RANK[r.disposition]):
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
                if _RANK[modifier.disposition] < _RANK[start]:
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
        for d, reason in sorted(decision.hits, key=lambda h: -_RANK[h[0]])
        if reason and (_RANK[d] > 0 or d == disposition)
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
    if modifier.pattern is not None and (text is None or not _present(modifier.pattern, text)):
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


# ---------------------------------------------------------------------------------------------
# The guided form
# ---------------------------------------------------------------------------------------------

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


def questions(complaint_id: str) -> dict:
    """The follow-up questions a complaint needs: onset, duration and severity for all, then
    its warning signs (most serious first) and the general ones."""
    complaint = _complaint_or_error(complaint_id)
    own = sorted(complaint.red_flags, key=lambda f: -_RANK[f.disposition])
    general = [f for f in rules().general_flags if f.when.age_under is None]
    return {
        "complaint": complaint,
        "durations": DURATION_CHOICES,
        "warning_signs": [f for f in own if _RANK[f.disposition] >= _RANK["urgent"]],
        "other_symptoms": [f for f in own if _RANK[f.disposition] < _RANK["urgent"]],
        "general_signs": general,
    }


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
    "severity": 0-10|None, "flags": [red-flag ids ticked, the complaint's or general]}.
    Unknown complaint or flag ids raise ValueError."""
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
    return _decide([chosen], case, flags, base=base, text=None)


def _conditions_without_text(when: Conditions) -> Conditions:
    return Conditions(**{**when.__dict__, "requires": None})


# ---------------------------------------------------------------------------------------------
# Plain-language and clinical text
# ---------------------------------------------------------------------------------------------

_NEGATION_CUE = re.compile(
    r"(?<![a-z])(?:no|not|denies|denied|denying|without|negative for|free of|absence of|absent"
    r"|nor|never had|doesn'?t have|does not have|didn'?t have|did not have|hasn'?t had"
    r"|has not had|haven'?t had|no signs? of|no evidence of|ruled out|resolved)(?![a-z])"
)
_NEGATION_END = re.compile(
    r"[.;:!?\n]|(?<![a-z])(?:but|however|although|though|except|apart from|aside from|yet"
    r"|presents?|presenting|reports?|complains?|which|who|she|he|they|and (?:is|has|was|had"
    r"|now|then|reports?|complains?|feels?|developed|started)|now|then|with)(?![a-z])"
)
_NEGATION_WORDS = 8
_LIST_AFTER = re.compile(r"(?<![a-z])(?:or|nor)(?![a-z])|, and |,[^,]+,")
_PAST_HISTORY = re.compile(
    r"(?<![a-z])(?:(?:past |prior |previous |family )?(?:medical )?history of|h/o|pmh"
    r"|previously had|in the past|years ago|as a (?:child|baby)|in infancy|used to have"
    r"|(?:brother|sister|mother|father|uncle|aunt|cousins?|grandmother|grandfather|parents?"
    r"|family members?|relatives?) (?:with|has|had|who)|family history)(?![a-z])"
)
_PAST_END = re.compile(
    r"[.;:!?\n]|(?<![a-z])(?:presents?|presenting|who|but|now|currently|today|and (?:is|has"
    r"|now|presents?|reports?|complains?))(?![a-z])"
)
# Symptoms the illness started with that have since gone ("initially had a sore throat, but
# now ...").
_EARLIER_ONLY = re.compile(
    r"(?:initially|at first|originally) (?:had|there was|with) ([^.;]*?)(?=,? but (?:now|since)"
    r"|,? which (?:has |have )?(?:now )?(?:resolved|settled|gone))"
)
_DURATION_BEFORE = re.compile(r"(?:hour|hr|day|week|wk|month|year)s?[- ]?$")


def _spans(text: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Character spans whose findings don't count: negated ("no fever", "denies chest pain"),
    and past history ("history of asthma")."""
    spans: list[tuple[int, int]] = []
    history: list[tuple[int, int]] = []
    for match in _NEGATION_CUE.finditer(text):
        start = match.end()
        rest = text[start:]
        end_match = _NEGATION_END.search(rest)
        end = start + (end_match.start() if end_match else len(rest))
        # A comma ends the scope unless a list follows ("denies fever, chills, or sweats").
        comma = text.find(",", start, end)
        if comma != -1 and not _LIST_AFTER.search(text[comma:end]):
            end = comma
        words = list(re.finditer(r"\S+", text[start:end]))
        if len(words) > _NEGATION_WORDS:
            end = start + words[_NEGATION_WORDS - 1].end()
        spans.append((start, end))
    for match in _PAST_HISTORY.finditer(text):
        before = text[max(0, match.start() - 12) : match.start()].strip()
        if _DURATION_BEFORE.search(before):
            continue  # "a 3-day history of cough" is the present illness
        rest = text[match.end() :]
        end_match = _PAST_END.search(rest)
        history.append((match.end(), match.end() + (end_match.start() if end_match else len(rest))))
    for match in _EARLIER_ONLY.finditer(text):
        history.append(match.span(1))
    return spans, history


@dataclass(frozen=True)
class _Text:
    text: str
    negated: tuple[tuple[int, int], ...]
    history: tuple[tuple[int, int], ...]


def _present(pattern: re.Pattern, text: str | _Text, *, history: bool = False) -> bool:
    """Whether the pattern occurs other than negated (and, unless `history`, other than in
    past history)."""
    if isinstance(text, str):
        text = _prepare(text)
    excluded = text.negated if history else text.negated + text.history
    for match in pattern.finditer(text.text):
        if not any(start <= match.start() < end for start, end in excluded):
            return True
    return False


@lru_cache(maxsize=256)
def _prepare(text: str) -> _Text:
    normal = _normalise(text)
    negated, history = _spans(normal)
    return _Text(normal, tuple(negated), tuple(history))


def _normalise(text: str) -> str:
    text = text.lower()
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u00b0", "°")
    text = re.sub(r"(?<=\d),(?=\d{3})", "", text)
    # Vignettes and pasted notes wrap lines mid-sentence: a line break is not a boundary.
    return re.sub(r"\s+", " ", text).strip()


_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "several": 3, "few": 3, "a few": 3,
    "a couple of": 2, "couple of": 2, "many": 5,
}  # fmt: skip
_UNIT_DAYS = {"minute": 1 / 1440, "hour": 1 / 24, "day": 1, "week": 7, "month": 30, "year": 365}
_NUM = r"(\d+(?:\.\d+)?|a couple of|couple of|a few|an?|one|two|three|four|five|six|seven|eight|nine|ten|several|few|many)"
_UNIT = r"(min(?:ute)?|hour|hr|day|week|wk|month|year|yr)s?"
_DURATION = re.compile(
    rf"(?:for|over|past|last|since|x|lasting|of|\(|^|\s){_NUM}[- ]?(?:\w+ )?{_UNIT}(?![a-z])"
    rf"(?![- ]*old|\s*of age)"
)
_AGE_OLD = re.compile(rf"(?<![\d.]){_NUM}[- ]?{_UNIT}[- ]?old(?![a-z])")
_AGE_OTHER = re.compile(
    r"(?<![a-z0-9])(?:aged?|age of)\s*(\d{1,3})(?![\d%])|(?<![\d.])(\d{1,3})\s*(?:yo|y/o|y\.o\.|yrs?)(?![a-z])"
    r"|(?:i'?m|i am|he'?s|he is|she'?s|she is|is) (\d{1,3})(?= *(?:,|\.|and|$|years|yrs))"
)
_SEX_FEMALE = re.compile(
    r"(?<![a-z])(?:woman|women|female|girl|lady|mother|mum|mom|wife|daughter|she|her|sister"
    r"|grandmother|aunt|pregnant)(?![a-z])"
)
_SEX_MALE = re.compile(
    r"(?<![a-z])(?:man|men|male|boy|gentleman|father|dad|husband|son|he|his|him|brother"
    r"|grandfather|uncle)(?![a-z])"
)
_PREGNANT = re.compile(
    r"(?<![a-z])(?:pregnan(?:t|cy)|weeks'? (?:pregnant|gestation)|gestation\w*|gravid\w*"
    r"|expecting a baby|antenatal|prenatal|trimester|g\d ?p\d)(?![a-z])"
)
_SUDDEN = re.compile(
    r"(?<![a-z])(?:sudden\w*|abrupt\w*|all of a sudden|thunderclap|out of (?:nowhere|the blue)"
    r"|came on (?:very )?(?:quickly|fast)|within (?:seconds|minutes))(?![a-z])"
)
_GRADUAL = re.compile(r"(?<![a-z])(?:gradual\w*|slowly|insidious\w*|progressive\w*)(?![a-z])")
_SEVERITY_NUMBER = re.compile(r"(?<![\d.])(\d{1,2})\s*(?:/|out of)\s*10(?![\d])")
_SEVERITY_WORDS = (
    (re.compile(r"(?<![a-z])(?:excruciating|agoni\w*|unbearable|worst|writhing)(?![a-z])"), 9),
    (
        re.compile(
            r"(?<![a-z])(?:severe\w*|intense|terrible|crushing|very bad|really bad)(?![a-z])"
        ),
        8,
    ),
    (re.compile(r"(?<![a-z])(?:moderate\w*|quite bad)(?![a-z])"), 5),
    (re.compile(r"(?<![a-z])(?:mild\w*|slight\w*|a bit of|a little|minor)(?![a-z])"), 2),
)
_TEMPERATURE = re.compile(
    r"(?:temp(?:erature)?|fevers?|febrile|pyrexia|t)\s*(?:of|is|was|at|to|up to|reaching|as high as|:|=)?\s*"
    r"(\d{2,3}(?:\.\d+)?)\s*(?:°|degrees?|deg)?\s*(f|c|fahrenheit|celsius|centigrade)?(?![a-z\d])"
    r"|(\d{2,3}(?:\.\d+)?)\s*(?:°\s*|degrees?\s*|deg\s*)(f|c|fahrenheit|celsius|centigrade)?(?![a-z])"
)
_HEART_RATE = re.compile(
    r"(?:heart rate|hr|pulse(?: rate)?|pulse of|tachycardic to|tachycardia to|tachycardia of)"
    r"\s*(?:of|is|was|at|:|=)?\s*(\d{2,3})(?![\d/])|(?<![\d/])(\d{2,3})\s*(?:bpm|beats per minute|beats/min)"
)
_RESP_RATE = re.compile(
    r"(?:respiratory rate|resp(?:iratory)? rate|resp|rr|breathing rate)\s*(?:of|is|was|at|:|=)?\s*"
    r"(\d{1,2})(?![\d/])|(?<![\d/])(\d{1,2})\s*(?:breaths per minute|breaths/min|breaths a minute)"
)
_BP = re.compile(
    r"(?:blood pressure|bp)\s*(?:of|is|was|at|:|=)?\s*(\d{2,3})\s*/\s*(\d{2,3})"
    r"|(?<![\d/])(\d{2,3})\s*/\s*(\d{2,3})\s*(?:mm ?hg|mmhg)"
)
_SPO2 = re.compile(
    r"(?:spo2|sp02|sao2|o2 sat(?:uration)?s?|oxygen sat(?:uration)?s?(?: level)?|sats?|pulse ox"
    r"(?:imetry)?|saturating|saturation)\s*(?:of|is|was|at|:|=)?\s*(\d{2,3})\s*%?"
    r"|(?<![\d.])(\d{2,3})\s*%\s*(?:on room air|on ra|oxygen|o2|sat)"
)


def _number_value(raw: str) -> float:
    raw = raw.strip()
    return float(_NUMBER_WORDS[raw]) if raw in _NUMBER_WORDS else float(raw)


def _unit_days(unit: str) -> float:
    unit = unit.rstrip("s")
    unit = {"min": "minute", "hr": "hour", "wk": "week", "yr": "year"}.get(unit, unit)
    return _UNIT_DAYS[unit]


def read_age(text: str) -> float | None:
    """The age the text gives, in years ("a 12-year-old girl", "6-week-old", "aged 58")."""
    normal = _normalise(text)
    match = _AGE_OLD.search(normal)
    if match:
        return round(_number_value(match.group(1)) * _unit_days(match.group(2)) / 365, 3)
    match = _AGE_OTHER.search(normal)
    if match:
        value = next(g for g in match.groups() if g)
        age = float(value)
        return age if age <= 120 else None
    if re.search(r"(?<![a-z])(?:newborn|neonate)(?![a-z])", normal):
        return 0.05
    if re.search(r"(?<![a-z])(?:baby|infant)(?![a-z])", normal):
        return 0.5
    if re.search(r"(?<![a-z])toddler(?![a-z])", normal):
        return 2.0
    return None


def read_sex(text: str) -> str:
    normal = _normalise(text)
    female = len(_SEX_FEMALE.findall(normal))
    male = len(_SEX_MALE.findall(normal))
    if female > male:
        return "female"
    if male > female:
        return "male"
    return ""


# Sentences whose times are about something else (habits, treatments, earlier episodes).
_NOT_SYMPTOM_TIME = re.compile(
    r"smok|pack|cigarette|married|worked|drinks|alcohol|taking|prescribed|previous|prior|similar"
    r"|episodes|on (?:\w+ )?(?:for|since)|diagnosed"
)


def read_duration(text: str) -> float | None:
    """How long the symptoms have lasted, in days (the longest stated), or None."""
    normal = _normalise(text)
    found = []
    for sentence in re.split(r"[.;,]| and ", normal):
        if re.search(_NOT_SYMPTOM_TIME, sentence):
            continue
        for match in _DURATION.finditer(sentence):
            found.append(_number_value(match.group(1)) * _unit_days(match.group(2)))
        if re.search(r"(?<![a-z])(?:since )?yesterday(?![a-z])", sentence):
            found.append(1.0)
        if re.search(r"(?<![a-z])(?:this morning|today|tonight|last night)(?![a-z])", sentence):
            found.append(0.5)
    return max(found) if found else None


def read_vitals(text: str) -> dict[str, float]:
    """Vital signs stated in the text, temperature in °C."""
    normal = _normalise(text)
    vitals: dict[str, float] = {}
    for match in _TEMPERATURE.finditer(normal):
        value = float(match.group(1) or match.group(3))
        unit = (match.group(2) or match.group(4) or "")[:1]
        if unit == "f" or (not unit and value > 50):
            value = (value - 32) * 5 / 9
        if 30 <= value <= 45:
            vitals.setdefault("temperature", round(value, 1))
    for name, pattern in (("heart_rate", _HEART_RATE), ("resp_rate", _RESP_RATE)):
        for match in pattern.finditer(normal):
            value = float(next(g for g in match.groups() if g))
            if 4 <= value <= 300:
                vitals.setdefault(name, value)
                break
    for match in _BP.finditer(normal):
        systolic, diastolic = (float(g) for g in match.groups() if g)
        if 40 <= systolic <= 300 and 20 <= diastolic <= 200:
            vitals.setdefault("systolic", systolic)
            vitals.setdefault("diastolic", diastolic)
            break
    for match in _SPO2.finditer(normal):
        value = float(next(g for g in match.groups() if g))
        if 40 <= value <= 100:
            vitals.setdefault("spo2", value)
            break
    return vitals


def _read_severity(prepared: _Text) -> int | None:
    scores = [int(m.group(1)) for m in _SEVERITY_NUMBER.finditer(prepared.text)]
    scores = [s for s in scores if 0 <= s <= 10]
    for pattern, score in _SEVERITY_WORDS:
        if _present(pattern, prepared):
            scores.append(score)
    return max(scores) if scores else None


def _read_onset(prepared: _Text) -> str:
    if _present(_SUDDEN, prepared):
        return "sudden"
    if _present(_GRADUAL, prepared):
        return "gradual"
    return ""


def read_case(
    text: str,
    *,
    age: float | None = None,
    sex: str | None = None,
    pregnancy: str | None = None,
) -> Case:
    """The facts the text states; the text's own age and sex win over the caller's (the
    person typing may describe someone else: "my 6 week old baby")."""
    prepared = _prepare(text)
    stated_age = read_age(text)
    stated_sex = read_sex(text)
    pregnant = _present(_PREGNANT, prepared)
    return Case(
        age=stated_age if stated_age is not None else age,
        sex=stated_sex or (sex or ""),
        pregnancy="pregnant" if pregnant else (pregnancy or ""),
        severity=_read_severity(prepared),
        duration=read_duration(text),
        onset=_read_onset(prepared),
        vitals=read_vitals(text),
    )


def recognise(text: str, case: Case | None = None) -> list[Complaint]:
    """The complaints the text mentions (not negated, not past history)."""
    prepared = _prepare(text)
    case = case or read_case(text)
    return [
        c
        for c in rules().complaints.values()
        if c.applies_to(case.age, case.pregnancy) and _present(c.pattern, prepared)
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
    prepared = _prepare(text)
    complaints = recognise(text, case)
    candidates = [*base.general_flags]
    for complaint in complaints:
        candidates += complaint.red_flags
    flags = [
        f for f in candidates if _present(f.pattern, prepared) and f.when.hold(case, text=text)
    ]
    assessment = _decide(complaints, case, flags, base=base, text=text)
    return _with_understanding(assessment, understood, flags)


def _with_understanding(
    assessment: Assessment, understood: Understanding, flags: list
) -> Assessment:
    """The complaint rules' assessment, reconciled with the knowledge base's reading."""
    kb_level = understood.level
    level = assessment.disposition
    reasons = list(assessment.reasons)
    if kb_level is not None and _RANK[kb_level] > _RANK[level]:
        level = kb_level
    elif (
        understood.benign
        and kb_level is None
        and not any(_RANK[f.disposition] >= _RANK["urgent"] for f in flags)
        and level != "emergency"
    ):
        level = "self_care"
        reasons = [
            "Lumen recognised a common condition that can usually be managed at home, with "
            "no warning signs."
        ]
    kb_reasons = [r.reason for r in sorted(understood.fired, key=lambda r: -_RANK[r.level])]
    kb_reasons += [
        f"{f.name} needs {DISPOSITION_LABELS[f.level].split(':')[0].lower()} care."
        for f in understood.findings
        if f.level in ("emergency", "urgent") and f.level == level
    ]
    if level != assessment.disposition:
        reasons = [r for r in kb_reasons if r] + reasons
    else:
        reasons = reasons + [r for r in kb_reasons if r not in reasons]
    escalation = assessment.escalation
    if level == "emergency" and not escalation:
        escalation = EMERGENCY_MESSAGE.format(numbers=EMERGENCY_NUMBERS)
    poisoning = {"overdose", "tablet_count", "staggered_paracetamol"} & understood.present
    if poisoning and POISON_CONTROL not in escalation:
        escalation = "\n\n".join(p for p in (escalation, POISON_CONTROL) if p)
    if "suicidal" in understood.present and CRISIS_MESSAGE.split("{")[0] not in escalation:
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
