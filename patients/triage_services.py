"""Symptom checker writes and reads: OTC options filtered against the patient's profile,
saving an assessment to their (encrypted) history, and reading it back owner-only."""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.db.models import QuerySet

from knowledge.context import PatientContext
from knowledge.drug_names import resolve
from knowledge.drug_warnings import warnings_for
from knowledge.models import Drug
from lumen.accounts.models import User
from patients.models import Profile, TriageAssessment
from patients.services import patient_context
from patients.triage import Assessment, assess, assess_text


@dataclass(frozen=True)
class OtcWarning:
    kind: str  # allergy | interaction | condition | pregnancy | age
    severity: str  # major | moderate | minor
    text: str


@dataclass(frozen=True)
class OtcOption:
    name: str
    warnings: tuple[OtcWarning, ...] = ()


def _otc_warnings(drugs: list[Drug], context: PatientContext) -> dict[int, list[OtcWarning]]:
    """Warnings per drug id for this patient, from `knowledge.drug_warnings.warnings_for`."""
    return {
        drug_id: [OtcWarning(w.kind, str(w.severity), w.text) for w in items]
        for drug_id, items in warnings_for(drugs, context).items()
    }


def subject_context(result: Assessment, holder: PatientContext) -> PatientContext:
    """Whose profile OTC options are checked against: the account holder's when the check is
    about them, else only what the text says about the person described (a child's age,
    a pregnancy), never the holder's medicines, allergies or age."""
    if result.findings.get("subject", "self") == "self":
        return holder
    age = result.findings.get("age")
    return PatientContext(
        age=int(age) if age is not None else None,
        pregnancy=result.findings.get("pregnancy", ""),
    )


def otc_options(*, names: tuple[str, ...], context: PatientContext) -> list[OtcOption]:
    """The OTC options a result suggests, minus any with an allergy or a major warning for
    this patient; the rest keep their warnings to show."""
    drugs, _ = resolve(list(names))
    warnings = _otc_warnings(drugs, context)
    options = []
    for drug in drugs:
        found = warnings.get(drug.id, [])
        if any(w.kind == "allergy" or w.severity == "major" for w in found):
            continue
        options.append(OtcOption(drug.name, tuple(found)))
    return options


def assessment_record(
    *,
    profile: Profile,
    source: str,
    result: Assessment,
    otc: list[OtcOption],
    complaint: str = "",
    answers: dict | None = None,
    text: str = "",
) -> TriageAssessment:
    """Keep one result in the patient's history (all of it in the encrypted JSON field)."""
    data = {
        "source": source,  # "guided" or "text"
        "complaint": complaint,
        "answers": answers or {},
        "text": text,
        "result": result.as_dict(),
        "label": result.label,
        "disclaimer": result.disclaimer,
        "otc": [{"name": o.name, "warnings": [w.__dict__ for w in o.warnings]} for o in otc],
    }
    assessment = TriageAssessment(profile=profile, data=json.dumps(data))
    assessment.full_clean()
    assessment.save()
    return assessment


def assessment_data(assessment: TriageAssessment) -> dict:
    return json.loads(assessment.data)


def assessments_for(user: User) -> QuerySet[TriageAssessment]:
    """The patient's own assessments, newest first."""
    return TriageAssessment.objects.filter(profile__user=user)


def triage_guided(
    *, profile: Profile, complaint: str, answers: dict, age: float | None = None
) -> TriageAssessment:
    """Assess a guided-interview answer set and save it. For the account holder, their
    profile's age, sex and pregnancy; for someone else, the age the form gave (`age`) and
    nothing of the holder's, for the result and for the OTC checks alike."""
    context = patient_context(profile)
    if (answers.get("subject") or "self") == "self":
        result = assess(
            complaint,
            answers,
            age=age if age is not None else context.age,
            sex=context.sex,
            pregnancy=context.pregnancy,
        )
    else:
        result = assess(complaint, answers, age=age)
    otc = otc_options(names=result.otc, context=subject_context(result, context))
    return assessment_record(
        profile=profile,
        source="guided",
        result=result,
        otc=otc,
        complaint=complaint,
        answers=answers,
    )


def triage_text(*, profile: Profile, text: str) -> TriageAssessment:
    """Assess a plain-language description (its own age or sex win over the profile's)."""
    context = patient_context(profile)
    result = assess_text(text, age=context.age, sex=context.sex, pregnancy=context.pregnancy)
    otc = otc_options(names=result.otc, context=subject_context(result, context))
    return assessment_record(profile=profile, source="text", result=result, otc=otc, text=text)
