"""Forms for the symptom diary, medicine schedules and doses.

Date-times are read and shown in the current time zone, which the tracking views set to
the patient's own for the whole request."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone

from patients.models import Medication, Profile
from patients.reminders import REPEAT_WINDOW
from patients.tracking import SNOOZE_MINUTES, time_zone_find

LOCAL_MINUTE = "%Y-%m-%dT%H:%M"  # what <input type="datetime-local"> sends and shows
_WINDOW = f"for up to {REPEAT_WINDOW.total_seconds() / 3600:g} hours"
REPEAT_CHOICES = [
    (0, "No"),
    (15, f"Every 15 minutes, {_WINDOW}"),
    (30, f"Every 30 minutes, {_WINDOW}"),
    (60, f"Every hour, {_WINDOW}"),
]
WEEKDAYS = [
    (1, "Mon"),
    (2, "Tue"),
    (3, "Wed"),
    (4, "Thu"),
    (5, "Fri"),
    (6, "Sat"),
    (7, "Sun"),
]


class SymptomEntryForm(forms.Form):
    symptom = forms.CharField(
        max_length=100, widget=forms.TextInput(attrs={"placeholder": "e.g. Headache"})
    )
    severity = forms.IntegerField(
        label="Severity (0 = none, 10 = worst)",
        min_value=0,
        max_value=10,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    recorded_at = forms.DateTimeField(
        label="When",
        input_formats=[LOCAL_MINUTE],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_MINUTE),
    )
    notes = forms.CharField(
        required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean_recorded_at(self) -> dt.datetime:
        when = self.cleaned_data["recorded_at"]
        # The form works to the minute: "now" as typed is up to a minute ahead of the clock.
        if when > timezone.now() + dt.timedelta(minutes=1):
            raise forms.ValidationError("That time is in the future.")
        return when


class DoseScheduleForm(forms.Form):
    time_of_day = forms.TimeField(
        label="Time", widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    weekdays = forms.TypedMultipleChoiceField(
        label="Days (none ticked: every day)",
        choices=WEEKDAYS,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    dose = forms.CharField(
        required=False,
        max_length=100,
        help_text="Optional: as written on your own label. Lumen never suggests a dose.",
    )
    remind = forms.BooleanField(
        label="Remind me",
        required=False,
        initial=True,
        help_text="By email, and by notification on devices where you turn them on.",
    )
    repeat_minutes = forms.TypedChoiceField(
        label="Until I mark it taken or skipped, remind me again",
        choices=REPEAT_CHOICES,
        coerce=int,
        initial=30,
        required=False,
        empty_value=0,  # a form without the field (an older page) asks for no repeats
    )
    units_per_dose = forms.IntegerField(
        label="Tablets (or other units) per dose",
        min_value=1,
        max_value=20,
        initial=1,
        required=False,
        help_text="Counted off your pack, for refill warnings.",
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )

    def clean_units_per_dose(self) -> int:
        return self.cleaned_data["units_per_dose"] or 1


class SupplyForm(forms.Form):
    """A medicine's pack count and label instructions (patients.tracking.medication_supply_set)."""

    pack_count = forms.IntegerField(
        label="Tablets (or other units) left",
        required=False,
        min_value=0,
        max_value=10_000,
        help_text="Leave empty if you do not want refill warnings.",
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    refill_warn_days = forms.IntegerField(
        label="Warn me this many days before they run out",
        min_value=1,
        max_value=60,
        initial=7,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    instructions = forms.CharField(
        label="How to take it, as your label says",
        required=False,
        max_length=300,
        help_text="For example: with food, or an hour before breakfast. Shown with your "
        "reminders, never in a notification.",
    )


class TimeZoneForm(forms.Form):
    """A zone typed or picked from the page's list of IANA names (a datalist, so the browser
    filters it as the patient types); the page also offers the browser's own zone."""

    time_zone = forms.CharField(
        label="Your time zone",
        max_length=64,
        help_text="Type a city or region, for example London or America/New_York.",
        widget=forms.TextInput(
            attrs={"list": "time-zone-names", "autocomplete": "off", "spellcheck": "false"}
        ),
    )

    def clean_time_zone(self) -> str:
        found = time_zone_find(self.cleaned_data["time_zone"])
        if found is None:
            raise forms.ValidationError(
                "Lumen does not know that time zone. Pick one from the list, for example "
                "Europe/London."
            )
        return found


class SnoozeForm(forms.Form):
    minutes = forms.TypedChoiceField(choices=[(m, m) for m in SNOOZE_MINUTES], coerce=int)


class _MedicationChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Medication) -> str:
        return obj.name


class UnscheduledDoseForm(forms.Form):
    medication = _MedicationChoice(
        label="Medicine", queryset=Medication.objects.none(), to_field_name="uid"
    )

    def __init__(self, *args, profile: Profile, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["medication"].queryset = Medication.objects.filter(
            profile=profile, schedules__isnull=False
        ).distinct()
