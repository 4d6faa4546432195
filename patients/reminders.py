"""Medicine reminders: every minute the worker turns schedules that have fallen due into
`Dose` rows and emails the patient once per dose.

How a run decides what is due:

- A schedule's doses fall at its local time of day in the patient's zone (zoneinfo), on its
  weekdays (ISO, of the local date). Local times are resolved with fold=0: a time that
  happens twice when clocks go back is due at its first occurrence; a time that does not
  exist when clocks go forward (02:30 in New York on the March change) resolves to the
  instant an hour later on the wall clock (03:30 EDT). Either way the same instant on every
  run, so the unique (schedule, due_at) constraint sees one dose.
- Each run looks back `LOOKBACK`, not just the last minute, so a run that was missed (the
  worker down for an hour) catches up once: the dose row, once there, marks it done. Doses
  due more than `EMAIL_WITHIN` ago are created (adherence counts them) but not emailed: a
  reminder hours late is noise.
- Nothing falls due before the schedule was created, nor before its newest dose: doses
  are created in time order, so an earlier instant that has no dose only appears when the
  patient moved time zone, and making it now would add a dose they were never due.

Concurrency: the dose row is created with get_or_create, so of two workers (or a re-run)
exactly one creates it, and only the creator emails, after its transaction commits.

The email carries no health information. Email is not end-to-end secure and may be read on
a shared or lock-screen device, so it never names the medicine or the dose: it gives the
local time and a link to the dose page, behind the patient's login.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import NamedTuple
from zoneinfo import ZoneInfo

from django.apps import apps as global_apps
from django.conf import settings
from django.core.mail import send_mail
from django.db import DEFAULT_DB_ALIAS, transaction
from django.urls import reverse
from django.utils import timezone

from patients.models import Dose, DoseSchedule
from patients.tracking import profile_zone

logger = logging.getLogger(__name__)

LOOKBACK = dt.timedelta(hours=48)
EMAIL_WITHIN = dt.timedelta(hours=12)
TASK = "patients.reminders.send_due_reminders"
SCHEDULE_NAME = "Medicine reminders"


class Run(NamedTuple):
    doses_created: int
    emails_queued: int


def due_times(
    *,
    time_of_day: dt.time,
    weekdays: list[int],
    zone: ZoneInfo,
    start: dt.datetime,
    end: dt.datetime,
) -> list[dt.datetime]:
    """The instants (UTC) in [start, end] at which a schedule falls due, oldest first."""
    first = start.astimezone(zone).date() - dt.timedelta(days=1)
    last = end.astimezone(zone).date()
    times = []
    day = first
    while day <= last:
        if not weekdays or day.isoweekday() in weekdays:
            local = dt.datetime.combine(day, time_of_day, tzinfo=zone)  # fold=0, see above
            due = local.astimezone(dt.UTC)
            if start <= due <= end:
                times.append(due)
        day += dt.timedelta(days=1)
    return times


def send_due_reminders(now: dt.datetime | None = None) -> Run:
    """Create the doses that have fallen due since the last run and email their reminders.
    Safe to run twice, or in two workers at once: each dose is created and emailed once."""
    now = now or timezone.now()
    since = now - LOOKBACK
    schedules = DoseSchedule.objects.filter(active=True).select_related("medication__profile__user")
    done = _done_since(since)
    newest: dict[int, dt.datetime] = {}
    for schedule_id, due in done:
        newest[schedule_id] = max(due, newest.get(schedule_id, due))
    created = emailed = 0
    for schedule in schedules:
        profile = schedule.medication.profile
        for due in due_times(
            time_of_day=schedule.time_of_day,
            weekdays=schedule.weekdays,
            zone=profile_zone(profile),
            start=max(since, schedule.created_at),
            end=now,
        ):
            if (schedule.pk, due) in done or due < newest.get(schedule.pk, due):
                continue
            with transaction.atomic():
                dose, is_new = Dose.objects.get_or_create(schedule=schedule, due_at=due)
                if not is_new:
                    continue
                created += 1
                user = profile.user
                if schedule.remind and now - due <= EMAIL_WITHIN and user.is_active:
                    emailed += 1
                    transaction.on_commit(
                        _sender(dose.pk, user.email, schedule.time_of_day), robust=True
                    )
    if created:
        logger.info("Reminders: %d doses fell due, %d reminders queued", created, emailed)
    return Run(created, emailed)


def _done_since(since: dt.datetime) -> set[tuple[int, dt.datetime]]:
    """(schedule id, due instant) of the doses that already exist: one query, so most runs
    touch nothing else. A dose another worker creates after this read is still caught by
    get_or_create."""
    return set(
        Dose.objects.filter(
            schedule__active=True, unscheduled=False, due_at__gte=since
        ).values_list("schedule_id", "due_at")
    )


def reminder_text(time_of_day: dt.time) -> tuple[str, str]:
    """Subject and body of a reminder. No medicine name, no dose (see the module docstring)."""
    local = time_of_day.strftime("%H:%M")
    base = settings.LUMEN_BASE_URL.rstrip("/")
    subject = f"[Lumen] It's time for your {local} medicine"
    body = (
        f"It's time for your {local} medicine.\n\n"
        f"Record whether you took it: {base}{reverse('patients:doses')}\n\n"
        "You get this email because reminders are on for one of your medicine schedules. "
        f"You can turn them off at {base}{reverse('patients:schedules')}\n\n"
        "Lumen is informational only and not medical advice.\n"
    )
    return subject, body


def _sender(dose_id: int, address: str, time_of_day: dt.time) -> Callable[[], None]:
    """The after-commit email for one dose. Run robustly: a failing mail server is logged,
    leaves reminded_at empty and does not stop the other reminders. It is not retried, so a
    patient never gets the same reminder twice."""

    def send_reminder() -> None:
        subject, body = reminder_text(time_of_day)
        send_mail(subject, body, None, [address])
        Dose.objects.filter(pk=dose_id, reminded_at__isnull=True).update(reminded_at=timezone.now())

    return send_reminder


def reminder_schedule_ensure(*, using: str = DEFAULT_DB_ALIAS, apps=global_apps, **_) -> None:
    """Make sure django-q2 runs `send_due_reminders` every minute (a post_migrate hook).

    Idempotent: creates the Schedule row only when none points at the task, so an
    operator's changes in the admin (pausing it, say) survive later migrations; a deleted
    row comes back at the next migrate."""
    try:
        schedule_model = apps.get_model("django_q", "Schedule")
    except LookupError:  # django_q not migrated (yet) in this database
        return
    schedule_model.objects.using(using).get_or_create(
        func=TASK,
        defaults={"name": SCHEDULE_NAME, "schedule_type": "I", "minutes": 1, "repeats": -1},
    )
