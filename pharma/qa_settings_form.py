"""The organisation's QA settings as an admin form: one field per setting, with its unit and
what it changes, read with the calculators' strict number parsing (`pharma.numbers`), instead
of the JSON they are stored as. A blank field means Lumen's default (`qa_settings.DEFAULTS`)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from pharma import kinds, numbers, qa_settings
from pharma.models import Organisation
from pharma.workflow import MAX_PER_MEANING


class StrictNumberField(forms.CharField):
    """A number typed by a person: refused when ambiguous ("0,012", "185.000"), outside
    [minimum, maximum], or with a fraction where a whole number is meant."""

    def __init__(self, *, minimum: Decimal, maximum: Decimal, whole: bool = False, **kwargs):
        self.minimum, self.maximum, self.whole = minimum, maximum, whole
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("inputmode", "numeric" if whole else "decimal")

    def clean(self, value) -> int | float | None:
        text = super().clean(value)
        if not text:
            return None
        try:
            number = numbers.parse_number(text)
        except numbers.NumberError as exc:
            raise forms.ValidationError(str(exc)[:1].upper() + str(exc)[1:]) from None
        if self.whole and number != number.to_integral_value():
            raise forms.ValidationError("Enter a whole number.")
        if not self.minimum <= number <= self.maximum:
            raise forms.ValidationError(
                f"Enter a value from {numbers.plain(self.minimum)} to "
                f"{numbers.plain(self.maximum)}."
            )
        return numbers.stored(number)


def _number(label: str, unit: str, help_text: str, default: Any, **kwargs) -> StrictNumberField:
    shown_default = "none" if default is None else numbers.plain(default)
    return StrictNumberField(
        label=f"{label} ({unit})" if unit else label,
        help_text=f"{help_text} Blank: Lumen's default ({shown_default}).",
        **kwargs,
    )


# Top-level numeric settings: key -> field. Units in the label, the effect in the help.
NUMBER_FIELDS = {
    "min_pressure_differential_pa": lambda: _number(
        "Minimum pressure differential", "Pa",
        "Between adjacent rooms of different grades; HVAC reports flag a lower one. Guidance "
        "leaves it to the site.", None, minimum=Decimal("0.1"), maximum=Decimal(100),
    ),
    "maco_dose_safety_factor": lambda: _number(
        "Safety factor of the dose-based MACO", "times",
        "MACO by dose = minimum therapeutic dose / this factor * batch size / maximum daily "
        "dose.", qa_settings.DEFAULTS["maco_dose_safety_factor"],
        minimum=Decimal(1), maximum=Decimal(100_000), whole=True,
    ),
    "maco_ppm": lambda: _number(
        "Concentration criterion of the MACO", "ppm of the next batch",
        "The legacy 10 ppm criterion; a lower value is stricter.",
        qa_settings.DEFAULTS["maco_ppm"], minimum=Decimal("0.001"), maximum=Decimal(1000),
    ),
    "periodic_review_months": lambda: _number(
        "Periodic review after", "months",
        "From a revision's effective date; QA administrators are reminded before then.",
        qa_settings.DEFAULTS["periodic_review_months"],
        minimum=Decimal(1), maximum=Decimal(120), whole=True,
    ),
}  # fmt: skip

# Alert levels, in the unit of the USP action level they warn before.
WATER_ALERTS = {
    "toc": ("TOC alert level", "ppb", "The USP <643> action level is 500 ppb."),
    "bioburden": (
        "Bioburden alert level", "cfu per the limit's volume",
        "Compared in the limit's unit: cfu/mL for purified water (action 100), cfu/100 mL for "
        "WFI (action 10).",
    ),
}  # fmt: skip
MEANINGS = (("reviewed", "reviewer"), ("approved", "approver"))


def _water_key(parameter: str) -> str:
    return f"water_alert_{parameter}"


def _matrix_key(kind: str, meaning: str) -> str:
    return f"signatures_{kind}_{meaning}"


def _setting_fields() -> dict[str, forms.Field]:
    """Every setting's field, by form field name."""
    fields = {key: make() for key, make in NUMBER_FIELDS.items()}
    for parameter, (label, unit, help_text) in WATER_ALERTS.items():
        fields[_water_key(parameter)] = _number(
            label, unit, help_text, None, minimum=Decimal(0), maximum=Decimal(100_000)
        )
    for kind in kinds.KINDS.values():
        for meaning, role in MEANINGS:
            fields[_matrix_key(kind.key, meaning)] = StrictNumberField(
                label=f"{kind.title}: {role} signatures",
                help_text=f"Distinct {role}s who sign before approval. Blank: 1.",
                minimum=Decimal(1), maximum=Decimal(MAX_PER_MEANING), whole=True,
            )  # fmt: skip
    return fields


def _stored_values(stored: dict[str, Any]) -> dict[str, str]:
    """The form's initial text for each setting stored in `stored` (the JSON)."""
    shown = {key: _shown(stored.get(key)) for key in NUMBER_FIELDS}
    alerts = stored.get("water_alert_levels") or {}
    shown |= {_water_key(p): _shown(alerts.get(p)) for p in WATER_ALERTS}
    matrix = stored.get("approval_matrix") or {}
    for kind in kinds.KINDS:
        for meaning, _role in MEANINGS:
            value = (matrix.get(kind) or {}).get(meaning)
            shown[_matrix_key(kind, meaning)] = _shown(value)
    return shown


class _OrganisationFormBase(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        stored = dict(self.instance.qa_settings or {}) if self.instance.pk else {}
        for key, value in _stored_values(stored).items():
            self.initial.setdefault(key, value)

    def qa_settings(self) -> dict[str, Any]:
        """The JSON to store: the cleaned fields, blanks left out (the default applies)."""
        data = self.cleaned_data
        values = dict(self.instance.qa_settings or {})
        for key in NUMBER_FIELDS:
            _put(values, key, data.get(key))
        alerts = {
            p: data[_water_key(p)] for p in WATER_ALERTS if data.get(_water_key(p)) is not None
        }
        _put(values, "water_alert_levels", alerts or None)
        matrix: dict[str, dict[str, int]] = {}
        for kind in kinds.KINDS:
            for meaning, _role in MEANINGS:
                if (count := data.get(_matrix_key(kind, meaning))) is not None:
                    matrix.setdefault(kind, {})[meaning] = count
        _put(values, "approval_matrix", matrix or None)
        return values

    def save(self, commit: bool = True):
        self.instance.qa_settings = self.qa_settings()
        return super().save(commit)


# Declared as class attributes (the admin only accepts fields a form declares), made from
# the tables above so that a new document kind gets its approval-matrix fields by itself.
OrganisationForm = type("OrganisationForm", (_OrganisationFormBase,), _setting_fields())
OrganisationForm.__doc__ = """The organisation with its QA settings as fields; `qa_settings`
(JSON) is written from them on save, keeping any key this form does not know."""


def _shown(value: Any) -> str:
    return "" if value is None or isinstance(value, (dict, list)) else numbers.plain(value)


def _put(values: dict[str, Any], key: str, value: Any) -> None:
    if value is None:
        values.pop(key, None)
    else:
        values[key] = value


def fieldsets() -> list[tuple[str, dict]]:
    """The admin's sections for the settings, after the organisation's own fields."""
    return [
        ("Cleaning validation", {"fields": ["maco_dose_safety_factor", "maco_ppm"]}),
        ("HVAC", {"fields": ["min_pressure_differential_pa"]}),
        ("Water system", {"fields": [_water_key(p) for p in WATER_ALERTS]}),
        ("Document control", {"fields": ["periodic_review_months"]}),
        (
            "Approval matrix",
            {
                "fields": [_matrix_key(k, m) for k in kinds.KINDS for m, _role in MEANINGS],
                "description": "Signatures each document kind needs; the author's is always one.",
            },
        ),
    ]
