"""Symptom diary and medicine tracking: the writes (`<entity>_<verb>`), and the reads that
have to happen in Python because the fields are encrypted (sorting the diary, grouping by
symptom, adherence).

Times: the patient thinks in their profile's time zone; everything stored is aware UTC.

Audit: saves and deletes are audited by django-auditlog's signals. The dose writes are
conditional `QuerySet.update()`s instead (a double click, two tabs, or a reminder worker
racing the patient change a dose once), and an update sends no signals; so each one, once it
has matched, writes its own entry with `log_update` in the same transaction. That keeps the
race-free update, rather than a read-modify-`save()` that would need a row lock to be as safe.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from django.db import transaction
from django.db.models import F, QuerySet, Value
from django.db.models.functions import Greatest
from django.utils import timezone

from lumen.lib.audit import log_update
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


def zone_from_browser_wanted(profile: Profile) -> bool:
    """Whether pages should adopt the browser's zone: only while the patient has never set
    one and it is still the UTC default (a zone stored by other means is kept)."""
    return not profile.time_zone_confirmed and profile.time_zone == "UTC"


def time_zone_find(text: str) -> str | None:
    """The zone a patient typed: an IANA name in any case, with spaces for underscores
    ("europe/london", "America/New York"), or a place that names exactly one zone
    ("Tokyo", "new york"). None when it is unknown or ambiguous."""
    wanted = "_".join(text.split()).casefold()
    if not wanted:
        return None
    names = time_zone_names()
    exact = [n for n in names if n.casefold() == wanted]
    if exact:
        return exact[0]
    places = [n for n in names if n.rsplit("/", 1)[-1].casefold() == wanted]
    return places[0] if len(places) == 1 else None


def due_times(
    *,
    time_of_day: dt.time,
    weekdays: list[int],
    zone: ZoneInfo,
    start: dt.datetime,
    end: dt.datetime,
) -> list[dt.datetime]:
    """The instants (UTC) in [start, end] at which a schedule falls due, oldest first.
    Local times resolve with fold=0 (see patients.reminders)."""
    first = start.astimezone(zone).date() - dt.timedelta(days=1)
    last = end.astimezone(zone).date()
    times = []
    day = first
    while day <= last:
        if not weekdays or day.isoweekday() in weekdays:
            local = dt.datetime.combine(day, time_of_day, tzinfo=zone)
            due = local.astimezone(dt.UTC)
            if start <= due <= end:
                times.append(due)
        day += dt.timedelta(days=1)
    return times


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
    profile.time_zone, profile.time_zone_confirmed = time_zone, True
    profile.save(update_fields=["time_zone", "time_zone_confirmed", "updated_at"])
    return profile


def dose_schedule_add(
    *,
    medication: Medication,
    time_of_day: dt.time,
    weekdays: list[int],
    dose: str = "",
    remind: bool = True,
    repeat_minutes: int = 0,
    units_per_dose: int = 1,
    now: dt.datetime | None = None,
) -> DoseSchedule:
    """A new schedule. `dose` is the patient's own note of what their label says: Lumen
    stores it, never suggests or checks it.

    Its times that already passed today (local) are created as doses at once, so a patient
    who sets up their 08:00 medicine at noon can record this morning's dose. They get no
    reminder: that time is gone."""
    now = now or timezone.now()
    schedule = DoseSchedule(
        medication=medication,
        time_of_day=time_of_day.replace(second=0, microsecond=0),
        weekdays=sorted(set(weekdays)),
        dose=dose.strip(),
        remind=remind,
        repeat_minutes=repeat_minutes,
        units_per_dose=units_per_dose,
    )
    schedule.full_clean()
    with transaction.atomic():
        schedule.save()
        zone = profile_zone(medication.profile)
        midnight = dt.datetime.combine(now.astimezone(zone).date(), dt.time(), tzinfo=zone)
        for due in due_times(
            time_of_day=schedule.time_of_day,
            weekdays=schedule.weekdays,
            zone=zone,
            start=midnight.astimezone(dt.UTC),
            end=now,
        ):
            Dose.objects.get_or_create(schedule=schedule, due_at=due)
    return schedule


def medication_supply_set(
    *, medication: Medication, pack_count: int | None, refill_warn_days: int, instructions: str
) -> Medication:
    """The pack count (units left; None stops tracking) and label instructions. A new count
    is a refill, so the next running-low warning may be sent again."""
    medication.pack_count, medication.refill_warn_days = pack_count, refill_warn_days
    medication.instructions = instructions.strip()
    medication.refill_warned_at = None
    medication.full_clean()
    medication.save(
        update_fields=["pack_count", "refill_warn_days", "instructions", "refill_warned_at"]
    )
    return medication


def supply_days(medication: Medication) -> float | None:
    """Days the pack lasts at the active schedules' pace (units per dose, days per week);
    None when the supply is not tracked or nothing is scheduled."""
    if medication.pack_count is None:
        return None
    per_day = sum(
        s.units_per_dose * (len(s.weekdays) if s.weekdays else 7) / 7
        for s in medication.schedules.all()
        if s.active
    )
    return medication.pack_count / per_day if per_day else None


def needs_refill(medication: Medication) -> bool:
    days = supply_days(medication)
    return days is not None and days <= medication.refill_warn_days


def _pack_adjust(schedule: DoseSchedule, units: int) -> None:
    """Count units off (negative) or back onto (positive) the pack, never below zero. In SQL,
    so two doses marked at once both count."""
    if Medication.objects.filter(pk=schedule.medication_id, pack_count__isnull=False).update(
        pack_count=Greatest(F("pack_count") + units, Value(0))
    ):
        log_update(schedule.medication, ["pack_count"])


def dose_schedule_remove(*, schedule: DoseSchedule) -> bool:
    """Stop a schedule. It is deactivated, not deleted, so the doses already recorded keep
    counting in adherence; False if it was already stopped."""
    with transaction.atomic():
        stopped = DoseSchedule.objects.filter(pk=schedule.pk, active=True).update(active=False)
        if stopped:
            log_update(schedule, ["active"])
    return bool(stopped)


# --- Doses ------------------------------------------------------------------------------


def dose_record(*, dose: Dose, status: str, now: dt.datetime | None = None) -> bool:
    """Mark a pending dose taken or skipped. A conditional update, so a double click or two
    tabs record it once; False if it was already recorded."""
    if status not in (Dose.Status.TAKEN, Dose.Status.SKIPPED):
        raise ValueError(f"Cannot record a dose as {status!r}")
    now = now or timezone.now()
    with transaction.atomic():
        updated = Dose.objects.filter(pk=dose.pk, status=Dose.Status.PENDING).update(
            status=status, recorded_at=now, next_reminder_at=None
        )
        if updated:
            log_update(dose, ["status", "recorded_at", "next_reminder_at"])
        if updated and status == Dose.Status.TAKEN:
            _pack_adjust(dose.schedule, -dose.schedule.units_per_dose)
    if updated:
        dose.status, dose.recorded_at, dose.next_reminder_at = status, now, None
    return bool(updated)


def dose_undo(*, dose: Dose) -> bool:
    """Take back a dose marked by mistake: a scheduled dose is open again (no reminder is
    sent for it again), an extra dose is deleted; a taken one goes back into the pack.
    Conditional, so a double click undoes once; False if there was nothing to undo. (The
    extra dose's deletion is audited by auditlog's delete signal.)"""
    with transaction.atomic():
        if dose.unscheduled:
            undone = bool(Dose.objects.filter(pk=dose.pk).delete()[0])
        else:
            undone = bool(
                Dose.objects.filter(pk=dose.pk, status=dose.status)
                .exclude(status=Dose.Status.PENDING)
                .update(status=Dose.Status.PENDING, recorded_at=None)
            )
            if undone:
                log_update(dose, ["status", "recorded_at"])
        if undone and dose.status == Dose.Status.TAKEN:
            _pack_adjust(dose.schedule, dose.schedule.units_per_dose)
    if undone:
        dose.status, dose.recorded_at = Dose.Status.PENDING, None
    return undone


SNOOZE_MINUTES = (10, 30, 60)


def dose_snooze(*, dose: Dose, minutes: int, now: dt.datetime | None = None) -> bool:
    """Remind again in `minutes` (the worker sends it); False if the dose is no longer open."""
    if minutes not in SNOOZE_MINUTES:
        raise ValueError(f"Cannot snooze for {minutes!r} minutes")
    at = (now or timezone.now()) + dt.timedelta(minutes=minutes)
    with transaction.atomic():
        updated = Dose.objects.filter(pk=dose.pk, status=Dose.Status.PENDING).update(
            next_reminder_at=at
        )
        if updated:
            log_update(dose, ["next_reminder_at"])
    if updated:
        dose.next_reminder_at = at
    return bool(updated)


def dose_record_unscheduled(*, medication: Medication, now: dt.datetime | None = None) -> Dose:
    """Record a dose taken now, outside its schedule. It hangs off the medicine's current
    schedule (a dose always has one) and is flagged so adherence leaves it out."""
    schedule = medication.schedules.order_by("-active", "-created_at").first()
    if schedule is None:
        raise ValueError("This medicine has no schedule to record a dose against.")
    now = now or timezone.now()
    with transaction.atomic():
        dose = Dose.objects.create(
            schedule=schedule,
            due_at=now,
            status=Dose.Status.TAKEN,
            recorded_at=now,
            unscheduled=True,
        )
        _pack_adjust(schedule, -schedule.units_per_dose)
    return dose


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
    counted yet. Extra doses (taken outside the schedule) are counted apart: they were never
    due, so they add to what was taken without raising the share of due doses taken."""

    medication: Medication
    days: int
    taken: int = 0
    skipped: int = 0
    missed: int = 0
    extra: int = 0

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
        due_at__gt=since,
        due_at__lte=now,
    ).values_list("schedule__medication_id", "status", "due_at", "unscheduled")
    counts: dict[tuple[int, int], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for medication_id, status, due_at, unscheduled in rows:
        if unscheduled:
            status = "extra"
        elif status == Dose.Status.PENDING:
            if now - due_at <= MISSED_AFTER:
                continue  # still open
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
                extra=counts[(m.pk, days)]["extra"],
            )
            for days in periods
        }
        for m in medications
    ]
