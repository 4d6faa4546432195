"""The regulatory pathway questionnaire as a form: one field per question in
`pharma.pathways.QUESTIONS`; which are required depends on the other answers."""

from __future__ import annotations

from django import forms

from pharma import pathways

REFERENCE_MAX_LENGTH = 200


class PathwayForm(forms.Form):
    """Every question as an optional field; `clean` asks for the ones the answers make
    relevant and drops the rest, so one plain form and the htmx steps validate alike."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for question in pathways.QUESTIONS:
            if question.choices:
                field = forms.ChoiceField(
                    label=question.label,
                    choices=question.choices,
                    required=False,
                    widget=forms.RadioSelect,
                    help_text=question.help,
                )
            else:
                field = forms.CharField(
                    label=question.label,
                    max_length=REFERENCE_MAX_LENGTH,
                    required=False,
                    help_text=question.help,
                )
            self.fields[question.key] = field

    def clean(self):
        cleaned = super().clean()
        answers = {key: (value or "").strip() for key, value in cleaned.items()}
        for question in pathways.missing_answers(answers):
            if question.key not in self.errors:
                self.add_error(question.key, "Answer this question: it applies to your answers.")
        shown = {q.key for q in pathways.relevant_questions(answers)}
        return {key: value for key, value in answers.items() if key in shown}

    def answers(self) -> dict[str, str]:
        return dict(self.cleaned_data)


def shown_fields(form: PathwayForm, data) -> list[forms.BoundField]:
    """The bound fields of the questions that apply to `data` (all of them when `data` is
    None: the plain one-page form)."""
    if data is None:
        return [form[q.key] for q in pathways.QUESTIONS]
    answers = {q.key: data.get(q.key, "") for q in pathways.QUESTIONS}
    return [form[q.key] for q in pathways.relevant_questions(answers)]
