"""My data: download everything (JSON, PDF) or delete the account and all health data."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from lumen.accounts.decorators import role_required
from lumen.accounts.roles import Role
from patients import data_rights
from patients.forms import AccountEraseForm


@role_required(Role.PATIENT)
def my_data(request: HttpRequest) -> HttpResponse:
    form = AccountEraseForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        user = request.user
        logout(request)
        data_rights.account_erase(user=user)
        messages.success(request, "Your account and all your health data have been deleted.")
        return redirect("home")
    return render(request, "patients/my_data.html", {"form": form})


def _download(content: bytes, content_type: str, extension: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    name = f"lumen-data-{timezone.localdate():%Y-%m-%d}.{extension}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"  # health data: never in a shared cache
    return response


@role_required(Role.PATIENT)
@require_GET
def export_json(request: HttpRequest) -> HttpResponse:
    return _download(data_rights.export_json(request.user), "application/json", "json")


@role_required(Role.PATIENT)
@require_GET
def export_pdf(request: HttpRequest) -> HttpResponse:
    return _download(data_rights.export_pdf(request.user), "application/pdf", "pdf")
