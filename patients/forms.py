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
