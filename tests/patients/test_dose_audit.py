"""Dose writes are conditional updates, which django-auditlog's signals never see: each one
that changes a dose, a schedule or a pack still leaves an audit entry naming the record and
who did it, with every value masked (patients.tracking, lumen.lib.audit.log_update)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from auditlog.models import LogEntry
from django.utils import timezone

from lumen.lib.audit import REDACTED
from patients import reminders
from patients.models import Dose, DoseSchedule, Medication, Profile

Status = Dose.Status
NAME, STRENGTH = "Metformin", "500 mg"


@pytest.fixture
def alice_schedule(alice_patient):
    profile = Profile.objects.create(user=alice_patient, time_zone="Europe/London")
    medication = Medication.objects.create(profile=profile, name=NAME, pack_count=30)
    return DoseSchedule.objects.create(
        medication=medication, time_of_day=dt.time(8), dose=STRENGTH, repeat_minutes=10
    )


@pytest.fixture
def alice(alice_schedule, client, login):
    login(alice_schedule.medication.profile.user)
    return alice_schedule.medication.profile.user


def _dose(schedule, status=Status.PENDING) -> Dose:
    now = timezone.now()
    return Dose.objects.create(
        schedule=schedule,
        due_at=now - dt.timedelta(hours=1),
        status=status,
        recorded_at=now if status != Status.PENDING else None,
    )


def _entries(instance, action=LogEntry.Action.UPDATE) -> list[LogEntry]:
    return list(LogEntry.objects.get_for_object(instance).filter(action=action).order_by("id"))


def _assert_masked(entry: LogEntry, instance, fields: set[str]) -> None:
    assert entry.object_pk == str(instance.pk) and entry.object_repr == str(instance)
    assert set(entry.changes_dict) == fields
    assert all(change == [REDACTED, REDACTED] for change in entry.changes_dict.values())
    text = json.dumps(entry.changes) + entry.changes_str + entry.object_repr
    for clear in (NAME, STRENGTH, "taken", "skipped", "pending"):
        assert clear not in text


@pytest.mark.parametrize("status", [Status.TAKEN, Status.SKIPPED])
def test_marking_a_dose_is_audited_once_with_its_actor(client, alice, alice_schedule, status):
    dose = _dose(alice_schedule)
    for _ in range(2):  # the second click changes nothing and records nothing
        client.post(f"/patients/doses/{dose.uid}/record/", {"status": status})

    (entry,) = _entries(dose)
    assert entry.actor == alice
    _assert_masked(entry, dose, {"status", "recorded_at", "next_reminder_at"})
    packs = _entries(alice_schedule.medication)
    if status == Status.TAKEN:
        (pack,) = packs
        assert pack.actor == alice
        _assert_masked(pack, alice_schedule.medication, {"pack_count"})
    else:
        assert packs == []


def test_undoing_a_dose_is_audited_with_its_actor(client, alice, alice_schedule):
    dose = _dose(alice_schedule, Status.TAKEN)
    for _ in range(2):
        client.post(f"/patients/doses/{dose.uid}/undo/")

    (entry,) = _entries(dose)
    assert entry.actor == alice
    _assert_masked(entry, dose, {"status", "recorded_at"})
    (pack,) = _entries(alice_schedule.medication)  # the dose went back into the pack
    assert pack.actor == alice


def test_snoozing_a_dose_is_audited_with_its_actor(client, alice, alice_schedule):
    dose = _dose(alice_schedule)
    client.post(f"/patients/doses/{dose.uid}/snooze/", {"minutes": "10"})

    (entry,) = _entries(dose)
    assert entry.actor == alice
    _assert_masked(entry, dose, {"next_reminder_at"})

    dose.status = Status.TAKEN
    dose.save()
    client.post(f"/patients/doses/{dose.uid}/snooze/", {"minutes": "10"})
    assert len(_entries(dose)) == 2  # the save above, and no snooze of a recorded dose


def test_an_extra_dose_and_its_undo_are_audited_with_the_actor_and_no_values(
    client, alice, alice_schedule
):
    client.post("/patients/doses/extra/", {"medication": str(alice_schedule.medication.uid)})
    dose = Dose.objects.get()
    (created,) = _entries(dose, LogEntry.Action.CREATE)
    assert created.actor == alice
    for field in ("due_at", "status", "recorded_at", "unscheduled"):
        assert created.changes_dict[field] == [REDACTED, REDACTED], field
    (pack,) = _entries(alice_schedule.medication)
    assert pack.actor == alice

    client.post(f"/patients/doses/{dose.uid}/undo/")
    (deleted,) = _entries(dose, LogEntry.Action.DELETE)
    assert deleted.actor == alice and deleted.object_repr == f"Dose {dose.uid}"
    assert NAME not in json.dumps(deleted.changes) and "taken" not in json.dumps(deleted.changes)


def test_removing_a_schedule_is_audited_with_its_actor(client, alice, alice_schedule):
    client.post(f"/patients/schedules/{alice_schedule.uid}/remove/")
    (entry,) = _entries(alice_schedule)
    assert entry.actor == alice
    _assert_masked(entry, alice_schedule, {"active"})


def test_the_workers_repeat_and_reminder_bookkeeping_is_audited_without_an_actor(
    alice_schedule, django_capture_on_commit_callbacks, mailoutbox
):
    dose = _dose(alice_schedule)
    Dose.objects.filter(pk=dose.pk).update(next_reminder_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders._send_repeats(timezone.now()) == 1
    assert len(mailoutbox) == 1

    claimed, reminded = _entries(dose)
    assert claimed.actor is None and reminded.actor is None
    _assert_masked(claimed, dose, {"next_reminder_at"})
    _assert_masked(reminded, dose, {"reminded_at", "reminders_sent"})
