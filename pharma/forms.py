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
