"""Medicine reminders: every minute the worker turns schedules that have fallen due into
`Dose` rows and reminds the patient, by email and by Web Push to each browser they
subscribed (patients.push); it repeats or snoozes reminders of open doses and warns when a
pack runs low.

How a run decides what is due:

- A schedule's doses fall at its local time of day in the patient's zone (zoneinfo), on its
  weekdays (ISO, of the local date). Local times are resolved with fold=0: a time that
  happens twice when clocks go back is due at its first occurrence; a time that does not
  exist when clocks go forward (02:30 in New York on the March change) resolves to the
  instant an hour later on the wall clock (03:30 EDT). Either way the same instant on every
  run, so the unique (schedule, due_at) constraint sees one dose.
- Each run looks back `LOOKBACK`, not just the last minute, so a run that was missed (the
  worker down for an hour) catches up once: the dose row, once there, marks it done. Doses
  due more than `EMAIL_WITHIN` ago are created (adherence counts them) but not reminded: a
  reminder hours late is noise.
- Nothing falls due before the schedule was created, nor before its newest dose: doses
  are created in time order, so an earlier instant that has no dose only appears when the
  patient moved time zone, and making it now would add a dose they were never due.

Repeats and snoozes: an open dose's `next_reminder_at` is when it is reminded again. A
schedule that repeats sets it every `repeat_minutes` after each reminder, up to
`REPEAT_WINDOW` after the dose's time; a snooze (the patient's choice) sets it directly.
Marking the dose taken or skipped clears it, so reminders stop.

Concurrency: a dose row is created with get_or_create and a repeat is claimed with a
conditional update of `next_reminder_at`, so of two workers (or a re-run) exactly one sends
each reminder, after its transaction commits. Those updates send no audit signals, so
each one that matched writes its own entry (lumen.lib.audit.log_update, no actor: the
worker), as the patient's dose writes do (patients.tracking).

Reminders carry no health information. Email is not end-to-end secure and a notification
shows on a lock screen, so neither names the medicine or the dose: they give the local time
and a link to the dose's page, behind the patient's login.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from collections.abc import Callable
from typing import NamedTuple

from django.apps import apps as global_apps
from django.conf import settings
from django.core.mail import send_mail
from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from lumen.lib.audit import log_update
from patients import push
from patients.models import Dose, DoseSchedule, Medication, Profile
from patients.tracking import due_times, profile_zone, supply_days

logger = logging.getLogger(__name__)

LOOKBACK = dt.timedelta(hours=48)
EMAIL_WITHIN = dt.timedelta(hours=12)
REPEAT_WINDOW = dt.timedelta(hours=2)  # repeats stop this long after the dose's time
TASK = "patients.reminders.send_due_reminders"
SCHEDULE_NAME = "Medicine reminders"


class Run(NamedTuple):
    doses_created: int
    reminders_queued: int  # first reminders of new doses; repeats and snoozes are logged


def send_due_reminders(now: dt.datetime | None = None) -> Run:
    """Create the doses that have fallen due since the last run and send their reminders,
    then the repeats and snoozes that fell due and the refill warnings. Safe to run twice,
    or in two workers at once: each reminder is sent once."""
    now = now or timezone.now()
    since = now - LOOKBACK
    schedules = DoseSchedule.objects.filter(active=True).select_related("medication__profile__user")
    done = _done_since(since)
    newest: dict[int, dt.datetime] = {}
    for schedule_id, due in done:
        newest[schedule_id] = max(due, newest.get(schedule_id, due))
    created = reminded = 0
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
            remind = schedule.remind and now - due <= EMAIL_WITHIN and profile.user.is_active
            with transaction.atomic():
                dose, is_new = Dose.objects.get_or_create(
                    schedule=schedule,
                    due_at=due,
                    defaults={"next_reminder_at": _next_repeat(schedule, due, now)}
                    if remind
                    else {},
                )
                if not is_new:
                    continue
                created += 1
                if remind:
                    reminded += 1
                    transaction.on_commit(_sender(dose, profile), robust=True)
    repeated = _send_repeats(now)
    warned = send_refill_warnings(now)
    if created or repeated or warned:
        logger.info(
            "Reminders: %d doses fell due, %d reminders, %d repeats, %d refill warnings queued",
            created,
            reminded,
            repeated,
            warned,
        )
    return Run(created, reminded)


def _next_repeat(
    schedule: DoseSchedule, due: dt.datetime, reminded: dt.datetime
) -> dt.datetime | None:
    """When to remind again after a reminder at `reminded`: None once past the window."""
    if not schedule.remind or not schedule.repeat_minutes:
        return None
    at = reminded + dt.timedelta(minutes=schedule.repeat_minutes)
    return at if at <= due + REPEAT_WINDOW else None


def _send_repeats(now: dt.datetime) -> int:
    """Remind again the open doses whose repeat or snooze fell due. Each is claimed by
    moving its `next_reminder_at` on with a conditional update, so it is sent once."""
    queued = 0
    open_doses = Dose.objects.filter(
        status=Dose.Status.PENDING, next_reminder_at__lte=now, schedule__active=True
    ).select_related("schedule__medication__profile__user")
    for dose in open_doses:
        following = _next_repeat(dose.schedule, dose.due_at, now)
        with transaction.atomic():
            claimed = Dose.objects.filter(
                pk=dose.pk, status=Dose.Status.PENDING, next_reminder_at=dose.next_reminder_at
            ).update(next_reminder_at=following)
            if claimed:
                log_update(dose, ["next_reminder_at"])
            profile = dose.schedule.medication.profile
            if claimed and now - dose.due_at <= EMAIL_WITHIN and profile.user.is_active:
                queued += 1
                transaction.on_commit(_sender(dose, profile), robust=True)
    return queued


def _done_since(since: dt.datetime) -> set[tuple[int, dt.datetime]]:
    """(schedule id, due instant) of the doses that already exist: one query, so most runs
    touch nothing else. A dose another worker creates after this read is still caught by
    get_or_create."""
    return set(
        Dose.objects.filter(
            schedule__active=True, unscheduled=False, due_at__gte=since
        ).values_list("schedule_id", "due_at")
    )


def reminder_text(time_of_day: dt.time, dose_path: str | None = None) -> tuple[str, str]:
    """Subject and body of a reminder. No medicine name, no dose (see the module docstring)."""
    local = time_of_day.strftime("%H:%M")
    base = settings.LUMEN_BASE_URL.rstrip("/")
    subject = f"[Lumen] It's time for your {local} medicine"
    body = (
        f"It's time for your {local} medicine.\n\n"
        f"Record whether you took it: {base}{dose_path or reverse('patients:doses')}\n\n"
        "You get this email because reminders are on for one of your medicine schedules. "
        f"You can turn them off at {base}{reverse('patients:schedules')}\n\n"
        "Lumen is informational only and not medical advice.\n"
    )
    return subject, body


def reminder_notification(dose: Dose) -> push.Notification:
    """The push notification of a dose: the time and a link, nothing else."""
    local = dose.schedule.time_of_day.strftime("%H:%M")
    return push.Notification(
        title="Lumen reminder",
        body=f"Time for your {local} medicine",
        url=reverse("patients:dose_detail", args=[dose.uid]),
        tag=f"dose-{dose.uid}",
    )


def _sender(dose: Dose, profile: Profile) -> Callable[[], None]:
    """The after-commit reminder of one dose, by push to each subscribed browser, then by
    email. Run robustly: a failing mail server is logged and does not stop the other
    reminders; reminded_at records that one channel got through. Not retried, so a patient
    never gets the same reminder twice."""
    address, time_of_day = profile.user.email, dose.schedule.time_of_day
    notification = reminder_notification(dose)

    def send_reminder() -> None:
        pushed = push.send_to_profile(profile, notification)
        subject, body = reminder_text(time_of_day, notification.url)
        try:
            send_mail(subject, body, None, [address])
        except Exception:
            if pushed:
                _mark_reminded(dose)
            raise
        _mark_reminded(dose)

    return send_reminder


def _mark_reminded(dose: Dose) -> None:
    with transaction.atomic():
        Dose.objects.filter(pk=dose.pk).update(
            reminded_at=Coalesce("reminded_at", Value(timezone.now())),
            reminders_sent=F("reminders_sent") + 1,
        )
        log_update(dose, ["reminded_at", "reminders_sent"])


# --- Refill warnings --------------------------------------------------------------------


def send_refill_warnings(now: dt.datetime) -> int:
    """Warn once when a tracked pack will run out within the medicine's `refill_warn_days`
    at its schedules' pace. Claimed with a conditional update of refill_warned_at, which a
    new pack count clears (patients.tracking.medication_supply_set)."""
    queued = 0
    tracked = (
        Medication.objects.filter(pack_count__isnull=False, refill_warned_at__isnull=True)
        .select_related("profile__user")
        .prefetch_related("schedules")
    )
    for medication in tracked:
        days = supply_days(medication)
        if days is None or days > medication.refill_warn_days:
            continue
        with transaction.atomic():
            claimed = Medication.objects.filter(
                pk=medication.pk, refill_warned_at__isnull=True
            ).update(refill_warned_at=now)
            if claimed:
                log_update(medication, ["refill_warned_at"])
            if claimed and medication.profile.user.is_active:
                queued += 1
                transaction.on_commit(
                    _refill_sender(medication.profile, math.floor(days)), robust=True
                )
    return queued


def refill_text(days: int) -> tuple[str, str]:
    """Subject and body of a refill warning; no medicine name, as for reminders."""
    base = settings.LUMEN_BASE_URL.rstrip("/")
    left = "less than a day" if days < 1 else f"about {days} day{'s' if days != 1 else ''}"
    subject = "[Lumen] One of your medicines is running low"
    body = (
        f"By the pack count you entered, one of your medicines has {left} left.\n\n"
        f"See which, and update the count after a refill: {base}{reverse('patients:schedules')}\n\n"
        "Lumen is informational only and not medical advice.\n"
    )
    return subject, body


def _refill_sender(profile: Profile, days: int) -> Callable[[], None]:
    def send_refill_warning() -> None:
        subject, body = refill_text(days)
        push.send_to_profile(
            profile,
            push.Notification(
                title="Lumen reminder",
                body="One of your medicines is running low",
                url=reverse("patients:schedules"),
                tag="refill",
            ),
        )
        send_mail(subject, body, None, [profile.user.email])

    return send_refill_warning


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
