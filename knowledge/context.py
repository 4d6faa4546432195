"""What a patient's profile says that can change advice: the one shape every check takes
(answers, interaction and allergy warnings, triage's OTC options)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PatientContext:
    medications: tuple[str, ...] = ()  # as the patient wrote them; resolved when checked
    allergies: tuple[str, ...] = ()  # drug or class names ("penicillin", "NSAIDs")
    conditions: tuple[str, ...] = ()  # as written ("chronic kidney disease", "asthma")
    pregnancy: str = ""  # "", "no", "pregnant", "breastfeeding", "unsure"
    age: int | None = None
    sex: str = ""
