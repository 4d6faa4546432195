"""Symptom diary and medicine tracking: the writes (`<entity>_<verb>`), and the reads that
have to happen in Python because the fields are encrypted (sorting the diary, grouping by
symptom, adherence).

Times: the patient thinks in their profile's time zone; everything stored is aware UTC.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from django.db.models import QuerySet
from django.utils import timezone

from patients.models import Dose, DoseSchedule, Medication, Profile, SymptomEntry

MISSED_AFTER = dt.timedelta(days=1)  # a pending dose older than this counts as missed


def profile_zone(profile: Profile) -> ZoneInfo:
    """The patient's zone; UTC if the stored name is no longer known to tzdata."""
    try:
        return ZoneInfo(profile.time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def time_zone_names() -> list[str]:
    """The IANA zone names a patient may choose from, sorted."""
    return sorted(available_timezones() - {"Factory", "localtime", "posixrules"})


# --- Symptom diary ----------------------------------------------------------------------


def symptom_entry_add(
    *, profile: Profile, symptom: str, severity: int, recorded_at: dt.datetime, notes: str = ""
) -> SymptomEntry:
    entry = SymptomEntry(
        profile=profile,
        symptom=symptom.strip(),
        severity=severity,
        recorded_at=recorded_at,
        notes=notes.strip(),
    )
    entry.full_clean()
    entry.save()
    return entry


def symptom_entry_update(
    *, entry: SymptomEntry, symptom: str, severity: int, recorded_at: dt.datetime, notes: str
) -> SymptomEntry:
    entry.symptom, entry.severity = symptom.strip(), severity
    entry.recorded_at, entry.notes = recorded_at, notes.strip()
    entry.full_clean()
    entry.save(update_fields=["symptom", "severity", "recorded_at", "notes"])
    return entry


def symptom_entry_delete(*, entry: SymptomEntry) -> None:
    entry.delete()


def symptom_entries(profile: Profile) -> list[SymptomEntry]:
    """The patient's diary, newest first (sorted here: the columns are ciphertext)."""
    return sorted(
        SymptomEntry.objects.filter(profile=profile),
        key=lambda e: (e.recorded_at, e.created_at),
        reverse=True,
    )


def symptom_key(symptom: str) -> str:
    """Spacing and case do not matter: "Headache" and " headache" are one symptom."""
    return " ".join(symptom.split()).casefold()


def entries_by_symptom(entries: list[SymptomEntry]) -> list[tuple[str, list[SymptomEntry]]]:
    """Entries grouped by symptom, each group oldest first and named as the patient last
    wrote it; groups in alphabetical order."""
    groups: dict[str, list[SymptomEntry]] = defaultdict(list)
    for entry in sorted(entries, key=lambda e: (e.recorded_at, e.created_at)):
        groups[symptom_key(entry.symptom)].append(entry)
    return [(group[-1].symptom, group) for _, group in sorted(groups.items())]


# --- Schedules --------------------------------------------------------------------------


def profile_time_zone_set(*, profile: Profile, time_zone: str) -> Profile:
    if time_zone not in available_timezones():
        raise ValueError(f"Unknown time zone {time_zone!r}")
    profile.time_zone = time_zone
    profile.save(update_fields=["time_zone", "updated_at"])
    return profile


def dose_schedule_add(
    *,
    medication: Medication,
    time_of_day: dt.time,
    weekdays: list[int],
    dose: str = "",
    remind: bool = True,
) -> DoseSchedule:
    """A new schedule. `dose` is the patient's own note of what their label says: Lumen
    stores it, never suggests or checks it."""
    schedule = DoseSchedule(
        medication=medication,
        time_of_day=time_of_day.replace(second=0, microsecond=0),
        weekdays=sorted(set(weekdays)),
        dose=dose.strip(),
        remind=remind,
    )
    schedule.full_clean()
    schedule.save()
    return schedule


def dose_schedule_remove(*, schedule: DoseSchedule) -> bool:
    """Stop a schedule. It is deactivated, not deleted, so the doses already recorded keep
    counting in adherence; False if it was already stopped."""
    return bool(DoseSchedule.objects.filter(pk=schedule.pk, active=True).update(active=False))


# --- Doses ------------------------------------------------------------------------------


def dose_record(*, dose: Dose, status: str, now: dt.datetime | None = None) -> bool:
    """Mark a pending dose taken or skipped. A conditional update, so a double click or two
    tabs record it once; False if it was already recorded."""
    if status not in (Dose.Status.TAKEN, Dose.Status.SKIPPED):
        raise ValueError(f"Cannot record a dose as {status!r}")
    now = now or timezone.now()
    updated = Dose.objects.filter(pk=dose.pk, status=Dose.Status.PENDING).update(
        status=status, recorded_at=now
    )
    if updated:
        dose.status, dose.recorded_at = status, now
    return bool(updated)


def dose_record_unscheduled(*, medication: Medication, now: dt.datetime | None = None) -> Dose:
    """Record a dose taken now, outside its schedule. It hangs off the medicine's current
    schedule (a dose always has one) and is flagged so adherence leaves it out."""
    schedule = medication.schedules.order_by("-active", "-created_at").first()
    if schedule is None:
        raise ValueError("This medicine has no schedule to record a dose against.")
    now = now or timezone.now()
    return Dose.objects.create(
        schedule=schedule, due_at=now, status=Dose.Status.TAKEN, recorded_at=now, unscheduled=True
    )


def doses_recent(profile: Profile, *, now: dt.datetime, days: int = 7) -> QuerySet[Dose]:
    """The patient's doses that fell due in the last `days` days, newest first."""
    return (
        Dose.objects.filter(
            schedule__medication__profile=profile, due_at__gt=now - dt.timedelta(days=days)
        )
        .select_related("schedule__medication")
        .order_by("-due_at", "id")
    )


def is_missed(dose: Dose, now: dt.datetime) -> bool:
    return dose.status == Dose.Status.PENDING and now - dose.due_at > MISSED_AFTER


@dataclass(frozen=True)
class Adherence:
    """Taken out of due for one medicine over `days` days. `due` counts doses recorded
    (taken or skipped) and missed ones; doses still open (pending, under a day old) are not
    counted yet, and neither are unscheduled ones."""

    medication: Medication
    days: int
    taken: int = 0
    skipped: int = 0
    missed: int = 0

    @property
    def due(self) -> int:
        return self.taken + self.skipped + self.missed

    @property
    def percent(self) -> int | None:
        return round(100 * self.taken / self.due) if self.due else None


def adherence(
    profile: Profile, *, now: dt.datetime, periods: tuple[int, ...] = (7, 30)
) -> list[dict[int, Adherence]]:
    """Per medicine (in the order the patient added them), its adherence for each period in
    days. Medicines with an active schedule or doses in the longest period are listed. Three
    queries, whatever the number of doses."""
    since = now - dt.timedelta(days=max(periods))
    rows = Dose.objects.filter(
        schedule__medication__profile=profile,
        unscheduled=False,
        due_at__gt=since,
        due_at__lte=now,
    ).values_list("schedule__medication_id", "status", "due_at")
    counts: dict[tuple[int, int], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for medication_id, status, due_at in rows:
        if status == Dose.Status.PENDING:
            if now - due_at <= MISSED_AFTER:
                continue
            status = "missed"
        for days in periods:
            if due_at > now - dt.timedelta(days=days):
                counts[(medication_id, days)][status] += 1
    seen = {medication_id for medication_id, _ in counts}
    medications = [
        m
        for m in profile.medications.prefetch_related("schedules")
        if m.pk in seen or any(s.active for s in m.schedules.all())
    ]
    return [
        {
            days: Adherence(
                medication=m,
                days=days,
                taken=counts[(m.pk, days)]["taken"],
                skipped=counts[(m.pk, days)]["skipped"],
                missed=counts[(m.pk, days)]["missed"],
            )
            for days in periods
        }
        for m in medications
    ]
