"""Every patient form-handling URL, fed generated hostile input (NUL bytes, oversized,
right-to-left and zero-width text, emoji, HTML, SQL-looking text, wrong types, missing and
repeated fields): never a server error, and a refused submission stores nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import URLPattern, reverse
from django.utils import timezone
from hypothesis import given

from patients import services
from patients.models import (
    Allergy,
    Condition,
    Conversation,
    Dose,
    DoseSchedule,
    Medication,
    Message,
    Profile,
    SymptomEntry,
    TriageAssessment,
)
from patients.urls import urlpatterns
from tests.security.hostile import FUZZ, assert_handled, form_data, snapshot

DIARY = ["symptom", "severity", "recorded_at", "notes"]
# URL name -> (method, the record whose uid is in the URL or None, the fields it reads).
FORMS = {
    "profile": ("post", None, ["date_of_birth", "sex", "pregnancy"]),
    "medications_add": ("post", None, ["name"]),
    "medications_edit": ("post", "medication", ["name"]),
    "conditions_add": ("post", None, ["name"]),
    "conditions_edit": ("post", "condition", ["name"]),
    "allergies_add": ("post", None, ["substance", "reaction"]),
    "allergies_edit": ("post", "allergy", ["substance", "reaction"]),
    "ask": ("post", None, ["question"]),
    "feedback": ("post", "answer", ["value"]),
    "triage_questions": ("get", None, ["complaint"]),
    "triage_assess": ("post", None, ["complaint", "onset", "duration_days", "severity", "flags"]),
    "triage_describe": ("post", None, ["text"]),
    "interactions": ("post", None, ["drug", "include_mine", "more"]),
    "drug_suggest": ("get", None, ["drug", "q", "row"]),
    "interaction_row": ("get", None, ["name", "row"]),
    "drugs": ("get", None, ["q", "go"]),
    "diary": ("post", None, DIARY),
    "diary_entry_edit": ("post", "entry", DIARY),
    "schedule_add": (
        "post",
        "medication",
        ["time_of_day", "weekdays", "dose", "remind", "repeat_minutes", "units_per_dose"],
    ),
    "medication_supply": ("post", "medication", ["pack_count", "refill_warn_days", "instructions"]),
    "time_zone": ("post", None, ["time_zone", "source"]),
    "dose_record": ("post", "dose", ["status", "next"]),
    "dose_undo": ("post", "dose", ["next"]),
    "dose_snooze": ("post", "dose", ["minutes"]),
    # JSON bodies: anything form-encoded is "not JSON" (tests/patients/test_push_reminders.py
    # sends broken JSON and subscriptions).
    "push_subscribe": ("post", None, ["endpoint", "keys"]),
    "push_unsubscribe": ("post", None, ["endpoint"]),
    "dose_record_extra": ("post", None, ["medication"]),
    "my_data": ("post", None, ["password", "confirm"]),
}
# Pages that read no input beyond the URL (their access is walked in test_access_walk).
NO_INPUT = {
    "home",
    "medications_remove",
    "conditions_remove",
    "allergies_remove",
    "export_json",
    "export_pdf",
    "answer_stream",
    "diary_entry_delete",
    "schedules",
    "schedule_remove",
    "doses",
    "dose_detail",
    "service_worker",
    "drug_detail",
    "triage",
    "triage_history",
    "triage_result",
}
# Valid values mixed in, so that generated data also reaches the later validation steps.
GOOD = {
    "date_of_birth": ["1980-02-29", "2999-01-01"],
    "sex": ["female", "male"],
    "pregnancy": ["pregnant", "no"],
    "value": ["up", "down"],
    "complaint": ["headache", "chest_pain", "abdominal_pain"],
    "onset": ["sudden", "gradual"],
    "severity": ["0", "7", "10", "11"],
    "recorded_at": ["2024-01-01T08:00"],
    "time_of_day": ["08:00", "23:59"],
    "weekdays": ["1", "7", "8"],
    "time_zone": ["Europe/London", "America/New_York"],
    "status": ["taken", "skipped"],
    "minutes": ["10", "30", "60"],
    "source": ["browser"],
    "next": ["detail"],
    "repeat_minutes": ["0", "15"],
    "units_per_dose": ["1", "2"],
    "pack_count": ["30", "0"],
    "refill_warn_days": ["7"],
    "drug": ["warfarin", "ibuprofen", "ibuprofin"],
    "confirm": ["delete"],
}


@pytest.fixture
def alice(alice_patient, client, login) -> dict:
    login(alice_patient)
    profile = Profile.objects.create(user=alice_patient)
    medication = Medication.objects.create(profile=profile, name="warfarin")
    schedule = DoseSchedule.objects.create(medication=medication, time_of_day=dt.time(8))
    asked = services.question_record(user=alice_patient, question="Is ibuprofen safe?")
    return {
        "user": alice_patient,
        "profile": profile,
        "medication": medication,
        "condition": Condition.objects.create(profile=profile, name="asthma"),
        "allergy": Allergy.objects.create(profile=profile, substance="penicillin"),
        "answer": Message.objects.create(
            conversation=asked.conversation, in_reply_to=asked, role="assistant", text="An answer."
        ),
        "entry": SymptomEntry.objects.create(
            profile=profile, symptom="headache", severity=3, recorded_at=timezone.now()
        ),
        "dose": Dose.objects.create(schedule=schedule, due_at=timezone.now()),
    }


def _rows(alice: dict) -> list:
    profile, user = alice["profile"], alice["user"]
    return snapshot(
        [
            type(user).objects.filter(pk=user.pk),
            Profile.objects.filter(pk=profile.pk),
            Medication.objects.filter(profile=profile),
            Condition.objects.filter(profile=profile),
            Allergy.objects.filter(profile=profile),
            SymptomEntry.objects.filter(profile=profile),
            DoseSchedule.objects.filter(medication__profile=profile),
            Dose.objects.filter(schedule__medication__profile=profile),
            TriageAssessment.objects.filter(profile=profile),
            Conversation.objects.filter(user=user),
            Message.objects.filter(conversation__user=user),
        ]
    )


def test_every_patient_url_is_fuzzed_or_reads_no_input():
    names = {p.name for p in urlpatterns if isinstance(p, URLPattern)}
    assert names == set(FORMS) | NO_INPUT


@pytest.mark.parametrize("name", sorted(FORMS))
def test_hostile_input_never_breaks_a_patient_form(name, client, alice, drug_database):
    method, record, fields = FORMS[name]
    url = reverse(f"patients:{name}", kwargs={"uid": alice[record].uid} if record else None)

    @FUZZ
    @given(data=form_data(fields, GOOD), htmx=...)
    def submit(data: dict, htmx: bool) -> None:
        before = _rows(alice)
        headers = {"HX-Request": "true"} if htmx else {}
        response = getattr(client, method)(url, data, headers=headers)
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)
        assert_handled(response, before, _rows(alice), f"{method} {name} {data!r:.300}")

    submit()


@pytest.mark.parametrize("name", sorted(FORMS))
def test_a_nul_byte_in_any_field_is_refused_not_a_database_error(name, client, alice):
    """PostgreSQL text cannot hold U+0000: a NUL reaching a query is a 500. Each field in
    turn gets one, the others a valid value."""
    method, record, fields = FORMS[name]
    url = reverse(f"patients:{name}", kwargs={"uid": alice[record].uid} if record else None)
    valid = {field: GOOD.get(field, ["ok"])[0] for field in fields}
    for field in fields:
        before = _rows(alice)
        response = getattr(client, method)(url, {**valid, field: "ok\x00ok"})
        assert_handled(response, before, _rows(alice), f"{name}.{field}")
