"""Medicine reminders: when doses fall due in the patient's own zone (DST included), that each
is created and emailed once, and that the email says nothing about the medicine."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone
from django_q.brokers import get_broker
from django_q.models import Schedule
from django_q.scheduler import scheduler

from patients import reminders
from patients.models import Dose, DoseSchedule, Medication, Profile
from patients.reminders import send_due_reminders

UTC = dt.UTC
NEW_YORK = ZoneInfo("America/New_York")


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


LONG_AGO = utc(2020, 1, 1)


@pytest.fixture
def alice_profile(alice_patient):
    return Profile.objects.create(user=alice_patient)


@pytest.fixture
def schedule_for(alice_profile):
    """A schedule on Alice's Metformin, created (by default) long before any test time."""

    def make(
        at: str,
        *,
        zone: str = "UTC",
        weekdays: tuple[int, ...] = (),
        remind: bool = True,
        created: dt.datetime = LONG_AGO,
    ) -> DoseSchedule:
        alice_profile.time_zone = zone
        alice_profile.save(update_fields=["time_zone"])
        medication = Medication.objects.create(profile=alice_profile, name="Metformin")
        schedule = DoseSchedule.objects.create(
            medication=medication,
            time_of_day=dt.time.fromisoformat(at),
            weekdays=list(weekdays),
            dose="500 mg twice a day",
            remind=remind,
        )
        DoseSchedule.objects.filter(pk=schedule.pk).update(created_at=created)
        schedule.refresh_from_db()
        return schedule

    return make


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """One worker run at `now`, its after-commit emails sent."""

    def _run(now: dt.datetime) -> reminders.Run:
        with django_capture_on_commit_callbacks(execute=True):
            return send_due_reminders(now=now)

    return _run


def _due(schedule: DoseSchedule) -> list[dt.datetime]:
    return sorted(schedule.doses.values_list("due_at", flat=True))


@pytest.mark.parametrize(
    ("zone", "day", "due_utc"),
    [
        # New York: EST (UTC-5) in winter, EDT (UTC-4) in summer.
        ("America/New_York", dt.date(2025, 1, 15), utc(2025, 1, 15, 13)),
        ("America/New_York", dt.date(2025, 7, 15), utc(2025, 7, 15, 12)),
        # London: GMT in winter, BST (UTC+1) in summer.
        ("Europe/London", dt.date(2025, 1, 15), utc(2025, 1, 15, 8)),
        ("Europe/London", dt.date(2025, 7, 15), utc(2025, 7, 15, 7)),
        # Kolkata: UTC+5:30 all year.
        ("Asia/Kolkata", dt.date(2025, 7, 15), utc(2025, 7, 15, 2, 30)),
    ],
)
def test_an_0800_dose_falls_due_at_eight_on_the_patients_own_clock(
    schedule_for, run, zone, day, due_utc
):
    schedule = schedule_for("08:00", zone=zone, created=due_utc - dt.timedelta(hours=6))
    assert run(due_utc - dt.timedelta(minutes=1)) == (0, 0)
    assert mail.outbox == []

    assert run(due_utc) == (1, 1)
    assert _due(schedule) == [due_utc]
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "[Lumen] It's time for your 08:00 medicine"
    assert mail.outbox[0].to == ["alice@example.com"]
    assert schedule.doses.get().reminded_at is not None


def _every(start: dt.datetime, end: dt.datetime, minutes: int):
    moment = start
    while moment <= end:
        yield moment
        moment += dt.timedelta(minutes=minutes)


def test_a_dose_in_the_hour_skipped_by_spring_forward_is_reminded_once_an_hour_later(
    schedule_for, run
):
    # New York, 9 March 2025: clocks jump from 02:00 EST to 03:00 EDT; 02:30 never happens.
    schedule = schedule_for("02:30", zone="America/New_York", created=utc(2025, 3, 8, 12))
    for now in _every(utc(2025, 3, 9, 0), utc(2025, 3, 10, 4), minutes=10):
        run(now)
    # Due at 07:30 UTC, which is 03:30 EDT on the wall clock.
    assert _due(schedule) == [utc(2025, 3, 9, 7, 30)]
    assert len(mail.outbox) == 1
    assert "02:30" in mail.outbox[0].subject  # the time the patient chose
    # The next day is back to 02:30 EDT (06:30 UTC).
    run(utc(2025, 3, 10, 6, 30))
    assert _due(schedule)[-1] == utc(2025, 3, 10, 6, 30)


def test_a_dose_in_the_hour_repeated_by_fall_back_is_due_once_at_its_first_occurrence(
    schedule_for, run
):
    # New York, 2 November 2025: 01:00-02:00 happens twice (EDT, then EST).
    schedule = schedule_for("01:30", zone="America/New_York", created=utc(2025, 11, 1, 12))
    for now in _every(utc(2025, 11, 2, 4), utc(2025, 11, 2, 8), minutes=10):
        run(now)
    assert _due(schedule) == [utc(2025, 11, 2, 5, 30)]  # 01:30 EDT
    assert len(mail.outbox) == 1


def test_london_spring_forward_moves_a_0130_dose_to_0230_bst(schedule_for, run):
    schedule = schedule_for("01:30", zone="Europe/London", created=utc(2025, 3, 29, 12))
    for now in _every(utc(2025, 3, 30, 0), utc(2025, 3, 30, 4), minutes=10):
        run(now)
    assert _due(schedule) == [utc(2025, 3, 30, 1, 30)]  # 02:30 BST
    assert len(mail.outbox) == 1


def test_running_twice_creates_one_dose_and_sends_one_email(schedule_for, run):
    schedule = schedule_for("08:00", created=utc(2025, 5, 1))
    now = utc(2025, 5, 1, 8, 0, 30)
    assert run(now) == (1, 1)
    assert run(now) == (0, 0)
    assert run(now + dt.timedelta(minutes=1)) == (0, 0)
    assert schedule.doses.count() == 1
    assert len(mail.outbox) == 1


def test_a_dose_another_worker_created_meanwhile_is_not_emailed_again(
    schedule_for, run, monkeypatch
):
    schedule = schedule_for("08:00", created=utc(2025, 5, 1))
    Dose.objects.create(schedule=schedule, due_at=utc(2025, 5, 1, 8))
    # This worker read the existing doses before the other one created its row.
    monkeypatch.setattr(reminders, "_done_since", lambda since: set())
    assert run(utc(2025, 5, 1, 8, 1)) == (0, 0)
    assert schedule.doses.count() == 1
    assert mail.outbox == []


def test_only_the_chosen_weekdays_of_the_local_date_fall_due(schedule_for, run):
    # 22:00 in New York on Mondays is Tuesday 02:00 or 03:00 in UTC: the local day counts.
    schedule = schedule_for(
        "22:00", zone="America/New_York", weekdays=(1, 3), created=utc(2025, 6, 1)
    )
    for day in range(2, 10):  # Monday 2 June to Monday 9 June, at noon UTC the next day
        run(utc(2025, 6, day + 1, 12))
    local_days = [d.astimezone(NEW_YORK).strftime("%a %d") for d in _due(schedule)]
    assert local_days == ["Mon 02", "Wed 04", "Mon 09"]


def test_a_missed_hour_is_caught_up_once_and_day_old_doses_are_recorded_without_email(
    schedule_for, run
):
    schedule = schedule_for("08:00", created=utc(2025, 5, 1))
    # The worker was down until 09:30 on 3 May: 2 May's dose is over 12 h late, 3 May's isn't.
    assert run(utc(2025, 5, 3, 9, 30)) == (2, 1)
    assert _due(schedule) == [utc(2025, 5, 2, 8), utc(2025, 5, 3, 8)]
    assert schedule.doses.get(due_at=utc(2025, 5, 2, 8)).reminded_at is None
    assert len(mail.outbox) == 1
    assert run(utc(2025, 5, 3, 9, 31)) == (0, 0)
    assert len(mail.outbox) == 1


def test_moving_time_zone_adds_no_dose_before_the_newest_one(schedule_for, run, alice_profile):
    schedule = schedule_for("08:00", zone="UTC", created=utc(2025, 5, 1))
    run(utc(2025, 5, 2, 8))  # 1 and 2 May, 08:00 UTC
    alice_profile.time_zone = "America/New_York"
    alice_profile.save(update_fields=["time_zone"])
    # 08:00 in New York on 1 May (12:00 UTC) never got a dose, and must not get one now.
    run(utc(2025, 5, 2, 9))
    assert _due(schedule) == [utc(2025, 5, 1, 8), utc(2025, 5, 2, 8)]
    run(utc(2025, 5, 2, 12))  # the next one follows the new zone
    assert _due(schedule)[-1] == utc(2025, 5, 2, 12)


def test_an_extra_dose_does_not_hide_a_scheduled_one_from_catch_up(schedule_for, run):
    schedule = schedule_for("08:00", created=utc(2025, 5, 1))
    Dose.objects.create(
        schedule=schedule, due_at=utc(2025, 5, 1, 10), status="taken", unscheduled=True
    )
    assert run(utc(2025, 5, 1, 11)) == (1, 1)  # the worker was down at 08:00
    assert utc(2025, 5, 1, 8) in _due(schedule)


def test_nothing_falls_due_before_the_schedule_existed(schedule_for, run):
    schedule = schedule_for("08:00", created=utc(2025, 5, 1, 10))
    assert run(utc(2025, 5, 1, 12)) == (0, 0)
    assert run(utc(2025, 5, 2, 8)) == (1, 1)
    assert _due(schedule) == [utc(2025, 5, 2, 8)]


def test_with_reminders_off_the_dose_is_still_created_but_no_email_is_sent(schedule_for, run):
    schedule = schedule_for("08:00", remind=False, created=utc(2025, 5, 1))
    assert run(utc(2025, 5, 1, 8, 5)) == (1, 0)
    assert schedule.doses.count() == 1
    assert mail.outbox == []


def test_a_removed_schedule_falls_due_no_more(schedule_for, run):
    schedule = schedule_for("08:00", created=utc(2025, 5, 1))
    DoseSchedule.objects.filter(pk=schedule.pk).update(active=False)
    assert run(utc(2025, 5, 1, 8, 5)) == (0, 0)


def test_the_email_names_neither_the_medicine_nor_the_dose(schedule_for, run, settings):
    settings.LUMEN_BASE_URL = "https://lumen.example.org"
    schedule = schedule_for("08:00", created=utc(2025, 5, 1))
    run(utc(2025, 5, 1, 8))
    (email,) = mail.outbox
    text = f"{email.subject}\n{email.body}".casefold()
    for phi in ("metformin", "500 mg", schedule.dose.casefold(), "alice"):
        assert phi not in text
    assert "https://lumen.example.org/patients/doses/" in email.body
    assert email.alternatives == [] and email.attachments == []


def test_a_failing_mail_server_leaves_the_dose_unreminded_and_the_run_finishes(
    schedule_for, run, monkeypatch, caplog
):
    schedule = schedule_for("08:00", created=utc(2025, 5, 1))

    def down(*args, **kwargs):
        raise ConnectionRefusedError("SMTP down")

    monkeypatch.setattr(reminders, "send_mail", down)
    with caplog.at_level("ERROR", logger="django.db.backends.base"):
        assert run(utc(2025, 5, 1, 8)) == (1, 1)
    assert "send_reminder" in caplog.text
    dose = schedule.doses.get()
    assert dose.reminded_at is None
    assert run(utc(2025, 5, 1, 8, 1)) == (0, 0)  # not retried: at most one email per dose


def test_migrate_leaves_one_every_minute_schedule_for_the_task(db):
    schedule = Schedule.objects.get(func=reminders.TASK)
    assert (schedule.schedule_type, schedule.minutes, schedule.repeats) == (Schedule.MINUTES, 1, -1)
    reminders.reminder_schedule_ensure()
    Schedule.objects.filter(pk=schedule.pk).update(repeats=0)  # an operator pauses it
    reminders.reminder_schedule_ensure()
    assert Schedule.objects.filter(func=reminders.TASK).count() == 1
    assert Schedule.objects.get(func=reminders.TASK).repeats == 0


def test_django_q_runs_the_task_from_its_schedule(schedule_for, django_capture_on_commit_callbacks):
    """The real scheduler turns the Schedule row into a task (run inline: tests are sync)."""
    now = timezone.now()
    due = (now - dt.timedelta(minutes=5)).replace(second=0, microsecond=0)
    schedule = schedule_for(due.strftime("%H:%M"), created=now - dt.timedelta(days=1))
    Schedule.objects.filter(func=reminders.TASK).update(next_run=now - dt.timedelta(seconds=1))
    with django_capture_on_commit_callbacks(execute=True):
        scheduler(broker=get_broker())
    assert _due(schedule) == [due]
    assert len(mail.outbox) == 1
    assert Schedule.objects.get(func=reminders.TASK).next_run > now
