"""Every patient URL, walked: another patient gets 404 for each of Alice's objects and
changes nothing; anonymous visitors are sent to log in; pharma and staff accounts are
refused. A new URL with an object in it fails here until it is added to OWNED, so no page
escapes the walk."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import URLPattern, reverse
from django.utils import timezone

from patients import services
from patients.models import (
    Allergy,
    Condition,
    Dose,
    DoseSchedule,
    Medication,
    Message,
    Profile,
    SymptomEntry,
    TriageAssessment,
)
from patients.urls import urlpatterns

MARK = "ALICE-ONLY-7f3"  # in every text field of Alice's rows; must never reach Bob

# URL name -> the kind of Alice's object whose uid goes in the URL.
OWNED = {
    "medications_edit": "medication",
    "medications_remove": "medication",
    "conditions_edit": "condition",
    "conditions_remove": "condition",
    "allergies_edit": "allergy",
    "allergies_remove": "allergy",
    "answer_stream": "question",
    "feedback": "answer",
    "diary_entry_edit": "entry",
    "diary_entry_delete": "entry",
    "schedule_add": "medication",
    "schedule_remove": "schedule",
    "dose_record": "dose",
    "dose_detail": "dose",
    "dose_undo": "dose",
    "dose_snooze": "dose",
    "medication_supply": "medication",
    "triage_result": "assessment",
}
# Public reference pages with a key in the URL (no patient data in them).
PUBLIC = {"drug_detail": {"key": "ibuprofen"}}
# Anything a form might want, so that a refusal is not just a validation error.
FORM = {
    "name": "changed",
    "substance": "changed",
    "reaction": "changed",
    "symptom": "changed",
    "severity": "3",
    "notes": "changed",
    "recorded_at": "2026-01-01T08:00",
    "time_of_day": "08:00",
    "status": "taken",
    "value": "up",
    "question": "changed question",
}


def _patterns() -> list[URLPattern]:
    return [p for p in urlpatterns if isinstance(p, URLPattern)]


@pytest.fixture
def alice_records(alice_patient, small_corpus) -> dict:
    profile = Profile.objects.create(user=alice_patient, sex="female")
    medication = Medication.objects.create(profile=profile, name=f"Lasix {MARK}")
    schedule = DoseSchedule.objects.create(medication=medication, time_of_day=dt.time(8), dose=MARK)
    asked = services.question_record(user=alice_patient, question=f"Is {MARK} safe?")
    answer = Message.objects.create(
        conversation=asked.conversation, in_reply_to=asked, role="assistant", text=MARK
    )
    return {
        "profile": profile,
        "medication": medication,
        "condition": Condition.objects.create(profile=profile, name=MARK),
        "allergy": Allergy.objects.create(profile=profile, substance=MARK, reaction=MARK),
        "question": asked,
        "answer": answer,
        "entry": SymptomEntry.objects.create(
            profile=profile, symptom=MARK, severity=4, notes=MARK, recorded_at=timezone.now()
        ),
        "schedule": schedule,
        "dose": Dose.objects.create(schedule=schedule, due_at=timezone.now()),
        "assessment": TriageAssessment.objects.create(
            profile=profile, data=json.dumps({"complaint": MARK, "disposition": "self_care"})
        ),
    }


def _snapshot(profile: Profile) -> list:
    """Every field of every row Alice owns, to prove a refused request changed nothing."""
    rows = []
    for model, lookup in (
        (Profile, "pk"),
        (Medication, "profile"),
        (Condition, "profile"),
        (Allergy, "profile"),
        (SymptomEntry, "profile"),
        (TriageAssessment, "profile"),
        (DoseSchedule, "medication__profile"),
        (Dose, "schedule__medication__profile"),
        (Message, "conversation__user"),
    ):
        value = profile.user if lookup == "conversation__user" else profile
        value = profile.pk if lookup == "pk" else value
        for obj in model.objects.filter(**{lookup: value}).order_by("pk"):
            rows.append(
                (model.__name__, [getattr(obj, f.attname) for f in obj._meta.concrete_fields])
            )
    return rows


def _url(pattern: URLPattern, records: dict) -> str:
    if "uid" in pattern.pattern.converters:
        assert pattern.name in OWNED, (
            f"patients:{pattern.name} takes an object: add it to OWNED in this test"
        )
        return reverse(f"patients:{pattern.name}", kwargs={"uid": records[OWNED[pattern.name]].uid})
    if pattern.pattern.converters:
        assert pattern.name in PUBLIC, f"patients:{pattern.name}: add its key to PUBLIC"
        return reverse(f"patients:{pattern.name}", kwargs=PUBLIC[pattern.name])
    return reverse(f"patients:{pattern.name}")


def _body(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


def test_another_patient_gets_404_for_every_one_of_alices_objects_and_changes_nothing(
    client, alice_records, bob_patient, login
):
    login(bob_patient)
    before = _snapshot(alice_records["profile"])
    walked = 0
    for pattern in _patterns():
        if "uid" not in pattern.pattern.converters:
            continue
        url = _url(pattern, alice_records)
        for method in ("get", "post"):
            response = getattr(client, method)(url, FORM)
            assert response.status_code in (404, 405), (method, url, response.status_code)
            assert MARK not in _body(response), (method, url)
        walked += 1
    assert walked >= len({n for n in OWNED if n in {p.name for p in _patterns()}})
    assert _snapshot(alice_records["profile"]) == before


def test_another_patients_own_pages_never_show_alices_data(
    client, alice_records, bob_patient, login
):
    login(bob_patient)
    for pattern in _patterns():
        if "uid" in pattern.pattern.converters:
            continue
        url = _url(pattern, alice_records)
        response = client.get(url)
        assert response.status_code in (200, 302, 405, 422), (url, response.status_code)
        assert MARK not in _body(response), url


@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_visitors_are_sent_to_log_in_everywhere(client, alice_records, method):
    before = _snapshot(alice_records["profile"])
    for pattern in _patterns():
        url = _url(pattern, alice_records)
        response = getattr(client, method)(url, FORM)
        assert response.status_code in (302, 405), (url, response.status_code)
        if response.status_code == 302:
            assert response["Location"].startswith("/accounts/login/"), url
    assert _snapshot(alice_records["profile"]) == before


def test_pharma_and_staff_accounts_are_refused_the_patient_area(
    client, alice_records, acme_qa, staff_user, login
):
    for person in (acme_qa, staff_user):
        login(person)
        for pattern in _patterns():
            url = _url(pattern, alice_records)
            response = client.get(url)
            assert response.status_code in (403, 405), (person, url, response.status_code)
            assert MARK not in _body(response)
