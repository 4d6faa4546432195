"""Forms for the symptom checker: choose a complaint, answer its questions, or describe it."""

from __future__ import annotations

from django import forms

from patients import triage

SEVERITY_CHOICES = [("", "Not sure")] + [(str(n), str(n)) for n in range(11)]
ONSET_CHOICES = [
    ("sudden", "Suddenly (seconds to minutes)"),
    ("gradual", "Gradually"),
    ("", "Not sure"),
]


class ComplaintForm(forms.Form):
    complaint = forms.ChoiceField(label="What is the main problem?")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["complaint"].choices = triage.complaint_choices()


class QuestionsForm(forms.Form):
    """The follow-up questions for one complaint; `flags` choices are its warning signs, other
    symptoms and the general signs (rendered in three fieldsets)."""

    complaint = forms.CharField(widget=forms.HiddenInput)
    onset = forms.ChoiceField(
        label="How did it start?", choices=ONSET_CHOICES, required=False, widget=forms.RadioSelect
    )
    duration_days = forms.ChoiceField(
        label="How long have you had it?", choices=triage.DURATION_CHOICES, required=False
    )
    severity = forms.TypedChoiceField(
        label="How bad is it right now, from 0 (none) to 10 (worst imaginable)?",
        choices=SEVERITY_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
    )
    flags = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, complaint: str, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.asked = triage.questions(complaint)  # UnknownComplaint for a bad id
        self.fields["complaint"].initial = complaint
        flags = (
            self.asked["warning_signs"] + self.asked["other_symptoms"] + self.asked["general_signs"]
        )
        self.fields["flags"].choices = [(f.id, f.label) for f in flags]

    def answers(self) -> dict:
        data = self.cleaned_data
        return {
            "onset": data["onset"],
            "duration_days": float(data["duration_days"]) if data["duration_days"] else None,
            "severity": data["severity"],
            "flags": list(data["flags"]),
        }


class DescribeForm(forms.Form):
    text = forms.CharField(
        label="Describe your symptoms in your own words",
        help_text="For example: “sore throat and a temperature of 38.5 for 2 days”.",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
