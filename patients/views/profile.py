"""The patient's home and profile: who they are, what they take, what they have, what they
react to. The three lists edit in place with htmx (add, edit, remove) and fall back to plain
posts and redirects without JavaScript."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST
from django_htmx.http import reswap, retarget

from lumen.accounts.decorators import role_required
from lumen.accounts.roles import Role
from patients import services
from patients.forms import AllergyForm, ConditionForm, MedicationForm, ProfileForm
from patients.models import Allergy, Condition, Medication, Profile
from patients.selectors import conditions_with_warnings, medications_with_drugs, profile_for


@dataclass(frozen=True)
class ListKind:
    """One editable list on the profile: its rows, its form and its writes."""

    name: str  # URL segment and partial name
    model: type[models.Model]
    form: type[forms.ModelForm]
    related: str  # Profile's related name for the rows
    title: str
    empty: str
    # Reads what the row template shows beyond the row itself (a medicine's matched drug).
    with_related: Callable[[models.QuerySet], Iterable[models.Model]] | None = None

    def rows(self, profile: Profile):
        rows = getattr(profile, self.related).all()
        return self.with_related(rows) if self.with_related else rows

    def make_form(self, *args, row=None, **kwargs) -> forms.ModelForm:
        # Three forms share one page: ids per list (and per row when editing) keep each
        # label pointing at its own field.
        prefix = f"id_{row.uid}" if row and row.pk else f"id_{self.name}"
        return self.form(*args, instance=row, auto_id=f"{prefix}_%s", **kwargs)

    @cached_property
    def blank_form(self) -> str:
        """The empty add form's HTML: the same for every patient, so rendered once per
        process (three forms were a third of the home page's template time, issue 20)."""
        return self.make_form().as_div()


KINDS = {
    kind.name: kind
    for kind in (
        ListKind(
            "medications",
            Medication,
            MedicationForm,
            "medications",
            "My medicines",
            "None listed. Listing them lets Lumen warn you about interactions.",
            with_related=medications_with_drugs,
        ),
        ListKind(
            "conditions",
            Condition,
            ConditionForm,
            "conditions",
            "My conditions",
            "None listed. Conditions such as kidney disease change which medicines are safe.",
            with_related=conditions_with_warnings,
        ),
        ListKind(
            "allergies",
            Allergy,
            AllergyForm,
            "allergies",
            "My allergies",
            "None listed. Add drug allergies (for example penicillin) and what happened.",
        ),
    )
}


def _row_for(kind: ListKind, request: HttpRequest, uid):
    """One of the patient's own rows in this list; 404 for anyone else's."""
    return get_object_or_404(kind.model, uid=uid, profile__user=request.user)


def _section(
    request: HttpRequest, kind: ListKind, profile: Profile, *, form=None, status=200, removed=""
):
    return render(
        request,
        "patients/home.html#list_section",
        {
            "kind": kind,
            "rows": kind.rows(profile),
            "form": form,  # a form with errors; None shows the blank one
            "profile": profile,
            "removed": removed,  # what was just removed, said in the section's status line
        },
        status=status,
    )


@role_required(Role.PATIENT)
def home(request: HttpRequest) -> HttpResponse:
    profile = profile_for(request.user)
    sections = [{"kind": kind, "rows": kind.rows(profile)} for kind in KINDS.values()]
    return render(request, "patients/home.html", {"profile": profile, "sections": sections})


@role_required(Role.PATIENT)
def profile_edit(request: HttpRequest) -> HttpResponse:
    profile = profile_for(request.user)
    form = ProfileForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your profile is saved.")
        return redirect("patients:home")
    return render(request, "patients/profile_form.html", {"form": form})


@role_required(Role.PATIENT)
@require_POST
def item_add(request: HttpRequest, kind: str) -> HttpResponse:
    kind, profile = KINDS[kind], profile_for(request.user)
    form = kind.make_form(request.POST, row=kind.model(profile=profile))
    if _saved(form):
        if request.htmx:
            return _section(request, kind, profile)
        messages.success(request, "Saved.")
    elif request.htmx:
        return _section(request, kind, profile, form=form, status=422)
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("patients:home")


@role_required(Role.PATIENT)
def item_edit(request: HttpRequest, kind: str, uid) -> HttpResponse:
    """GET: the row as an inline form; POST: save it (the same form, errors in place)."""
    kind = KINDS[kind]
    row = _row_for(kind, request, uid)
    form = kind.make_form(request.POST or None, row=row)
    if request.method == "POST" and _saved(form):
        if request.htmx:
            return _section(request, kind, row.profile)
        return redirect("patients:home")
    context = {"kind": kind, "row": row, "form": form}
    if not request.htmx:
        return render(request, "patients/profile_item_form.html", context)
    response = render(request, "patients/home.html#row_form", context)
    if request.method == "POST":  # errors: show the form again in its row, not the section
        response.status_code = 422
        response = reswap(retarget(response, f"#row-{row.uid}"), "outerHTML")
    return response


def _saved(form: forms.ModelForm) -> bool:
    """Validate and save a list row; what only saving can find (the medicine is already on
    the list under another name) becomes the form's error."""
    if not form.is_valid():
        return False
    try:
        services.profile_item_save(form.instance)
    except ValidationError as exc:
        form.add_error(None, exc)
        return False
    return True


@role_required(Role.PATIENT)
def item_remove(request: HttpRequest, kind: str, uid) -> HttpResponse:
    """GET: ask first (the row turns into "Remove X? Yes / Keep it"), since a removed row
    and a medicine's dose history cannot be brought back; POST: remove it."""
    kind = KINDS[kind]
    row = _row_for(kind, request, uid)
    context = {"kind": kind, "row": row, "label": _label(row)}
    if request.method != "POST":
        if request.htmx:
            return render(request, "patients/home.html#row_remove", context)
        return render(request, "patients/profile_item_remove.html", context)
    profile = row.profile
    row.delete()
    if request.htmx:
        return _section(request, kind, profile, removed=context["label"])
    messages.success(request, f"Removed {context['label']}.")
    return redirect("patients:home")


def _label(row) -> str:
    return getattr(row, "name", None) or row.substance
