"""The dose page: marking doses taken or skipped (with and without htmx), extra doses, and
adherence per medicine."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from patients.models import Dose, DoseSchedule, Medication, Profile
from patients.tracking import adherence

Status = Dose.Status


@pytest.fixture
def alice_profile(alice_patient):
    return Profile.objects.create(user=alice_patient, time_zone="Europe/London")


@pytest.fixture
def alice_schedule(alice_profile):
    medication = Medication.objects.create(profile=alice_profile, name="Metformin")
    return DoseSchedule.objects.create(medication=medication, time_of_day=dt.time(8), dose="500 mg")


@pytest.fixture
def bob_profile(bob_patient):
    return Profile.objects.create(user=bob_patient)


def _dose(schedule, hours_ago: float, status=Status.PENDING) -> Dose:
    now = timezone.now()
    return Dose.objects.create(
        schedule=schedule,
        due_at=now - dt.timedelta(hours=hours_ago),
        status=status,
        recorded_at=now if status != Status.PENDING else None,
    )


def test_a_patient_marks_a_dose_taken_with_a_plain_form(client, alice_schedule, login):
    dose = _dose(alice_schedule, 1)
    login(alice_schedule.medication.profile.user)
    page = client.get("/patients/doses/").content.decode()
    assert "Metformin" in page and "Not recorded yet" in page
    response = client.post(f"/patients/doses/{dose.uid}/record/", {"status": "taken"})
    assert response.status_code == 302
    assert response.url == f"/patients/doses/#dose-{dose.uid}"
    dose.refresh_from_db()
    assert dose.status == Status.TAKEN and dose.recorded_at is not None


def test_htmx_gets_back_just_the_dose_row(client, alice_schedule, login):
    dose = _dose(alice_schedule, 1)
    login(alice_schedule.medication.profile.user)
    response = client.post(
        f"/patients/doses/{dose.uid}/record/", {"status": "skipped"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    row = response.content.decode()
    assert row.strip().startswith(f'<li id="dose-{dose.uid}"')
    assert "Skipped" in row
    assert ">Taken</button>" not in row and ">Skipped</button>" not in row
    assert ">Undo</button>" in row  # a dose marked by mistake can be taken back
    assert "<html" not in row


def test_a_dose_is_recorded_once_even_if_clicked_twice(client, alice_schedule, login):
    dose = _dose(alice_schedule, 1)
    login(alice_schedule.medication.profile.user)
    client.post(f"/patients/doses/{dose.uid}/record/", {"status": "taken"})
    response = client.post(
        f"/patients/doses/{dose.uid}/record/", {"status": "skipped"}, headers={"HX-Request": "true"}
    )
    assert "already recorded" in response.content.decode()
    dose.refresh_from_db()
    assert dose.status == Status.TAKEN


def test_an_unknown_status_is_refused(client, alice_schedule, login):
    dose = _dose(alice_schedule, 1)
    login(alice_schedule.medication.profile.user)
    for status in ("pending", "eaten", ""):
        assert (
            client.post(f"/patients/doses/{dose.uid}/record/", {"status": status}).status_code
            == 400
        )
    dose.refresh_from_db()
    assert dose.status == Status.PENDING


def test_a_pending_dose_over_a_day_old_shows_as_missed(client, alice_schedule, login):
    _dose(alice_schedule, 30)
    login(alice_schedule.medication.profile.user)
    assert "Missed" in client.get("/patients/doses/").content.decode()


def test_an_extra_dose_is_recorded_as_taken_now_and_left_out_of_adherence(
    client, alice_schedule, login
):
    login(alice_schedule.medication.profile.user)
    response = client.post(
        "/patients/doses/extra/", {"medication": str(alice_schedule.medication.uid)}
    )
    assert response.status_code == 302
    dose = Dose.objects.get()
    assert (dose.status, dose.unscheduled, dose.schedule) == (Status.TAKEN, True, alice_schedule)
    (row,) = adherence(alice_schedule.medication.profile, now=timezone.now())
    assert row[7].due == 0
    assert "(extra dose)" in client.get("/patients/doses/").content.decode()


def test_adherence_counts_taken_out_of_due_with_stale_pending_doses_as_missed(alice_schedule):
    profile = alice_schedule.medication.profile
    _dose(alice_schedule, 2)  # pending, still open: not counted yet
    _dose(alice_schedule, 26)  # pending over a day: missed
    _dose(alice_schedule, 50, Status.TAKEN)
    _dose(alice_schedule, 74, Status.SKIPPED)
    _dose(alice_schedule, 24 * 10, Status.TAKEN)  # only in the 30-day window
    _dose(alice_schedule, 24 * 40, Status.TAKEN)  # in neither
    (row,) = adherence(profile, now=timezone.now())
    week, month = row[7], row[30]
    assert (week.taken, week.skipped, week.missed, week.due, week.percent) == (1, 1, 1, 3, 33)
    assert (month.taken, month.due, month.percent) == (2, 4, 50)


def test_the_adherence_chart_and_table_show_the_numbers(client, alice_schedule, login):
    _dose(alice_schedule, 50, Status.TAKEN)
    _dose(alice_schedule, 74, Status.SKIPPED)
    login(alice_schedule.medication.profile.user)
    page = client.get("/patients/doses/").content.decode()
    assert "Metformin · last 7 days" in page
    assert "50% (1 of 2)" in page
    assert "<summary>Show as a table</summary>" in page


def test_another_patients_doses_are_invisible_and_unrecordable(
    client, alice_schedule, bob_profile, login
):
    dose = _dose(alice_schedule, 1)
    login(bob_profile.user)
    page = client.get("/patients/doses/").content.decode()
    assert "Metformin" not in page and "500 mg" not in page
    assert (
        client.post(f"/patients/doses/{dose.uid}/record/", {"status": "taken"}).status_code == 404
    )
    response = client.post(
        "/patients/doses/extra/", {"medication": str(alice_schedule.medication.uid)}
    )
    assert response.status_code == 302
    assert Dose.objects.count() == 1
    dose.refresh_from_db()
    assert dose.status == Status.PENDING


def test_anonymous_visitors_are_sent_to_log_in(client, alice_schedule):
    dose = _dose(alice_schedule, 1)
    for response in (
        client.get("/patients/doses/"),
        client.post(f"/patients/doses/{dose.uid}/record/", {"status": "taken"}),
        client.post("/patients/doses/extra/", {"medication": str(alice_schedule.medication.uid)}),
    ):
        assert response.status_code == 302
        assert response.url.startswith("/accounts/login/")
    dose.refresh_from_db()
    assert dose.status == Status.PENDING


def test_the_dose_page_takes_a_fixed_number_of_queries(
    client, alice_profile, login, django_assert_max_num_queries
):
    for i in range(4):
        medication = Medication.objects.create(profile=alice_profile, name=f"Medicine {i}")
        schedule = DoseSchedule.objects.create(medication=medication, time_of_day=dt.time(8))
        for day in range(10):
            _dose(schedule, 24 * day + 1, Status.TAKEN if day % 2 else Status.PENDING)
    login(alice_profile.user)
    # Session, user and roles (twice) are every page's; the rest is this page's, whatever
    # the number of medicines and doses.
    with django_assert_max_num_queries(14):
        assert client.get("/patients/doses/").status_code == 200


def test_an_extra_dose_is_counted_in_adherence_beside_the_due_doses(client, alice_schedule, login):
    _dose(alice_schedule, 50, Status.TAKEN)
    _dose(alice_schedule, 74, Status.SKIPPED)
    login(alice_schedule.medication.profile.user)
    client.post("/patients/doses/extra/", {"medication": str(alice_schedule.medication.uid)})
    (row,) = adherence(alice_schedule.medication.profile, now=timezone.now())
    assert (row[7].taken, row[7].due, row[7].extra, row[30].extra) == (1, 2, 1, 1)
    page = client.get("/patients/doses/").content.decode()
    assert "50% (1 of 2) + 1 extra" in page  # the chart
    assert '<th scope="col">Extra doses</th>' in page  # and its table


def test_a_dose_marked_by_mistake_is_undone(client, alice_schedule, login):
    dose = _dose(alice_schedule, 1)
    login(alice_schedule.medication.profile.user)
    client.post(f"/patients/doses/{dose.uid}/record/", {"status": "taken"})
    response = client.post(f"/patients/doses/{dose.uid}/undo/", headers={"HX-Request": "true"})
    assert response.status_code == 200
    row = response.content.decode()
    assert "Not recorded yet" in row and ">Taken</button>" in row
    dose.refresh_from_db()
    assert (dose.status, dose.recorded_at) == (Status.PENDING, None)
    (adh,) = adherence(alice_schedule.medication.profile, now=timezone.now())
    assert adh[7].taken == 0

    again = client.post(f"/patients/doses/{dose.uid}/undo/", headers={"HX-Request": "true"})
    assert "nothing to undo" in again.content.decode()
    client.post(f"/patients/doses/{dose.uid}/record/", {"status": "skipped"})
    dose.refresh_from_db()
    assert dose.status == Status.SKIPPED  # open again, so it can be recorded as it was


def test_an_extra_dose_recorded_by_mistake_is_removed(client, alice_schedule, login):
    login(alice_schedule.medication.profile.user)
    client.post("/patients/doses/extra/", {"medication": str(alice_schedule.medication.uid)})
    dose = Dose.objects.get()
    response = client.post(f"/patients/doses/{dose.uid}/undo/")
    assert response.status_code == 302
    assert not Dose.objects.exists()


def test_undo_from_the_reminder_page_returns_to_it(client, alice_schedule, login):
    dose = _dose(alice_schedule, 1, Status.TAKEN)
    login(alice_schedule.medication.profile.user)
    response = client.post(f"/patients/doses/{dose.uid}/undo/", {"next": "detail"})
    assert response.url == f"/patients/doses/{dose.uid}/"
    page = client.get(response.url).content.decode()
    assert "Not recorded yet" in page and "Remind me again in" in page


def test_another_patient_cannot_undo_snooze_or_open_a_dose(
    client, alice_schedule, bob_profile, login
):
    dose = _dose(alice_schedule, 1, Status.TAKEN)
    login(bob_profile.user)
    assert client.get(f"/patients/doses/{dose.uid}/").status_code == 404
    assert client.post(f"/patients/doses/{dose.uid}/undo/").status_code == 404
    assert client.post(f"/patients/doses/{dose.uid}/snooze/", {"minutes": "10"}).status_code == 404
    dose.refresh_from_db()
    assert dose.status == Status.TAKEN and dose.next_reminder_at is None
