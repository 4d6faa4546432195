from __future__ import annotations

from datetime import date

from django import forms
from django.utils import timezone

from lumen.accounts import reauth
from patients.models import Allergy, Condition, Medication, Profile


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


class MedicationForm(forms.ModelForm):
    class Meta:
        model = Medication
        fields = ["name"]
        labels = {"name": "Medicine"}
        help_texts = {"name": "Name or brand as on the pack, e.g. Coumadin or metformin."}


class ConditionForm(forms.ModelForm):
    class Meta:
        model = Condition
        fields = ["name"]
        labels = {"name": "Condition"}
        help_texts = {"name": "e.g. chronic kidney disease, asthma, high blood pressure."}


class AllergyForm(forms.ModelForm):
    class Meta:
        model = Allergy
        fields = ["substance", "reaction"]
        labels = {"substance": "Allergic to", "reaction": "What happened (optional)"}
        help_texts = {"substance": "A medicine or a group, e.g. penicillin, NSAIDs, sulfa."}


class AccountEraseForm(forms.Form):
    """Erasure cannot be undone: the password and a typed word make it deliberate."""

    password = forms.CharField(label="Your password", widget=forms.PasswordInput, max_length=200)
    confirm = forms.CharField(
        label='Type "delete" to confirm',
        max_length=20,
        help_text="This deletes your account and all your health data. It cannot be undone.",
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_confirm(self) -> str:
        confirm = self.cleaned_data["confirm"]
        if confirm.strip().lower() != "delete":
            raise forms.ValidationError('Type the word "delete".')
        return confirm

    def clean(self) -> dict:
        """The password is checked last, and only when everything else is valid: otherwise
        the errors shown would tell a guesser whether the password was right."""
        cleaned = super().clean()
        if not self.errors:
            try:
                reauth.password_confirm(
                    user=self.user,
                    password=cleaned["password"],
                    action="deletion password failed",
                )
            except reauth.ReauthRefused as exc:
                self.add_error("password", str(exc))
        return cleaned
