"""Forms for the symptom checker: choose a complaint, answer its questions, or describe it."""

from __future__ import annotations

from django import forms

from lumen.safety.knowledge import knowledge_base
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


AGE_UNITS = (("years", "years"), ("months", "months"), ("weeks", "weeks"))
_UNIT_YEARS = {"years": 1.0, "months": 1 / 12, "weeks": 7 / 365}

# The guided interview, one step at a time: who it is for, the warning signs (it stops as
# soon as an emergency one is ticked), the complaint's other questions and the person's own
# words, then a follow-up about any emergency sign Lumen wasn't sure it read right. A post
# without a stage answers everything at once.
STAGES = ("who", "signs", "more", "followup")
STAGE_FIELDS = {
    "who": ("subject", "age", "age_unit"),
    "signs": ("flags",),
    "more": ("flags", "onset", "duration_days", "severity", "details"),
    "followup": ("confirmed",),
}


class QuestionsForm(forms.Form):
    """The guided interview for one complaint; `flags` choices are its warning signs, other
    symptoms and the general signs for the person's age."""

    complaint = forms.CharField(widget=forms.HiddenInput)
    stage = forms.ChoiceField(
        choices=[("", "all")] + [(s, s) for s in STAGES], required=False, widget=forms.HiddenInput
    )
    subject = forms.ChoiceField(
        label="Who is this for?",
        choices=triage.SUBJECTS,
        initial="self",
        required=False,
        widget=forms.RadioSelect,
    )
    age = forms.IntegerField(label="Their age", min_value=0, max_value=120, required=False)
    age_unit = forms.ChoiceField(label="Age in", choices=AGE_UNITS, initial="years", required=False)
    onset = forms.ChoiceField(
        label="How did it start?", choices=ONSET_CHOICES, required=False, widget=forms.RadioSelect
    )
    duration_days = forms.ChoiceField(
        label="How long has it been going on?", choices=triage.DURATION_CHOICES, required=False
    )
    severity = forms.TypedChoiceField(
        label="How bad is it right now, from 0 (none) to 10 (worst imaginable)?",
        choices=SEVERITY_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
    )
    flags = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)
    details = forms.CharField(
        label="Anything else? Describe it in your own words (optional)",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    asked_about = forms.MultipleChoiceField(required=False, widget=forms.MultipleHiddenInput)
    confirmed = forms.MultipleChoiceField(
        label="Lumen wasn't sure it understood. Tick any that are true:",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, complaint: str, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.asked = triage.questions(complaint, age=self._told_age())  # UnknownComplaint
        self.fields["complaint"].initial = complaint
        self.signs = self.asked["warning_signs"] + self.asked["general_signs"]
        flags = self.signs + self.asked["other_symptoms"]
        self.fields["flags"].choices = [(f.id, f.label) for f in flags]
        names = {f.id: f.name for f in knowledge_base().findings.values()}
        self.fields["asked_about"].choices = list(names.items())
        self.fields["confirmed"].choices = list(names.items())
        self.to_ask = []  # emergency findings to ask about in the follow-up step

    def _told_age(self) -> float | None:
        """The subject's age from the submitted answers, before validation (it decides which
        general warning signs apply: a floppy child is asked about only for a child)."""
        try:
            number = float(self.data.get("age", ""))
        except ValueError:
            return None
        return number * _UNIT_YEARS.get(self.data.get("age_unit", "years"), 1.0)

    def clean(self):
        data = super().clean()
        if data.get("subject") in ("child", "other_adult") and data.get("age") is None:
            self.add_error("age", "Please give their age: what is safe depends on it.")
        return data

    def subject_age(self) -> float | None:
        data = self.cleaned_data
        if data.get("age") is None:
            return None
        return round(data["age"] * _UNIT_YEARS[data.get("age_unit") or "years"], 3)

    def carried(self, stage: str) -> list[tuple[str, str]]:
        """Earlier answers, as hidden inputs for the step that shows `stage`."""
        shown = set(STAGE_FIELDS.get(stage, ())) | {"complaint", "stage"}
        out = []
        for name in self.fields:
            values = self.data.getlist(name) if hasattr(self.data, "getlist") else []
            if name == "flags" and name in shown:
                visible = {f.id for f in self._flags_shown(stage)}
                out += [(name, v) for v in values if v not in visible]
            elif name not in shown:
                out += [(name, v) for v in values]
        return out

    def _flags_shown(self, stage: str):
        return self.signs if stage == "signs" else self.asked["other_symptoms"]

    def answers(self) -> dict:
        data = self.cleaned_data
        return {
            "subject": data["subject"] or "self",
            "onset": data["onset"],
            "duration_days": float(data["duration_days"]) if data["duration_days"] else None,
            "severity": data["severity"],
            "flags": list(data["flags"]),
            "details": data["details"],
            "asked": list(data["asked_about"]),
            "confirmed": list(data["confirmed"]),
        }


class DescribeForm(forms.Form):
    text = forms.CharField(
        label="Describe your symptoms in your own words",
        help_text="For example: “sore throat and a temperature of 38.5 for 2 days”.",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
