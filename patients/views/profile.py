"""The patient's home and profile: who they are and what they take."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from lumen.accounts.decorators import role_required
from lumen.accounts.roles import Role
from patients import services
from patients.forms import MedicationForm, ProfileForm
from patients.models import Medication
from patients.selectors import profile_for


@role_required(Role.PATIENT)
def home(request: HttpRequest) -> HttpResponse:
    profile = profile_for(request.user)
    return render(
        request,
        "patients/home.html",
        {
            "profile": profile,
            "medications": profile.medications.all(),
            "med_form": MedicationForm(),
        },
    )


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
def medication_add(request: HttpRequest) -> HttpResponse:
    form = MedicationForm(request.POST)
    if form.is_valid():
        services.medication_add(profile=profile_for(request.user), name=form.cleaned_data["name"])
    else:
        messages.error(request, "Enter the medicine's name (200 characters at most).")
    return redirect("patients:home")


@role_required(Role.PATIENT)
@require_POST
def medication_remove(request: HttpRequest, uid) -> HttpResponse:
    get_object_or_404(Medication, uid=uid, profile__user=request.user).delete()
    return redirect("patients:home")
