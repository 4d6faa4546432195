"""Writes for patient data."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from knowledge.answers import Answer, PatientContext, answer, answer_stream
from knowledge.content_gaps import record_unknown_names
from knowledge.drug_names import match
from knowledge.drug_warnings import condition_keys
from knowledge.services import flagged_question_record
from lumen.accounts.models import User
from patients.models import Allergy, Condition, Conversation, Medication, Message, Profile
from patients.selectors import medications_with_drugs


@dataclass(frozen=True)
class StreamEvent:
    """A streamed answer's step for the page: "token", "fallback", then "answer" with the
    stored `reply`."""

    kind: str
    text: str = ""
    answer: Answer | None = None
    reply: Message | None = None


def profile_item_save(row: Medication | Condition | Allergy) -> Medication | Condition | Allergy:
    """Save a medicine, condition or allergy the patient entered, with what Lumen recognised
    in it: the drug a medicine name means (brand, synonym, RxCUI, or a close misspelling),
    the conditions that drug warnings know. Unrecognised text is kept as written."""
    if isinstance(row, Medication):
        row.name = " ".join(row.name.split())
        row.drug = match(row.name, fuzzy=True)
    elif isinstance(row, Condition):
        row.name = " ".join(row.name.split())
        row.key = ",".join(sorted(condition_keys(row.name)))
    else:
        row.substance = " ".join(row.substance.split())
    row.full_clean()
    _refuse_a_second_entry(row)
    row.save()
    if isinstance(row, Medication) and row.drug is None:
        record_unknown_names([row.name])  # a content gap, counted without the patient
    return row


def _refuse_a_second_entry(row: Medication | Condition | Allergy) -> None:
    """The same medicine twice (a brand and a misspelling both resolving to metformin) would
    double every reminder and warning: refuse it, saying which entry it repeats. Conditions
    and allergies are compared as written. The lists are encrypted, so this reads them."""
    others = [r for r in type(row).objects.filter(profile=row.profile) if r.pk != row.pk]
    if isinstance(row, Medication):
        field, name = "name", row.name
        same = [
            o for o in medications_with_drugs(others)
            if o.name.casefold() == name.casefold() or (row.drug_ref and o.drug_ref == row.drug_ref)
        ]  # fmt: skip
    else:
        field = "substance" if isinstance(row, Allergy) else "name"
        name = getattr(row, field)
        same = [o for o in others if getattr(o, field).casefold() == name.casefold()]
    if not same:
        return
    listed = getattr(same[0], field)
    drug = row.drug.name if isinstance(row, Medication) and row.drug is not None else ""
    if listed.casefold() == name.casefold():
        message = f"{listed} is already on your list."
    elif drug.casefold() in (name.casefold(), ""):
        message = f"{name} is already on your list as {listed}."
    elif drug.casefold() == listed.casefold():
        message = f"{name} is {drug}, which is already on your list."
    else:
        message = f"{name} is {drug}, which is already on your list as {listed}."
    raise ValidationError({field: message})


def patient_context(profile: Profile) -> PatientContext:
    return PatientContext(
        medications=tuple(m.name for m in profile.medications.all()),
        allergies=tuple(a.substance for a in profile.allergies.all()),
        conditions=tuple(c.name for c in profile.conditions.all()),
        pregnancy=profile.pregnancy,
        age=age_on_today(profile.date_of_birth),
        sex=profile.sex,
    )


def age_on_today(dob: date | None) -> int | None:
    if dob is None:
        return None
    today = timezone.localdate()
    return today.year - dob.year - ((today.month, today.day) < (dob.month, dob.day))


def question_ask(*, user: User, profile: Profile, question: str) -> tuple[Message, Message]:
    """Answer a patient's question at once (the page without JavaScript) and keep both sides
    in their conversation."""
    asked = question_record(user=user, question=question)
    result = answer(asked.text, audience="patient", context=patient_context(profile))
    return asked, reply_record(asked=asked, result=result, user=user)


def question_record(*, user: User, question: str) -> Message:
    """Keep the patient's question; the answer follows (streamed, or at once)."""
    with transaction.atomic():
        conversation = Conversation.objects.filter(user=user).first() or (
            Conversation.objects.create(user=user)
        )
        asked = Message.objects.create(
            conversation=conversation, role=Message.Role.USER, text=" ".join(question.split())
        )
        conversation.save(update_fields=["updated_at"])
    return asked


def question_stream(*, asked: Message, profile: Profile) -> Iterator[StreamEvent]:
    """Answer a recorded question as a stream; the last event carries the stored reply."""
    for event in answer_stream(asked.text, audience="patient", context=patient_context(profile)):
        if event.kind == "answer":
            reply = reply_record(asked=asked, result=event.answer, user=asked.conversation.user)
            yield StreamEvent("answer", answer=event.answer, reply=reply)
        else:
            yield StreamEvent(event.kind, event.text)


def reply_record(*, asked: Message, result: Answer, user: User) -> Message:
    """Store the answer to `asked`, once: if a second stream for the same question finished
    first, its answer stands and this one is dropped. High-risk questions also go to the
    staff review queue."""
    try:
        with transaction.atomic():
            reply = Message.objects.create(
                conversation=asked.conversation,
                in_reply_to=asked,
                role=Message.Role.ASSISTANT,
                text=result.text,
                message=result.message,
                personal_notes="\n\n".join(result.personal_notes),
                citations=[
                    {
                        "n": i,
                        "title": c.title,
                        "section": c.section,
                        "source": c.source,
                        "url": c.url,
                    }
                    for i, c in enumerate(result.citations, start=1)
                ],
                flags=result.flags,
                backend=result.backend,
                notice=result.notice,
                escalated=result.escalated,
                abstained=result.abstained,
            )
            flagged_question_record(answer=result, audience="patient", user=user, reply=reply)
    except IntegrityError:
        return Message.objects.get(in_reply_to=asked)
    return reply


def message_feedback(*, message: Message, value: int) -> Message:
    message.feedback = value
    message.save(update_fields=["feedback"])
    return message
