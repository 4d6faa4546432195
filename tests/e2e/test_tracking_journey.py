import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from patients.models import DoseSchedule, Medication, Profile
from patients.reminders import send_due_reminders
from tests.conftest import PASSWORD
from tests.e2e.accessibility import audit

pytestmark = pytest.mark.e2e


def test_a_patient_charts_a_symptom_and_marks_a_dose_taken(phone, alice_patient):
    profile = Profile.objects.create(user=alice_patient, time_zone="Europe/London")
    medication = Medication.objects.create(profile=profile, name="Metformin")
    now = timezone.now()
    schedule = DoseSchedule.objects.create(
        medication=medication, time_of_day=dt.time(8), dose="500 mg"
    )
    DoseSchedule.objects.filter(pk=schedule.pk).update(created_at=now - dt.timedelta(days=1))
    send_due_reminders(now=now)  # yesterday's and (after 08:00) today's doses fall due

    page = phone
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(alice_patient.email)
    page.get_by_label("Password:", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()

    page.get_by_role("link", name="Symptom diary").click()
    expect(page).to_have_url(re.compile(r"/patients/diary/$"))
    page.get_by_label("Symptom").fill("Headache")
    page.get_by_label("Severity (0 = none, 10 = worst)").fill("6")
    page.get_by_role("button", name="Add entry").click()  # "When" defaults to now

    chart = page.get_by_role("img", name="Headache: severity over time")
    expect(chart).to_be_visible()
    expect(chart.locator("circle")).to_have_count(1)
    page.get_by_text("Show as a table").first.click()
    expect(page.get_by_role("table").first).to_contain_text("6")
    page.get_by_role("link", name=re.compile("^Edit Headache on")).click()
    expect(page.get_by_label("Symptom")).to_have_value("Headache")
    assert audit(page) == []
    page.get_by_label("Severity (0 = none, 10 = worst)").fill("5")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Entry saved.")).to_be_visible()

    page.get_by_role("link", name="My health").first.click()
    page.get_by_role("link", name="My doses").click()
    row = page.locator("li.dose").first
    expect(row).to_contain_text("Not recorded yet")
    row.get_by_role("button", name=re.compile("^Taken")).click()
    expect(row).to_contain_text("Taken")
    # htmx swapped the row in place: only Undo is left.
    expect(row.get_by_role("button")).to_have_count(1)
    expect(row.get_by_role("button", name=re.compile("^Undo"))).to_be_visible()
    expect(page).to_have_url(re.compile(r"/patients/doses/$"))
