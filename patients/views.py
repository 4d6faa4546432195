from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from lumen.accounts.decorators import role_required
from lumen.accounts.roles import Role
from patients import services
from patients.forms import MedicationForm, ProfileForm, QuestionForm
from patients.models import Medication, Message
from patients.selectors import conversation_messages, profile_for


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


@role_required(Role.PATIENT)
def ask(request: HttpRequest) -> HttpResponse:
    """Patient Q&A: the conversation so far and a question box. An htmx post gets back only
    the new exchange to append; a plain post redirects back to the page."""
    form = QuestionForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            asked, reply = services.question_ask(
                user=request.user,
                profile=profile_for(request.user),
                question=form.cleaned_data["question"],
            )
            if request.htmx:
                return render(request, "patients/ask.html#exchange", {"exchange": [asked, reply]})
            return redirect("patients:ask")
        if request.htmx:
            return render(request, "patients/ask.html#form", {"form": form}, status=422)
    return render(
        request,
        "patients/ask.html",
        {"form": form, "history": conversation_messages(request.user)},
    )


@role_required(Role.PATIENT)
@require_POST
def feedback(request: HttpRequest, uid) -> HttpResponse:
    message = get_object_or_404(
        Message, uid=uid, conversation__user=request.user, role=Message.Role.ASSISTANT
    )
    value = {"up": 1, "down": -1}.get(request.POST.get("value", ""))
    if value is None:
        return HttpResponse("Unknown feedback.", status=400)
    services.message_feedback(message=message, value=value)
    if request.htmx:
        return render(request, "patients/ask.html#feedback", {"message": message})
    return redirect("patients:ask")
