"""Forms for the symptom diary, medicine schedules and doses.

Date-times are read and shown in the current time zone, which the tracking views set to
the patient's own for the whole request."""

from __future__ import annotations

import datetime as dt
from functools import cache

from django import forms
from django.utils import timezone

from patients.models import Medication, Profile
from patients.tracking import time_zone_names

LOCAL_MINUTE = "%Y-%m-%dT%H:%M"  # what <input type="datetime-local"> sends and shows
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
    remind = forms.BooleanField(label="Email me a reminder", required=False, initial=True)


@cache
def _time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in time_zone_names()]


class TimeZoneForm(forms.ModelForm):
    time_zone = forms.ChoiceField(label="Your time zone", choices=_time_zone_choices)

    class Meta:
        model = Profile
        fields = ["time_zone"]


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
