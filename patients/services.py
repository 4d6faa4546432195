"""Writes for patient data."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from knowledge.answers import Answer, PatientContext, answer
from knowledge.drug_names import resolve
from knowledge.services import flagged_question_record
from lumen.accounts.models import User
from patients.models import Conversation, Medication, Message, Profile


def medication_add(*, profile: Profile, name: str) -> Medication:
    drugs, _ = resolve([name])
    return Medication.objects.create(profile=profile, name=name, drug=drugs[0] if drugs else None)


def patient_context(profile: Profile) -> PatientContext:
    return PatientContext(
        medications=tuple(m.name for m in profile.medications.all()),
        allergies=tuple(a.substance for a in profile.allergies.all()),
        conditions=tuple(c.name for c in profile.conditions.all()),
        pregnancy=profile.pregnancy,
        age=_age(profile.date_of_birth),
        sex=profile.sex,
    )


def _age(dob: date | None) -> int | None:
    if dob is None:
        return None
    today = timezone.localdate()
    return today.year - dob.year - ((today.month, today.day) < (dob.month, dob.day))


def question_ask(*, user: User, profile: Profile, question: str) -> tuple[Message, Message]:
    """Answer a patient's question and keep both sides in their conversation; high-risk
    questions also go to the staff review queue."""
    result: Answer = answer(question, audience="patient", context=patient_context(profile))
    with transaction.atomic():
        conversation = Conversation.objects.filter(user=user).first() or (
            Conversation.objects.create(user=user)
        )
        asked = Message.objects.create(
            conversation=conversation, role=Message.Role.USER, text=result.question
        )
        reply = Message.objects.create(
            conversation=conversation,
            role=Message.Role.ASSISTANT,
            text=result.text,
            message=result.message,
            personal_notes="\n\n".join(result.personal_notes),
            citations=[
                {"n": i, "title": c.title, "section": c.section, "source": c.source, "url": c.url}
                for i, c in enumerate(result.citations, start=1)
            ],
            flags=result.flags,
            backend=result.backend,
            notice=result.notice,
            escalated=result.escalated,
            abstained=result.abstained,
        )
        conversation.save(update_fields=["updated_at"])
        flagged_question_record(answer=result, audience="patient", user=user)
    return asked, reply


def message_feedback(*, message: Message, value: int) -> Message:
    message.feedback = value
    message.save(update_fields=["feedback"])
    return message
