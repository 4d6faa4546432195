"""Data rights: a patient downloads everything Lumen holds (JSON and PDF) and can erase the
account with all health data; the audit trail keeps who and when, never the PHI."""

from __future__ import annotations

import datetime as dt
import html
import io
import json
import re

from auditlog.models import LogEntry
from django.db import connection
from django.utils import timezone
from pypdf import PdfReader

from knowledge.models import FlaggedQuestion
from lumen.accounts.models import User
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
from tests.conftest import PASSWORD


def _a_full_record(user: User) -> Profile:
    profile = Profile.objects.create(
        user=user, date_of_birth=dt.date(1961, 5, 2), sex="female", pregnancy="no"
    )
    Condition.objects.create(profile=profile, name="Chronic kidney disease", key="kidney")
    Allergy.objects.create(profile=profile, substance="Penicillin", reaction="hives")
    med = Medication.objects.create(profile=profile, name="Coumadin 5mg")
    schedule = DoseSchedule.objects.create(
        medication=med, time_of_day=dt.time(8, 0), dose="one tablet"
    )
    Dose.objects.create(schedule=schedule, due_at=timezone.now(), status=Dose.Status.TAKEN)
    SymptomEntry.objects.create(
        profile=profile, symptom="Headache", severity=6, notes="after work",
        recorded_at=timezone.now(),
    )  # fmt: skip
    TriageAssessment.objects.create(
        profile=profile, data=json.dumps({"complaint": "headache", "disposition": "self_care"})
    )
    asked = services.question_record(user=user, question="Can I take aspirin with Coumadin?")
    Message.objects.create(
        conversation=asked.conversation, in_reply_to=asked, role="assistant", text="Ask first."
    )
    return profile


def test_the_json_export_holds_every_kind_of_health_data(client, alice_patient, login):
    _a_full_record(alice_patient)
    login(alice_patient)
    response = client.get("/patients/my-data/export.json")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="lumen-data-')
    assert "no-store" in response["Cache-Control"]
    data = json.loads(response.content)
    assert data["account"]["email"] == alice_patient.email
    assert data["profile"]["date_of_birth"] == "1961-05-02"
    assert data["conditions"][0]["name"] == "Chronic kidney disease"
    assert data["allergies"][0] == {**data["allergies"][0], "substance": "Penicillin"}
    med = data["medications"][0]
    assert med["name"] == "Coumadin 5mg" and med["schedules"][0]["time_of_day"] == "08:00:00"
    assert med["doses"][0]["status"] == "taken"
    assert data["symptom_diary"][0]["severity"] == 6
    assert data["symptom_checks"][0]["data"]["disposition"] == "self_care"
    assert [m["role"] for m in data["conversation"]] == ["user", "assistant"]
    assert data["conversation"][1]["in_reply_to"] == data["conversation"][0]["uid"]


def test_an_export_is_recorded_in_the_audit_trail_without_its_contents(
    client, alice_patient, login
):
    _a_full_record(alice_patient)
    login(alice_patient)
    client.get("/patients/my-data/export.json")
    entry = LogEntry.objects.get(action=LogEntry.Action.ACCESS)
    assert entry.actor == alice_patient and entry.additional_data["format"] == "json"
    assert "Penicillin" not in str(entry.changes) + str(entry.additional_data)


def test_the_pdf_export_is_readable(client, alice_patient, login):
    _a_full_record(alice_patient)
    login(alice_patient)
    response = client.get("/patients/my-data/export.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    for expected in ("Health summary", "Chronic kidney disease", "Penicillin", "Headache"):
        assert expected in text
    assert f"page 1 of {len(reader.pages)}" in text  # the visit summary: test_visit_summary.py


def test_an_export_holds_only_the_patients_own_data(client, alice_patient, bob_patient, login):
    _a_full_record(alice_patient)
    login(bob_patient)
    data = json.loads(client.get("/patients/my-data/export.json").content)
    assert data["account"]["email"] == bob_patient.email
    assert "Penicillin" not in json.dumps(data) and "Coumadin" not in json.dumps(data)


def test_deleting_the_account_erases_all_health_data_and_keeps_who_and_when(
    client, alice_patient, bob_patient, login
):
    _a_full_record(alice_patient)
    _a_full_record(bob_patient)
    FlaggedQuestion.objects.create(user=alice_patient, audience="patient", question="chest pain")
    login(alice_patient)
    response = client.post(
        "/patients/my-data/", {"password": PASSWORD, "confirm": "delete"}, follow=True
    )
    assert "have been deleted" in response.content.decode()
    assert not User.objects.filter(email="alice@example.com").exists()
    for model in (Profile, Condition, Allergy, Medication, SymptomEntry, TriageAssessment):
        assert model.objects.count() == 1, model  # only Bob's
    assert Message.objects.filter(conversation__user=bob_patient).count() == 2
    assert Message.objects.count() == 2 and FlaggedQuestion.objects.count() == 0
    deleted = LogEntry.objects.filter(action=LogEntry.Action.DELETE)
    assert deleted.filter(actor_email="alice@example.com").exists()  # who (and timestamp)
    with connection.cursor() as cursor:
        cursor.execute("SELECT changes::text, object_repr FROM auditlog_logentry")
        trail = " ".join(" ".join(map(str, row)) for row in cursor.fetchall())
    for phi in ("Penicillin", "kidney", "Coumadin", "Headache", "1961"):
        assert phi not in trail
    # Signed out: the patient area now asks to log in.
    assert client.get("/patients/").status_code == 302


def test_a_wrong_password_or_missing_confirmation_deletes_nothing(client, alice_patient, login):
    _a_full_record(alice_patient)
    login(alice_patient)
    for form in ({"password": "wrong", "confirm": "delete"}, {"password": PASSWORD, "confirm": ""}):
        response = client.post("/patients/my-data/", form)
        assert response.status_code == 200 and "errorlist" in response.content.decode()
    assert User.objects.filter(pk=alice_patient.pk).exists()
    assert Condition.objects.count() == 1


def test_data_pages_need_a_signed_in_patient(client, acme_qa, login):
    for url in (
        "/patients/my-data/",
        "/patients/my-data/export.json",
        "/patients/my-data/export.pdf",
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    login(acme_qa)
    assert client.get("/patients/my-data/export.json").status_code == 403


def test_a_wrong_word_with_the_right_password_looks_the_same_as_with_a_wrong_one(
    client, alice_patient, login
):
    # Security finding 5: the form confirmed a right password even when the word was wrong,
    # so it was a password oracle. Now the password is only checked once the rest is valid.
    login(alice_patient)
    right = client.post("/patients/my-data/", {"password": PASSWORD, "confirm": "nope"})
    wrong = client.post("/patients/my-data/", {"password": "guess", "confirm": "nope"})
    assert right.status_code == wrong.status_code == 200
    assert _errors(right) == _errors(wrong) == ['Type the word "delete".']
    assert User.objects.filter(pk=alice_patient.pk).exists()
    assert not LogEntry.objects.filter(additional_data__event="deletion password failed").exists()


def test_deletion_passwords_cannot_be_guessed_without_limit(client, alice_patient, login):
    login(alice_patient)
    for attempt in range(15):
        response = client.post(
            "/patients/my-data/", {"password": f"guess-{attempt}", "confirm": "delete"}
        )
        assert _errors(response)
    response = client.post("/patients/my-data/", {"password": PASSWORD, "confirm": "delete"})
    assert "Too many wrong passwords" in " ".join(_errors(response))
    assert User.objects.filter(pk=alice_patient.pk).exists()
    failed = LogEntry.objects.filter(
        actor=alice_patient, additional_data__event="deletion password failed"
    )
    # Every refusal is recorded: 5 wrong passwords, then 11 attempts refused unchecked.
    assert failed.count() == 16
    assert failed.filter(additional_data__locked=True).count() == 11


def _errors(response) -> list[str]:
    """The error messages the form shows, in order."""
    found = re.findall(
        r'<ul class="errorlist[^"]*"[^>]*>\s*<li>(.*?)</li>', response.content.decode()
    )
    return [html.unescape(message) for message in found]
