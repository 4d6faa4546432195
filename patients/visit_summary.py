"""The visit summary: what a patient would hand a doctor, on one or two printed pages.

Medicines with their schedules and how often they were taken, conditions, allergies, a chart
of recent symptoms and the symptom checker's recent results, in the patient's own time zone,
plain dates and words. Everything Lumen holds, as data, is the JSON export
(`patients.data_rights.export_data`); this is a reading of it for people, so it leaves out
what a doctor would not read (conversation, internal ids, timestamps to the microsecond).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.safestring import SafeString

from lumen.accounts.models import User
from lumen.lib.charts import Point, line_chart
from patients import tracking
from patients.models import Profile, TriageAssessment
from patients.selectors import medications_with_drugs
from patients.services import age_on_today

ADHERENCE_DAYS = 30
SYMPTOM_DAYS = 30
MAX_CHARTS = 3  # the symptoms charted: the most recently recorded ones (two pages at most)
MAX_TRIAGE = 6
WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


@dataclass
class MedicineLine:
    name: str
    recognised_as: str  # the drug's generic name when it differs from what was written
    schedule: str  # "08:00 (1 tablet) and 20:00, every day"
    adherence: str  # "26 of 28 doses taken in the last 30 days (93%)"


@dataclass
class SymptomLine:
    name: str
    entries: int
    average: float
    worst: int
    latest: str  # "4 on 3 December"
    chart: SafeString | str = ""


@dataclass
class TriageLine:
    date: str
    about: str
    outcome: str


@dataclass
class VisitSummary:
    name: str
    born: str
    sex: str
    pregnancy: str
    prepared: str
    time_zone: str
    medicines: list[MedicineLine] = field(default_factory=list)
    conditions: list[str] = field(default_factory=list)
    allergies: list[str] = field(default_factory=list)
    symptoms: list[SymptomLine] = field(default_factory=list)
    triage: list[TriageLine] = field(default_factory=list)
    adherence_days: int = ADHERENCE_DAYS
    symptom_days: int = SYMPTOM_DAYS


def plain_date(moment: dt.date | dt.datetime) -> str:
    return f"{moment.day} {moment:%B %Y}"


def visit_summary(user: User, *, now: dt.datetime | None = None) -> VisitSummary:
    now = now or timezone.now()
    profile = Profile.objects.filter(user=user).first()
    zone = tracking.profile_zone(profile) if profile else dt.UTC
    local_now = now.astimezone(zone)
    summary = VisitSummary(
        name=user.name or user.email,
        born="",
        sex="",
        pregnancy="",
        prepared=plain_date(local_now),
        time_zone=str(zone),
    )
    if profile is None:
        return summary
    if profile.date_of_birth:
        summary.born = (
            f"{plain_date(profile.date_of_birth)} (age {age_on_today(profile.date_of_birth)})"
        )
    summary.sex = profile.get_sex_display() if profile.sex else ""
    summary.pregnancy = profile.get_pregnancy_display() if profile.pregnancy else ""
    summary.medicines = _medicines(profile, now)
    summary.conditions = [c.name for c in profile.conditions.all()]
    summary.allergies = [
        f"{a.substance} ({a.reaction})" if a.reaction else a.substance
        for a in profile.allergies.all()
    ]
    summary.symptoms = _symptoms(profile, now, zone)
    summary.triage = _triage(profile, zone)
    return summary


def _medicines(profile: Profile, now: dt.datetime) -> list[MedicineLine]:
    taken = {
        periods[ADHERENCE_DAYS].medication.pk: periods[ADHERENCE_DAYS]
        for periods in tracking.adherence(profile, now=now, periods=(ADHERENCE_DAYS,))
    }
    rows = medications_with_drugs(profile.medications.prefetch_related("schedules"))
    lines = []
    for medicine in rows:
        drug = medicine.drug.name if medicine.drug else ""
        lines.append(
            MedicineLine(
                name=medicine.name,
                recognised_as=drug if drug and drug.lower() != medicine.name.lower() else "",
                schedule=_schedule_text([s for s in medicine.schedules.all() if s.active]),
                adherence=_adherence_text(taken.get(medicine.pk)),
            )
        )
    return lines


def _schedule_text(schedules) -> str:
    """ "08:00 (1 tablet) and 20:00, every day; 09:00, Mon and Thu"; "" with no schedule."""
    by_days: dict[tuple[int, ...], list[str]] = {}
    for schedule in sorted(schedules, key=lambda s: s.time_of_day):
        time = f"{schedule.time_of_day:%H:%M}"
        if schedule.dose:
            time += f" ({schedule.dose})"
        by_days.setdefault(tuple(sorted(schedule.weekdays)), []).append(time)
    parts = []
    for days, times in by_days.items():
        when = " and ".join(WEEKDAYS[d - 1] for d in days) if days else "every day"
        parts.append(f"{' and '.join(times)}, {when}")
    return "; ".join(parts)


def _adherence_text(adherence: tracking.Adherence | None) -> str:
    if adherence is None or not adherence.due:
        return "no scheduled doses recorded yet"
    text = f"{adherence.taken} of {adherence.due} doses taken ({adherence.percent}%)"
    extra = []
    if adherence.skipped:
        extra.append(f"{adherence.skipped} skipped")
    if adherence.missed:
        extra.append(f"{adherence.missed} missed")
    return text + (f"; {', '.join(extra)}" if extra else "")


def _symptoms(profile: Profile, now: dt.datetime, zone) -> list[SymptomLine]:
    since = now - dt.timedelta(days=SYMPTOM_DAYS)
    recent = [e for e in tracking.symptom_entries(profile) if e.recorded_at >= since]
    groups = tracking.entries_by_symptom(recent)
    # The most recently recorded symptoms first: those are what the visit is likely about.
    groups.sort(key=lambda g: max(e.recorded_at for e in g[1]), reverse=True)
    lines = []
    for index, (name, entries) in enumerate(groups):
        entries = sorted(entries, key=lambda e: e.recorded_at)
        latest = entries[-1]
        line = SymptomLine(
            name=name,
            entries=len(entries),
            average=round(sum(e.severity for e in entries) / len(entries), 1),
            worst=max(e.severity for e in entries),
            latest=f"{latest.severity} on {_day_month(latest.recorded_at.astimezone(zone))}",
        )
        if index < MAX_CHARTS:
            line.chart = line_chart(
                [Point(e.recorded_at.astimezone(zone), e.severity) for e in entries],
                title=f"{name}: severity over the last {SYMPTOM_DAYS} days",
                desc=f"{len(entries)} entries, severity 0 (none) to 10 (worst).",
                height=120,
            )
        lines.append(line)
    return lines


def _triage(profile: Profile, zone) -> list[TriageLine]:
    from patients.triage_services import assessment_data

    lines = []
    for assessment in TriageAssessment.objects.filter(profile=profile)[:MAX_TRIAGE]:
        data = assessment_data(assessment)
        result = data.get("result") or {}
        about = ", ".join(result.get("complaint_labels") or []) or data.get("complaint") or ""
        lines.append(
            TriageLine(
                date=plain_date(assessment.created_at.astimezone(zone)),
                about=about or "described in the patient's own words",
                outcome=str(data.get("label") or ""),
            )
        )
    return lines


def _day_month(moment: dt.datetime) -> str:
    return f"{moment.day} {moment:%B}"
