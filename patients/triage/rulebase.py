"""The complaint rule base (patients/triage/rules.yaml): complaints, their red flags and
modifiers, vital-sign thresholds and the early-warning score, validated and compiled once."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from lumen.safety import EMERGENCY_NUMBERS
from patients.triage.reading import present

if TYPE_CHECKING:
    from patients.triage.reading import Case

RULES_PATH = Path(__file__).resolve().parent / "rules.yaml"

# Lowest to highest.
DISPOSITIONS = ("self_care", "non_urgent", "urgent", "emergency")
RANK = {d: i for i, d in enumerate(DISPOSITIONS)}
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
            text is not None and present(self.requires, text, history=True)
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
    if value not in RANK:
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
