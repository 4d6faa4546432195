"""Tracking pages: the symptom diary, medicine schedules, and doses with adherence.

Every view runs in the patient's own time zone (`_patient_view`), so forms read and
templates show local times. Outsiders get a 404 for any record not theirs."""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from lumen.accounts.decorators import role_required
from lumen.accounts.roles import Role
from lumen.lib.charts import Bar, Point, bar_chart, line_chart
from patients import push, tracking
from patients.models import Dose, DoseSchedule, Medication, Profile, SymptomEntry
from patients.selectors import profile_for
from patients.tracking_forms import (
    WEEKDAYS,
    DoseScheduleForm,
    SnoozeForm,
    SupplyForm,
    SymptomEntryForm,
    TimeZoneForm,
    UnscheduledDoseForm,
)

DIARY_PAGE_SIZE = 50  # entries listed per page; the charts draw every entry


def _patient_view(view: Callable) -> Callable:
    """Patients only; passes their profile and activates its time zone for the request."""

    @role_required(Role.PATIENT)
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        profile = profile_for(request.user)
        with timezone.override(tracking.profile_zone(profile)):
            return view(request, profile, *args, **kwargs)

    return wrapped


def _entry_for(profile: Profile, uid) -> SymptomEntry:
    return get_object_or_404(SymptomEntry, uid=uid, profile=profile)


def _medication_for(profile: Profile, uid) -> Medication:
    return get_object_or_404(Medication, uid=uid, profile=profile)


def _schedule_for(profile: Profile, uid) -> DoseSchedule:
    return get_object_or_404(DoseSchedule, uid=uid, medication__profile=profile, active=True)


def _dose_for(profile: Profile, uid) -> Dose:
    return get_object_or_404(
        Dose.objects.select_related("schedule__medication"),
        uid=uid,
        schedule__medication__profile=profile,
    )


# --- Symptom diary ----------------------------------------------------------------------


def _local_form_value(moment=None) -> str:
    """A datetime-local input's value in the patient's zone (now, by default)."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


@_patient_view
def diary(request: HttpRequest, profile: Profile) -> HttpResponse:
    """The diary: a form to add an entry, a chart per symptom, and every entry."""
    form = SymptomEntryForm(request.POST or None, initial={"recorded_at": _local_form_value()})
    if request.method == "POST" and form.is_valid():
        tracking.symptom_entry_add(profile=profile, **form.cleaned_data)
        messages.success(request, "Entry added to your diary.")
        return redirect("patients:diary")
    entries = tracking.symptom_entries(profile)
    page = Paginator(entries, DIARY_PAGE_SIZE).get_page(request.GET.get("page"))
    charts = []
    for name, group in tracking.entries_by_symptom(entries):
        first, last = (timezone.localtime(e.recorded_at) for e in (group[0], group[-1]))
        charts.append(
            {
                "name": name,
                "entries": group,
                "svg": line_chart(
                    [Point(timezone.localtime(e.recorded_at), e.severity) for e in group],
                    title=f"{name}: severity over time",
                    desc=(
                        f"{len(group)} entries from {first:%d %b %Y} to {last:%d %b %Y}, "
                        "severity from 0 (none) to 10 (worst)."
                    ),
                ),
            }
        )
    return render(
        request,
        "patients/diary.html",
        {"form": form, "page": page, "charts": charts, **_zone_context(profile)},
    )


@_patient_view
def diary_entry_edit(request: HttpRequest, profile: Profile, uid) -> HttpResponse:
    entry = _entry_for(profile, uid)
    initial = {
        "symptom": entry.symptom,
        "severity": entry.severity,
        "recorded_at": _local_form_value(entry.recorded_at),
        "notes": entry.notes,
    }
    form = SymptomEntryForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        tracking.symptom_entry_update(entry=entry, **form.cleaned_data)
        messages.success(request, "Entry saved.")
        return redirect("patients:diary")
    return render(request, "patients/diary_entry_form.html", {"form": form, "entry": entry})


@_patient_view
@require_POST
def diary_entry_delete(request: HttpRequest, profile: Profile, uid) -> HttpResponse:
    tracking.symptom_entry_delete(entry=_entry_for(profile, uid))
    messages.success(request, "Entry deleted.")
    return redirect("patients:diary")


# --- Schedules --------------------------------------------------------------------------


def _days_text(weekdays: list[int]) -> str:
    if not weekdays or len(weekdays) == 7:
        return "every day"
    names = dict(WEEKDAYS)
    return ", ".join(names[d] for d in weekdays)


def _zone_context(profile: Profile) -> dict:
    """What the time-zone helper (patients/_time_zone_detect.html) needs: until the patient
    or their browser set a zone, tracking pages adopt the browser's."""
    return {"zone_from_browser": tracking.zone_from_browser_wanted(profile)}


def _whole_days(days: float | None) -> int | None:
    """Days of supply as the refill warning states them: whole days, rounded down."""
    return None if days is None else math.floor(days)


def _supply_form(medication: Medication) -> SupplyForm:
    return SupplyForm(
        initial={
            "pack_count": medication.pack_count,
            "refill_warn_days": medication.refill_warn_days,
            "instructions": medication.instructions,
        }
    )


def _schedules_page(
    request: HttpRequest,
    profile: Profile,
    *,
    bound: tuple[int, DoseScheduleForm | SupplyForm] | None = None,
    zone_form: TimeZoneForm | None = None,
) -> HttpResponse:
    medications = profile.medications.prefetch_related(
        Prefetch("schedules", queryset=DoseSchedule.objects.filter(active=True))
    )

    def bound_or(m: Medication, kind: type, default):
        form = bound[1] if bound and bound[0] == m.pk else None
        return form if isinstance(form, kind) else default

    sections = [
        {
            "medication": m,
            "schedules": [(s, _days_text(s.weekdays)) for s in m.schedules.all()],
            "form": bound_or(m, DoseScheduleForm, DoseScheduleForm()),
            "supply_form": bound_or(m, SupplyForm, _supply_form(m)),
            "supply_days": _whole_days(tracking.supply_days(m)),
            "needs_refill": tracking.needs_refill(m),
        }
        for m in medications
    ]
    return render(
        request,
        "patients/schedules.html",
        {
            "sections": sections,
            "zone_form": zone_form or TimeZoneForm(initial={"time_zone": profile.time_zone}),
            "time_zone_names": tracking.time_zone_names(),
            "push_key": push.public_key() if push.enabled() else "",
            **_zone_context(profile),
        },
    )


@_patient_view
def schedules(request: HttpRequest, profile: Profile) -> HttpResponse:
    """The patient's medicines, each with its schedules and a form to add one, and their
    time zone (reminders follow it)."""
    return _schedules_page(request, profile)


@_patient_view
@require_POST
def schedule_add(request: HttpRequest, profile: Profile, uid) -> HttpResponse:
    medication = _medication_for(profile, uid)
    form = DoseScheduleForm(request.POST)
    if not form.is_valid():
        return _schedules_page(request, profile, bound=(medication.pk, form))
    tracking.dose_schedule_add(medication=medication, **form.cleaned_data)
    messages.success(request, "Schedule added.")
    return redirect("patients:schedules")


@_patient_view
@require_POST
def medication_supply(request: HttpRequest, profile: Profile, uid) -> HttpResponse:
    """A medicine's pack count (refill warnings) and its label's instructions."""
    medication = _medication_for(profile, uid)
    form = SupplyForm(request.POST)
    if not form.is_valid():
        return _schedules_page(request, profile, bound=(medication.pk, form))
    tracking.medication_supply_set(medication=medication, **form.cleaned_data)
    messages.success(request, "Pack and label saved.")
    return redirect(reverse("patients:schedules") + f"#med-{medication.uid}")


@_patient_view
@require_POST
def schedule_remove(request: HttpRequest, profile: Profile, uid) -> HttpResponse:
    tracking.dose_schedule_remove(schedule=_schedule_for(profile, uid))
    messages.success(request, "Schedule removed. Doses already recorded are kept.")
    return redirect("patients:schedules")


@_patient_view
@require_POST
def time_zone(request: HttpRequest, profile: Profile) -> HttpResponse:
    """Set the zone the patient chose, or (source=browser, from a page's script) the zone
    their browser reports, which only applies while they have not set one: a tab left open
    elsewhere never overrides a choice."""
    form = TimeZoneForm(request.POST)
    from_browser = request.POST.get("source") == "browser"
    if from_browser:
        if form.is_valid() and tracking.zone_from_browser_wanted(profile):
            zone = form.cleaned_data["time_zone"]
            tracking.profile_time_zone_set(profile=profile, time_zone=zone)
            messages.info(request, f"Your time zone is now {zone}, taken from this device.")
            return HttpResponse(status=204)
        # Already chosen: nothing to do (200, not 204, so the page does not reload).
        return HttpResponse(status=200 if form.is_valid() else 400)
    if not form.is_valid():
        return _schedules_page(request, profile, zone_form=form)
    tracking.profile_time_zone_set(profile=profile, time_zone=form.cleaned_data["time_zone"])
    messages.success(request, f"Time zone saved: {form.cleaned_data['time_zone']}.")
    return redirect(reverse("patients:schedules") + "#time-zone")


# --- Doses ------------------------------------------------------------------------------


def _adherence_chart(rows: list[dict[int, tracking.Adherence]]) -> str:
    bars = []
    for by_days in rows:
        for days, a in by_days.items():
            text = f"{a.percent}% ({a.taken} of {a.due})" if a.due else ""
            if a.extra:
                text = f"{text} + {a.extra} extra".strip(" +")
            bars.append(Bar(f"{a.medication.name} · last {days} days", a.percent, text))
    return bar_chart(
        bars,
        title="Doses taken, per medicine",
        desc="Share of due doses recorded as taken over the last 7 and 30 days, and extra "
        "doses taken outside the schedule.",
    )


@_patient_view
def doses(request: HttpRequest, profile: Profile) -> HttpResponse:
    """The last week's doses to mark taken or skipped, a form to record an extra dose, and
    adherence per medicine."""
    now = timezone.now()
    recent = list(tracking.doses_recent(profile, now=now))
    for dose in recent:
        dose.missed = tracking.is_missed(dose, now)
    rows = tracking.adherence(profile, now=now)
    running_low = [
        m for m in profile.medications.prefetch_related("schedules") if tracking.needs_refill(m)
    ]
    return render(
        request,
        "patients/doses.html",
        {
            "doses": recent,
            "adherence": rows,
            "chart": _adherence_chart(rows),
            "extra_form": UnscheduledDoseForm(profile=profile),
            "running_low": running_low,
            **_zone_context(profile),
        },
    )


@_patient_view
def dose_detail(request: HttpRequest, profile: Profile, uid) -> HttpResponse:
    """The page a reminder links to: which medicine, how the label says to take it, and
    taken, skipped, snooze or undo."""
    dose = _dose_for(profile, uid)
    dose.missed = tracking.is_missed(dose, timezone.now())
    medication = dose.schedule.medication
    return render(
        request,
        "patients/dose_detail.html",
        {
            "dose": dose,
            "medication": medication,
            "drug": medication.drug,
            "snooze_minutes": tracking.SNOOZE_MINUTES,
            "needs_refill": tracking.needs_refill(medication),
        },
    )


def _dose_done(request: HttpRequest, dose: Dose, note: str) -> HttpResponse:
    """htmx gets the dose's row back; a plain post returns to the page it came from."""
    if request.htmx:
        return render(request, "patients/doses.html#dose", {"dose": dose, "note": note})
    if note:
        messages.info(request, note)
    if request.POST.get("next") == "detail":
        return redirect("patients:dose_detail", uid=dose.uid)
    return redirect(reverse("patients:doses") + f"#dose-{dose.uid}")


@_patient_view
@require_POST
def dose_record(request: HttpRequest, profile: Profile, uid) -> HttpResponse:
    """Taken or skipped."""
    dose = _dose_for(profile, uid)
    status = request.POST.get("status", "")
    if status not in (Dose.Status.TAKEN, Dose.Status.SKIPPED):
        return HttpResponse("Unknown status.", status=400)
    if not tracking.dose_record(dose=dose, status=status):
        dose.refresh_from_db()
        return _dose_done(request, dose, "This dose was already recorded.")
    return _dose_done(request, dose, "")


@_patient_view
@require_POST
def dose_undo(request: HttpRequest, profile: Profile, uid) -> HttpResponse:
    """Undo a dose marked by mistake; an extra dose is removed."""
    dose = _dose_for(profile, uid)
    if not tracking.dose_undo(dose=dose):
        dose.refresh_from_db()
        return _dose_done(request, dose, "There was nothing to undo.")
    if dose.unscheduled:
        if request.htmx:
            return HttpResponse("")  # the row goes
        messages.success(request, "Extra dose removed.")
        return redirect("patients:doses")
    return _dose_done(request, dose, "")


@_patient_view
@require_POST
def dose_snooze(request: HttpRequest, profile: Profile, uid) -> HttpResponse:
    dose = _dose_for(profile, uid)
    form = SnoozeForm(request.POST)
    if not form.is_valid():
        return HttpResponse("Choose 10, 30 or 60 minutes.", status=400)
    minutes = form.cleaned_data["minutes"]
    if tracking.dose_snooze(dose=dose, minutes=minutes):
        messages.success(request, f"We will remind you again in {minutes} minutes.")
    else:
        messages.info(request, "This dose was already recorded.")
    return redirect("patients:dose_detail", uid=dose.uid)


@_patient_view
@require_POST
def dose_record_extra(request: HttpRequest, profile: Profile) -> HttpResponse:
    form = UnscheduledDoseForm(request.POST, profile=profile)
    if form.is_valid():
        tracking.dose_record_unscheduled(medication=form.cleaned_data["medication"])
        messages.success(request, "Dose recorded as taken now.")
    else:
        messages.error(request, "Choose one of your scheduled medicines.")
    return redirect("patients:doses")
