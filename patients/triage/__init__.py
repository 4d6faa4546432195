"""Symptom triage, beside the safety package it shares its red flags with.

- `rules.yaml` + `rulebase`: the complaint rule base, as data (complaints, their red flags
  and modifiers, vital-sign thresholds, an early-warning score);
- `reading`: facts read from text (negation and past history, age, sex, duration, vitals);
- `assessment`: the result and how it is decided;
- `guided`: the guided interview for one chief complaint (`assess`);
- `text`: one-shot text (`assess_text`), reconciled with lumen.safety's red-flag knowledge
  base (the one the question screen reads), the higher level winning;
- `evaluation`: scoring labelled cases (`manage.py triage_eval`).

Pure domain logic: no database, no requests. OTC options come back as drug names; filtering
them for the person the check is about is the caller's job.
"""

from patients.triage.assessment import Assessment
from patients.triage.guided import (
    DURATION_CHOICES,
    SUBJECTS,
    assess,
    complaint_choices,
    emergency_confirmed,
    followups,
    questions,
)
from patients.triage.reading import Case, read_age, read_case, read_duration, read_sex, read_vitals
from patients.triage.rulebase import (
    DISPOSITION_LABELS,
    DISPOSITIONS,
    RISK,
    RULES_PATH,
    Complaint,
    RuleBase,
    RuleFileError,
    UnknownComplaint,
    load_rules,
    parse_rules,
    rules,
)
from patients.triage.text import assess_text, recognise

__all__ = [
    "DISPOSITIONS",
    "DISPOSITION_LABELS",
    "DURATION_CHOICES",
    "RISK",
    "RULES_PATH",
    "SUBJECTS",
    "Assessment",
    "Case",
    "Complaint",
    "RuleBase",
    "RuleFileError",
    "UnknownComplaint",
    "assess",
    "assess_text",
    "complaint_choices",
    "emergency_confirmed",
    "followups",
    "load_rules",
    "parse_rules",
    "questions",
    "read_age",
    "read_case",
    "read_duration",
    "read_sex",
    "read_vitals",
    "recognise",
    "rules",
]
