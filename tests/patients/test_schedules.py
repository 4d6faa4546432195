"""Medicine schedules: added and removed on the patient's own medicines, the time zone they
follow, and nothing of anyone else's."""

from __future__ import annotations

import datetime as dt

import pytest

from patients.models import DoseSchedule, Medication, Profile


@pytest.fixture
def alice_profile(alice_patient):
    return Profile.objects.create(user=alice_patient)


@pytest.fixture
def alice_metformin(alice_profile):
    return Medication.objects.create(profile=alice_profile, name="Metformin")


@pytest.fixture
def bob_profile(bob_patient):
    return Profile.objects.create(user=bob_patient)


def test_a_patient_adds_a_weekday_schedule_with_the_dose_from_their_label(
    client, alice_metformin, login
):
    login(alice_metformin.profile.user)
    response = client.post(
        f"/patients/medications/{alice_metformin.uid}/schedules/",
        {"time_of_day": "08:00", "weekdays": ["5", "1"], "dose": "500 mg", "remind": "on"},
    )
    assert response.status_code == 302
    schedule = DoseSchedule.objects.get(medication=alice_metformin)
    assert (schedule.time_of_day, schedule.weekdays, schedule.dose, schedule.remind) == (
        dt.time(8, 0),
        [1, 5],
        "500 mg",
        True,
    )
    page = client.get("/patients/schedules/").content.decode()
    assert "08:00, Mon, Fri · 500 mg · reminder on" in page


def test_no_weekdays_means_every_day_and_reminders_can_be_off(client, alice_metformin, login):
    login(alice_metformin.profile.user)
    client.post(f"/patients/medications/{alice_metformin.uid}/schedules/", {"time_of_day": "21:30"})
    schedule = DoseSchedule.objects.get(medication=alice_metformin)
    assert (schedule.weekdays, schedule.remind) == ([], False)
    assert "21:30, every day · no reminder" in client.get("/patients/schedules/").content.decode()


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"time_of_day": ""}, "This field is required"),
        ({"time_of_day": "25:00"}, "Enter a valid time"),
        ({"time_of_day": "08:00", "weekdays": ["8"]}, "Select a valid choice"),
        ({"time_of_day": "08:00", "dose": "x" * 101}, "at most 100 characters"),
    ],
)
def test_bad_schedules_are_form_errors_and_save_nothing(
    client, alice_metformin, login, data, error
):
    login(alice_metformin.profile.user)
    response = client.post(f"/patients/medications/{alice_metformin.uid}/schedules/", data)
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not DoseSchedule.objects.exists()


def test_removing_a_schedule_keeps_its_history(client, alice_metformin, login):
    schedule = DoseSchedule.objects.create(medication=alice_metformin, time_of_day=dt.time(8))
    login(alice_metformin.profile.user)
    assert client.post(f"/patients/schedules/{schedule.uid}/remove/").status_code == 302
    schedule.refresh_from_db()
    assert schedule.active is False
    assert "08:00" not in client.get("/patients/schedules/").content.decode()
    # Removing it again finds nothing to remove.
    assert client.post(f"/patients/schedules/{schedule.uid}/remove/").status_code == 404


def test_the_time_zone_is_chosen_from_the_iana_list(client, alice_profile, login):
    login(alice_profile.user)
    page = client.get("/patients/schedules/").content.decode()
    assert '<option value="Asia/Kolkata"></option>' in page  # the datalist the field searches
    assert (
        client.post("/patients/schedules/time-zone/", {"time_zone": "America/New_York"}).status_code
        == 302
    )
    alice_profile.refresh_from_db()
    assert alice_profile.time_zone == "America/New_York"

    response = client.post("/patients/schedules/time-zone/", {"time_zone": "Mars/Olympus"})
    assert response.status_code == 200
    assert "Lumen does not know that time zone" in response.content.decode()
    alice_profile.refresh_from_db()
    assert alice_profile.time_zone == "America/New_York"


def test_another_patients_medicines_and_schedules_are_out_of_reach(
    client, alice_metformin, bob_profile, login
):
    schedule = DoseSchedule.objects.create(
        medication=alice_metformin, time_of_day=dt.time(8), dose="secret dose"
    )
    login(bob_profile.user)
    page = client.get("/patients/schedules/").content.decode()
    assert "Metformin" not in page and "secret dose" not in page
    url = f"/patients/medications/{alice_metformin.uid}/schedules/"
    assert client.post(url, {"time_of_day": "09:00"}).status_code == 404
    assert client.post(f"/patients/schedules/{schedule.uid}/remove/").status_code == 404
    assert DoseSchedule.objects.filter(active=True).count() == 1


def test_anonymous_visitors_are_sent_to_log_in(client, alice_metformin):
    response = client.get("/patients/schedules/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")
    url = f"/patients/medications/{alice_metformin.uid}/schedules/"
    assert client.post(url, {"time_of_day": "09:00"}).status_code == 302
    assert client.post("/patients/schedules/time-zone/", {"time_zone": "UTC"}).status_code == 302
    assert not DoseSchedule.objects.exists()


def test_the_schedules_page_takes_a_fixed_number_of_queries(
    client, alice_profile, login, django_assert_max_num_queries
):
    for i in range(5):
        medication = Medication.objects.create(profile=alice_profile, name=f"Medicine {i}")
        for hour in (8, 20):
            DoseSchedule.objects.create(medication=medication, time_of_day=dt.time(hour))
    login(alice_profile.user)
    with django_assert_max_num_queries(10):
        assert client.get("/patients/schedules/").status_code == 200


def test_a_schedule_added_at_noon_shows_this_mornings_dose_without_a_reminder(
    client, alice_metformin, login, mailoutbox
):
    from patients.models import Dose
    from patients.tracking import dose_schedule_add

    alice_metformin.profile.time_zone = "Europe/London"
    alice_metformin.profile.save()
    noon = dt.datetime(2025, 7, 15, 11, tzinfo=dt.UTC)  # 12:00 in London (summer time)
    schedule = dose_schedule_add(
        medication=alice_metformin, time_of_day=dt.time(8), weekdays=[], now=noon
    )
    later = dose_schedule_add(
        medication=alice_metformin, time_of_day=dt.time(18), weekdays=[], now=noon
    )
    (dose,) = schedule.doses.all()
    assert dose.due_at == dt.datetime(2025, 7, 15, 7, tzinfo=dt.UTC)
    assert dose.status == Dose.Status.PENDING and dose.reminded_at is None
    assert not later.doses.exists()  # 18:00 has not come yet
    assert mailoutbox == []

    # Through the form, today: in a zone where it is past 02:00 now, 00:30 has passed.
    from tests.patients.zones import zone_past_two_am

    login(alice_metformin.profile.user)
    client.post("/patients/schedules/time-zone/", {"time_zone": zone_past_two_am()})
    client.post(
        f"/patients/medications/{alice_metformin.uid}/schedules/",
        {"time_of_day": "00:30", "remind": "on"},
    )
    page = client.get("/patients/doses/").content.decode()
    assert ", 00:30</time>" in page and "Not recorded yet" in page
    assert mailoutbox == []


def test_the_repeat_and_units_per_dose_are_saved_with_the_schedule(client, alice_metformin, login):
    login(alice_metformin.profile.user)
    client.post(
        f"/patients/medications/{alice_metformin.uid}/schedules/",
        {"time_of_day": "08:00", "remind": "on", "repeat_minutes": "15", "units_per_dose": "2"},
    )
    schedule = DoseSchedule.objects.get()
    assert (schedule.repeat_minutes, schedule.units_per_dose) == (15, 2)
    page = client.get("/patients/schedules/").content.decode()
    assert "repeats every 15 min" in page and "2 per dose" in page
    response = client.post(
        f"/patients/medications/{alice_metformin.uid}/schedules/",
        {"time_of_day": "09:00", "repeat_minutes": "5"},
    )
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("europe/london", "Europe/London"),
        ("America/New York", "America/New_York"),
        ("Tokyo", "Asia/Tokyo"),
        ("  kolkata ", "Asia/Kolkata"),
    ],
)
def test_a_time_zone_can_be_typed_as_a_city_or_in_any_case(
    client, alice_profile, login, typed, stored
):
    login(alice_profile.user)
    assert client.post("/patients/schedules/time-zone/", {"time_zone": typed}).status_code == 302
    alice_profile.refresh_from_db()
    assert (alice_profile.time_zone, alice_profile.time_zone_confirmed) == (stored, True)


def test_the_browsers_time_zone_is_adopted_until_the_patient_chooses_one(
    client, alice_profile, login
):
    login(alice_profile.user)
    page = client.get("/patients/schedules/").content.decode()
    assert 'id="tz-auto"' in page  # the script posts the browser's zone
    response = client.post(
        "/patients/schedules/time-zone/", {"time_zone": "Europe/Paris", "source": "browser"}
    )
    assert response.status_code == 204
    alice_profile.refresh_from_db()
    assert alice_profile.time_zone == "Europe/Paris"
    assert 'id="tz-auto"' not in client.get("/patients/schedules/").content.decode()

    # Set now: another device's zone never overrides it.
    response = client.post(
        "/patients/schedules/time-zone/", {"time_zone": "Asia/Tokyo", "source": "browser"}
    )
    assert response.status_code == 200  # not 204: the page does not reload
    alice_profile.refresh_from_db()
    assert alice_profile.time_zone == "Europe/Paris"
    bad = client.post(
        "/patients/schedules/time-zone/", {"time_zone": "Nowhere", "source": "browser"}
    )
    assert bad.status_code == 400


def test_the_time_zone_field_is_short_not_a_600_option_select(client, alice_profile, login):
    login(alice_profile.user)
    page = client.get("/patients/schedules/").content.decode()
    assert 'list="time-zone-names"' in page
    assert "<select" not in page.split('id="tz-title"')[1]
