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
