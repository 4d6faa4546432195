from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import prefetch_related_objects

from knowledge.drug_names import resolve
from knowledge.drug_warnings import condition_labels
from knowledge.models import Drug
from lumen.accounts.models import User
from patients.models import Condition, Medication, Profile


def profile_for(user: User) -> Profile:
    """The patient's own profile, created empty on first visit."""
    profile, _ = Profile.objects.get_or_create(user=user)
    return profile


def profile_with_lists(user: User) -> Profile:
    """The patient's profile with its medicines, conditions and allergies read once each:
    `patient_context` and `medicines_taken` then read them without a query."""
    profile = profile_for(user)
    prefetch_related_objects([profile], "medications", "conditions", "allergies")
    return profile


def medicines_taken(profile: Profile) -> list[Drug]:
    """The drugs the patient takes: each medicine's stored match (made when it was saved),
    and a fresh match for a medicine saved unmatched, which a newer drug vocabulary may know.
    Matching every name again instead cost two queries a medicine on each drug page."""
    rows = medications_with_drugs(profile.medications.all())
    unmatched = [m.name for m in rows if m.drug is None]
    found, _ = resolve(unmatched, fuzzy=True)
    return [m.drug for m in rows if m.drug is not None] + found


EXCHANGES_PER_PAGE = 5  # a long conversation opened at its top buried the question box


@dataclass(frozen=True)
class ConversationPage:
    """Some of the patient's exchanges, oldest first: page 1 is the latest."""

    messages: list
    number: int
    earlier: int | None  # the page of the exchanges before these, if any
    later: int | None  # the page of the exchanges after these (None on the latest)
    earlier_count: int  # how many questions come before this page


def conversation_page(user: User, page: object = 1) -> ConversationPage:
    """One page of the patient's running conversation: `EXCHANGES_PER_PAGE` questions with
    their answers. A page number out of range or not a number gives the nearest page."""
    from patients.models import Message

    questions = (
        Message.objects.filter(conversation__user=user, role=Message.Role.USER)
        .select_related("reply")
        .order_by("-created_at", "-id")
    )
    current = Paginator(questions, EXCHANGES_PER_PAGE).get_page(page)
    messages = []
    for question in reversed(current.object_list):
        messages.append(question)
        reply = getattr(question, "reply", None)
        if reply is not None:
            messages.append(reply)
    return ConversationPage(
        messages=messages,
        number=current.number,
        earlier=current.next_page_number() if current.has_next() else None,
        later=current.previous_page_number() if current.has_previous() else None,
        earlier_count=max(current.paginator.count - current.end_index(), 0),
    )


def medications_with_drugs(medications: Iterable[Medication]) -> list[Medication]:
    """The medicines with their matched drugs read in one query. The match is encrypted
    (`Medication.drug_ref`), so SQL cannot join it: the ids are decrypted here and the
    drugs fetched by primary key."""
    rows = list(medications)
    drugs = Drug.objects.in_bulk({m.drug_ref for m in rows if m.drug_ref})
    for medication in rows:
        # Sets the cache `Medication.drug` reads, leaving drug_ref as stored (a drug since
        # deleted reads as no match without rewriting the row).
        medication._drug_cache = (medication.drug_ref, drugs.get(medication.drug_ref))
    return rows


def conditions_with_warnings(conditions: Iterable[Condition]) -> list[Condition]:
    """The conditions, each with `warned_as`: what Lumen's medicine warnings know it as
    ("high blood pressure"), read against today's rules rather than the key stored when it
    was saved, so a condition the rules have since learnt is shown as covered."""
    rows = list(conditions)
    for condition in rows:
        condition.warned_as = condition_labels(condition.name)
    return rows
