"""The readable export is a visit summary a person would hand a doctor: one or two pages of
medicines with schedules and adherence, conditions, allergies, a recent symptoms chart and
symptom checker results, in plain dates and words (no ids, raw timestamps or dict text)."""

from __future__ import annotations

import datetime as dt
import io
import json
import re

import pytest
from django.utils import timezone
from pypdf import PdfReader

from patients.models import (
    Allergy,
    Condition,
    Dose,
    DoseSchedule,
    Medication,
    Profile,
    SymptomEntry,
    TriageAssessment,
)
from patients.visit_summary import visit_summary

NOW = dt.datetime(2026, 12, 7, 12, 0, tzinfo=dt.UTC)
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)
RAW_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}|\d{2}:\d{2}:\d{2}\.\d+|\+00:00")


@pytest.fixture
def a_year_of_care(alice_patient):
    alice_patient.name = "Alice Example"
    alice_patient.save()
    profile = Profile.objects.create(
        user=alice_patient, date_of_birth=dt.date(1961, 5, 2), sex="female",
        time_zone="Europe/London",
    )  # fmt: skip
    Condition.objects.create(profile=profile, name="Type 2 diabetes")
    Condition.objects.create(profile=profile, name="high blood pressure")
    Allergy.objects.create(profile=profile, substance="Penicillin", reaction="hives")
    metformin = Medication.objects.create(profile=profile, name="Glucophage")
    morning = DoseSchedule.objects.create(
        medication=metformin, time_of_day=dt.time(8, 0), dose="500 mg tablet"
    )
    DoseSchedule.objects.create(medication=metformin, time_of_day=dt.time(20, 0))
    DoseSchedule.objects.create(
        medication=Medication.objects.create(profile=profile, name="Lisinopril"),
        time_of_day=dt.time(9, 30), weekdays=[1, 4],
    )  # fmt: skip
    for day in range(2, 12):  # ten morning doses: eight taken, one skipped, one never marked
        status = {5: Dose.Status.SKIPPED, 7: Dose.Status.PENDING}.get(day, Dose.Status.TAKEN)
        Dose.objects.create(schedule=morning, due_at=NOW - dt.timedelta(days=day), status=status)
    for day, severity in ((20, 7), (12, 5), (6, 4), (1, 2)):
        SymptomEntry.objects.create(
            profile=profile, symptom="Headache", severity=severity, notes="",
            recorded_at=NOW - dt.timedelta(days=day),
        )  # fmt: skip
    SymptomEntry.objects.create(
        profile=profile, symptom="Dizziness", severity=3, recorded_at=NOW - dt.timedelta(days=3)
    )
    SymptomEntry.objects.create(  # older than the summary's 30 days
        profile=profile, symptom="Back pain", severity=8, recorded_at=NOW - dt.timedelta(days=90)
    )
    TriageAssessment.objects.create(
        profile=profile,
        data=json.dumps({
            "source": "guided", "complaint": "headache", "label": "Self-care at home",
            "result": {"disposition": "self_care", "complaint_labels": ["Headache"]},
        }),
    )  # fmt: skip
    return profile


def test_the_summary_reads_the_record_in_plain_words(a_year_of_care, alice_patient):
    summary = visit_summary(alice_patient, now=NOW)
    assert summary.name == "Alice Example"
    assert summary.born == "2 May 1961 (age 65)"
    assert summary.prepared == "7 December 2026" and summary.time_zone == "Europe/London"
    assert summary.conditions == ["Type 2 diabetes", "high blood pressure"]
    assert summary.allergies == ["Penicillin (hives)"]
    glucophage, lisinopril = summary.medicines
    assert glucophage.name == "Glucophage" and glucophage.recognised_as in ("", "metformin")
    assert glucophage.schedule == "08:00 (500 mg tablet) and 20:00, every day"
    assert glucophage.adherence == "8 of 10 doses taken (80%); 1 skipped, 1 missed"
    assert lisinopril.schedule == "09:30, Mon and Thu"
    assert lisinopril.adherence == "no scheduled doses recorded yet"
    symptoms = {s.name: s for s in summary.symptoms}
    headache, dizziness = symptoms["Headache"], symptoms["Dizziness"]
    assert (headache.entries, headache.average, headache.worst) == (4, 4.5, 7)
    assert headache.latest == "2 on 6 December"
    assert "<svg" in str(headache.chart) and "<svg" in str(dizziness.chart)
    assert "Back pain" not in symptoms
    assert [(t.date, t.about, t.outcome) for t in summary.triage] == [
        (f"{timezone.localdate().day} {timezone.localdate():%B %Y}", "Headache",
         "Self-care at home"),
    ]  # fmt: skip


def test_the_pdf_is_one_or_two_pages_without_ids_raw_timestamps_or_dict_text(
    client, alice_patient, login, a_year_of_care
):
    login(alice_patient)
    response = client.get("/patients/my-data/export.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    assert 1 <= len(reader.pages) <= 2
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    for expected in (
        "Health summary: Alice Example", "2 May 1961", "Type 2 diabetes", "Penicillin (hives)",
        "Glucophage", "08:00 (500 mg tablet) and 20:00, every day", "09:30, Mon and Thu",
        "Headache", "Self-care at home",
    ):  # fmt: skip
        assert expected in text, expected
    assert not UUID.search(text), UUID.search(text)
    assert not RAW_TIME.search(text), RAW_TIME.search(text)
    assert "{" not in text and "': " not in text and '": ' not in text  # no dict text


def test_a_long_record_still_fits_on_two_pages(client, alice_patient, login, a_year_of_care):
    profile = a_year_of_care
    for i in range(12):
        Medication.objects.create(profile=profile, name=f"Medicine number {i}")
        SymptomEntry.objects.create(
            profile=profile, symptom=f"Symptom {i}", severity=i % 10,
            recorded_at=timezone.now() - dt.timedelta(days=i),
        )  # fmt: skip
    login(alice_patient)
    reader = PdfReader(io.BytesIO(client.get("/patients/my-data/export.pdf").content))
    assert len(reader.pages) <= 2


def test_an_empty_record_is_a_short_summary_not_an_error(client, alice_patient, login):
    login(alice_patient)
    response = client.get("/patients/my-data/export.pdf")
    assert response.status_code == 200
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "not given" in text and "None listed." in text
