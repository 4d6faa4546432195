from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from lumen.accounts.decorators import role_required
from lumen.accounts.roles import Role
from patients.forms import ProfileForm
from patients.selectors import profile_for


@role_required(Role.PATIENT)
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "patients/home.html", {"profile": profile_for(request.user)})


@role_required(Role.PATIENT)
def profile_edit(request: HttpRequest) -> HttpResponse:
    profile = profile_for(request.user)
    form = ProfileForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your profile is saved.")
        return redirect("patients:home")
    return render(request, "patients/profile_form.html", {"form": form})
