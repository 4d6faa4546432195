"""Browser tests of the reminder and tracking pages, on a 390 px phone and a desktop: the
time zone taken from the browser, schedules with repeats and a pack count, the reminder page
(snooze, taken, undo), the notification switch, the adherence chart inside a phone's width,
and the diary's pages."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from patients.models import Dose, DoseSchedule, Medication, Profile, SymptomEntry
from tests.conftest import PASSWORD

pytestmark = pytest.mark.e2e

DEVICES = {
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
    "desktop": {"viewport": {"width": 1280, "height": 800}},
}


@pytest.fixture(params=list(DEVICES))
def device(request, browser, live_server):
    """A page on a phone or a desktop whose browser is set to Tokyo time."""
    context = browser.new_context(
        base_url=live_server.url, timezone_id="Asia/Tokyo", **DEVICES[request.param]
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    page.on(
        "console",
        lambda m: problems.append(m.text) if "Content Security Policy" in m.text else None,
    )
    yield page
    context.close()
    assert problems == []  # no script error and no CSP violation on any page visited


def _sign_in(page, user) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password:", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page).to_have_url(re.compile(r"/patients/$"))


def _no_sideways_scroll(page) -> None:
    width = page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_the_time_zone_comes_from_the_browser_and_schedules_take_repeats_and_a_pack(
    device, alice_patient
):
    profile = Profile.objects.create(user=alice_patient)  # UTC, never chosen
    medication = Medication.objects.create(profile=profile, name="Metformin")
    page = device
    _sign_in(page, alice_patient)
    page.goto("/patients/schedules/")
    # The page adopted the browser's zone and reloaded in it.
    expect(
        page.get_by_text("Your time zone is now Asia/Tokyo, taken from this device.")
    ).to_be_visible()
    expect(page.locator("#time-zone")).to_contain_text("Now: Asia/Tokyo")
    profile.refresh_from_db()
    assert (profile.time_zone, profile.time_zone_confirmed) == ("Asia/Tokyo", True)

    # A different zone typed by city: the device button then offers Tokyo back.
    page.get_by_label("Your time zone").fill("London")
    page.get_by_role("button", name="Save time zone").click()
    expect(page.get_by_text("Time zone saved: Europe/London.")).to_be_visible()
    device_zone = page.get_by_role("button", name="Use this device's time zone: Asia/Tokyo")
    expect(device_zone).to_be_visible()
    device_zone.click()
    expect(page.locator("#time-zone")).to_contain_text("Now: Asia/Tokyo")

    section = page.locator(f"#med-{medication.uid}").locator("xpath=..")
    section.get_by_text("Add a time").click()
    section.get_by_label("Time:", exact=True).fill("08:00")
    section.get_by_label("Until I mark it taken or skipped, remind me again").select_option(
        label="Every 15 minutes, for up to 2 hours"
    )
    section.get_by_label("Tablets (or other units) per dose").fill("2")
    section.get_by_role("button", name="Add to Metformin").click()
    expect(page.get_by_text("08:00, every day")).to_contain_text("repeats every 15 min")

    section = page.locator(f"#med-{medication.uid}").locator("xpath=..")
    section.locator("summary", has_text="Pack and label").click()
    section.get_by_label("Tablets (or other units) left").fill("8")
    section.get_by_label("How to take it, as your label says").fill("With breakfast")
    section.get_by_role("button", name="Save pack and label for Metformin").click()
    expect(page.get_by_text("Running low: about 4 days left")).to_be_visible()
    assert DoseSchedule.objects.get().repeat_minutes == 15
    _no_sideways_scroll(page)


def test_the_notification_switch_reports_what_the_browser_can_do(device, alice_patient):
    Profile.objects.create(user=alice_patient, time_zone="Asia/Tokyo", time_zone_confirmed=True)
    page = device
    _sign_in(page, alice_patient)
    page.context.grant_permissions(["notifications"])
    page.goto("/patients/schedules/")
    status = page.locator("[data-push-status]")
    # The service worker registered and the browser has no subscription yet.
    expect(status).to_have_text("Reminder notifications are off for this device.")
    expect(page.get_by_role("button", name="Turn on notifications")).to_be_visible()
    worker = page.evaluate(
        "navigator.serviceWorker.getRegistration('/patients/').then(r => r && r.active && r.active.scriptURL)"
    )
    assert worker.endswith("/patients/sw.js")


def test_a_reminder_page_snoozes_records_and_undoes_a_dose(device, alice_patient):
    profile = Profile.objects.create(
        user=alice_patient, time_zone="Asia/Tokyo", time_zone_confirmed=True
    )
    medication = Medication.objects.create(
        profile=profile, name="Metformin", instructions="With breakfast", pack_count=30
    )
    schedule = DoseSchedule.objects.create(
        medication=medication, time_of_day=dt.time(8), dose="500 mg"
    )
    dose = Dose.objects.create(schedule=schedule, due_at=timezone.now() - dt.timedelta(minutes=5))
    page = device
    _sign_in(page, alice_patient)
    page.goto(f"/patients/doses/{dose.uid}/")
    expect(page.get_by_role("heading", name="Your 08:00 medicine")).to_be_visible()
    expect(page.get_by_text("With breakfast")).to_be_visible()

    page.get_by_role("button", name="10 minutes").click()
    expect(page.get_by_text("We will remind you again in 10 minutes.")).to_be_visible()
    expect(page.get_by_text(re.compile(r"Next reminder at \d\d:\d\d"))).to_be_visible()

    page.get_by_role("button", name="Taken", exact=True).click()
    expect(page.locator(".dose-status")).to_have_text("Taken")
    medication.refresh_from_db()
    assert medication.pack_count == 29
    page.get_by_role("button", name="Undo: marked by mistake").click()
    expect(page.locator(".dose-status")).to_have_text("Not recorded yet")
    medication.refresh_from_db()
    assert medication.pack_count == 30
    _no_sideways_scroll(page)


def test_the_dose_list_undoes_in_place_and_the_adherence_values_fit(device, alice_patient):
    profile = Profile.objects.create(
        user=alice_patient, time_zone="Asia/Tokyo", time_zone_confirmed=True
    )
    medication = Medication.objects.create(profile=profile, name="Metformin hydrochloride")
    schedule = DoseSchedule.objects.create(medication=medication, time_of_day=dt.time(8))
    now = timezone.now()
    for day in range(1, 30):
        Dose.objects.create(
            schedule=schedule,
            due_at=now - dt.timedelta(days=day, hours=1),
            status=Dose.Status.TAKEN,
            recorded_at=now,
        )
    open_dose = Dose.objects.create(schedule=schedule, due_at=now - dt.timedelta(hours=1))
    page = device
    _sign_in(page, alice_patient)
    page.goto("/patients/doses/")
    page.get_by_label("Medicine:").select_option(label="Metformin hydrochloride")
    page.get_by_role("button", name="Record as taken now").click()  # an extra dose
    expect(page.get_by_text("Dose recorded as taken now.")).to_be_visible()

    chart = page.get_by_role("img", name="Doses taken, per medicine")
    expect(chart).to_contain_text("100% (29 of 29) + 1 extra")
    box = chart.bounding_box()
    for value in chart.locator("text[text-anchor=end]").all():
        right = value.bounding_box()
        assert right["x"] + right["width"] <= box["x"] + box["width"] + 1
    assert box["x"] + box["width"] <= page.viewport_size["width"]

    row = page.locator(f"#dose-{open_dose.uid}")
    row.get_by_role("button", name=re.compile("^Taken")).click()
    expect(row.locator(".dose-status")).to_have_text("Taken")
    row.get_by_role("button", name=re.compile("^Undo")).click()
    expect(row.locator(".dose-status")).to_have_text("Not recorded yet")
    expect(row.get_by_role("button", name=re.compile("^Taken"))).to_be_visible()
    _no_sideways_scroll(page)


def test_a_long_diary_pages_and_its_chart_labels_several_dates(device, alice_patient):
    profile = Profile.objects.create(
        user=alice_patient, time_zone="Asia/Tokyo", time_zone_confirmed=True
    )
    start = timezone.now() - dt.timedelta(days=120)
    SymptomEntry.objects.bulk_create(
        SymptomEntry(
            profile=profile,
            symptom="Headache",
            severity=i % 11,
            recorded_at=start + dt.timedelta(days=i),
        )
        for i in range(120)
    )
    page = device
    _sign_in(page, alice_patient)
    page.goto("/patients/diary/")
    chart = page.get_by_role("img", name="Headache: severity over time")
    expect(chart.locator("circle")).to_have_count(120)
    expect(chart.locator("text[text-anchor=middle]")).to_have_count(3)  # between both ends
    entries = page.locator("ul.entries > li")
    expect(entries).to_have_count(50)
    page.get_by_role("link", name="Older entries").click()
    expect(page).to_have_url(re.compile(r"\?page=2#entries$"))
    expect(page.get_by_text("Entries 51\u2013100 of 120, newest first.")).to_be_visible()
    page.get_by_role("link", name="Older entries").click()
    expect(entries).to_have_count(20)
    expect(page.get_by_role("link", name="Newer entries")).to_be_visible()
    _no_sideways_scroll(page)
