"""Forms of the flagged-question review (knowledge/review.py)."""

from __future__ import annotations

from django import forms

from knowledge.review import REASONS


class ReviewReasonForm(forms.Form):
    reason = forms.ChoiceField(
        choices=list(REASONS.items()), widget=forms.RadioSelect, label="Why are you opening it?"
    )
    detail = forms.CharField(
        max_length=500,
        strip=True,
        label="In your words",
        # The reason goes into the audit trail, which is not encrypted.
        help_text="Recorded in the audit trail. Do not quote the question here.",
    )


class ReviewNoteForm(forms.Form):
    note = forms.CharField(
        max_length=2000, strip=True, widget=forms.Textarea(attrs={"rows": 3}), label="Review note"
    )
