"""Lumen's safety package: every question and every answer passes through it.

- `messages`: what Lumen says when it escalates, refuses or reminds;
- `lexicon`: the medicine vocabulary and the one normaliser every pattern is written against;
- `redflags.yaml` + `knowledge`: the one red-flag knowledge base, as data (findings with lay
  paraphrases and exemplars, rules over findings with modifiers, each with its source);
- `findings`: clinical findings read from free text (lexicon, negation and uncertainty,
  quantities, the subject and their age), with `semantic` matching each clause against the
  exemplars (all-MiniLM-L6-v2, loaded lazily once per process);
- `screen`: the question screen (`screen(question)`), run before retrieval;
- `review`: the answer review (`review(answer)`) and `strip_instructions(passage)`.

Triage (`patients.triage`) loads the same knowledge base, so both know the same emergencies.
"""

from lumen.safety.lexicon import CONTROLLED_DRUGS, OTC_DRUGS, PRESCRIPTION_DRUGS, normalise
from lumen.safety.messages import (
    ABSTAIN_TEXT,
    CRISIS_MESSAGE,
    CRISIS_REMINDER,
    DIAGNOSIS_MESSAGE,
    DISCLAIMER,
    DOSING_INFO_LINE,
    DOSING_MESSAGE,
    EMERGENCY_MESSAGE,
    EMERGENCY_NUMBERS,
    EMERGENCY_REMINDER,
    HARM_TO_OTHERS_LINE,
    OBTAIN_MESSAGE,
    POISON_CONTROL,
    WITHHELD_NOTICE,
)
from lumen.safety.review import Review, review, strip_instructions
from lumen.safety.screen import AUDIENCES, Screening, screen

__all__ = [
    "ABSTAIN_TEXT",
    "AUDIENCES",
    "CONTROLLED_DRUGS",
    "CRISIS_MESSAGE",
    "CRISIS_REMINDER",
    "DIAGNOSIS_MESSAGE",
    "DISCLAIMER",
    "DOSING_INFO_LINE",
    "DOSING_MESSAGE",
    "EMERGENCY_MESSAGE",
    "EMERGENCY_NUMBERS",
    "EMERGENCY_REMINDER",
    "HARM_TO_OTHERS_LINE",
    "OBTAIN_MESSAGE",
    "OTC_DRUGS",
    "POISON_CONTROL",
    "PRESCRIPTION_DRUGS",
    "WITHHELD_NOTICE",
    "Review",
    "Screening",
    "normalise",
    "review",
    "screen",
    "strip_instructions",
]
