from __future__ import annotations

from django import forms
from django.contrib.auth import password_validation


class AcceptInvitationForm(forms.Form):
    name = forms.CharField(label="Full name", max_length=150)
    password1 = forms.CharField(
        label="Password", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password2 = forms.CharField(
        label="Password (again)",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self):
        cleaned = super().clean()
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", "The two passwords differ.")
        elif p1:
            from lumen.accounts.models import User

            try:
                password_validation.validate_password(
                    p1, User(email=self.email, name=cleaned.get("name", ""))
                )
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return cleaned


AUTHORITIES = [
    ("", "All authorities"),
    ("FDA", "FDA (US)"),
    ("EC", "European Commission (EU GMP)"),
    ("EMA", "EMA (EU)"),
    ("MHRA", "MHRA (UK)"),
    ("ICH", "ICH"),
    ("WHO", "WHO"),
    ("PIC/S", "PIC/S"),
    ("USP", "USP"),
    ("ISO", "ISO"),
]
REGIONS = [("", "All regions"), ("US", "United States"), ("EU", "European Union"),
           ("UK", "United Kingdom"), ("INTL", "International")]  # fmt: skip


class RegulatoryQuestionForm(forms.Form):
    question = forms.CharField(
        label="Question",
        min_length=3,
        max_length=1000,
        widget=forms.Textarea(
            attrs={"rows": 3, "placeholder": "e.g. How often must cleaning validation be repeated?"}
        ),
    )
    authority = forms.ChoiceField(choices=AUTHORITIES, required=False)
    region = forms.ChoiceField(choices=REGIONS, required=False)

    def filters(self) -> dict[str, list[str]]:
        data = self.cleaned_data
        return {
            "authorities": [data["authority"]] if data.get("authority") else [],
            "regions": [data["region"]] if data.get("region") else [],
        }
