from __future__ import annotations

from datetime import date

from django import forms
from django.utils import timezone

from patients.models import Profile


class ProfileForm(forms.ModelForm):
    class Meta:
        model = Profile
        fields = ["date_of_birth", "sex", "pregnancy"]
        widgets = {"date_of_birth": forms.DateInput(attrs={"type": "date"})}

    def clean_date_of_birth(self) -> date | None:
        dob = self.cleaned_data.get("date_of_birth")
        if dob is None:
            return dob
        today = timezone.localdate()
        if dob > today:
            raise forms.ValidationError("Date of birth cannot be in the future.")
        if dob.year < today.year - 125:
            raise forms.ValidationError("Please check the year of birth.")
        return dob


class QuestionForm(forms.Form):
    question = forms.CharField(
        label="Your question",
        min_length=3,
        max_length=1000,
        widget=forms.Textarea(
            attrs={"rows": 3, "placeholder": "e.g. What are the side effects of ibuprofen?"}
        ),
    )


class MedicationForm(forms.Form):
    name = forms.CharField(label="Medicine", max_length=200)
