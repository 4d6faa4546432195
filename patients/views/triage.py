"""The symptom checker: choose a complaint, answer its questions, see the result; or describe
symptoms in plain language. Each step is a plain form post; htmx swaps the next step in place."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from lumen.accounts.decorators import role_required
from lumen.accounts.roles import Role
from patients import triage
from patients import triage_services as services
from patients.selectors import profile_for
from patients.triage_forms import ComplaintForm, DescribeForm, QuestionsForm


def _assessment_for(request: HttpRequest, uid):
    return get_object_or_404(services.assessments_for(request.user), uid=uid)


def _questions_form(complaint: str, data=None) -> QuestionsForm:
    try:
        return QuestionsForm(complaint, data)
    except triage.UnknownComplaint:
        raise Http404("Unknown complaint.") from None


@role_required(Role.PATIENT)
def start(request: HttpRequest) -> HttpResponse:
    """Step 1: choose the main problem, or describe it in words."""
    return render(
        request,
        "patients/triage.html",
        {"choose_form": ComplaintForm(), "describe_form": DescribeForm()},
    )


@role_required(Role.PATIENT)
def questions(request: HttpRequest) -> HttpResponse:
    """Step 2: the follow-up questions the chosen complaint needs."""
    choose_form = ComplaintForm(request.GET)
    if not choose_form.is_valid():
        context = {"choose_form": choose_form, "describe_form": DescribeForm()}
        if request.htmx:
            return render(request, "patients/triage.html#choose", context, status=422)
        return render(request, "patients/triage.html", context, status=422)
    form = _questions_form(choose_form.cleaned_data["complaint"])
    template = "patients/triage_questions.html"
    return render(request, f"{template}#questions" if request.htmx else template, {"form": form})


@role_required(Role.PATIENT)
@require_POST
def assess(request: HttpRequest) -> HttpResponse:
    """Step 3: assess the answers and save the result to the patient's history."""
    form = _questions_form(request.POST.get("complaint", ""), request.POST)
    if not form.is_valid():
        template = "patients/triage_questions.html"
        return render(
            request,
            f"{template}#questions" if request.htmx else template,
            {"form": form},
            status=422,
        )
    assessment = services.triage_guided(
        profile=profile_for(request.user),
        complaint=form.cleaned_data["complaint"],
        answers=form.answers(),
    )
    return _show(request, assessment)


@role_required(Role.PATIENT)
@require_POST
def describe(request: HttpRequest) -> HttpResponse:
    """Free text: assess a plain-language description."""
    form = DescribeForm(request.POST)
    if not form.is_valid():
        context = {"choose_form": ComplaintForm(), "describe_form": form}
        if request.htmx:
            return render(request, "patients/triage.html#describe", context, status=422)
        return render(request, "patients/triage.html", context, status=422)
    assessment = services.triage_text(
        profile=profile_for(request.user), text=form.cleaned_data["text"]
    )
    return _show(request, assessment)


def _show(request: HttpRequest, assessment) -> HttpResponse:
    url = reverse("patients:triage_result", args=[assessment.uid])
    if request.htmx:
        response = render(
            request, "patients/triage_result.html#result", _result_context(assessment)
        )
        response["HX-Push-Url"] = url
        return response
    return redirect(url)


def _result_context(assessment) -> dict:
    data = services.assessment_data(assessment)
    return {"assessment": assessment, "data": data, "result": data["result"]}


@role_required(Role.PATIENT)
def result(request: HttpRequest, uid) -> HttpResponse:
    assessment = _assessment_for(request, uid)
    return render(request, "patients/triage_result.html", _result_context(assessment))


@role_required(Role.PATIENT)
def history(request: HttpRequest) -> HttpResponse:
    items = [
        {"assessment": a, "data": services.assessment_data(a)}
        for a in services.assessments_for(request.user)[:100]
    ]
    return render(request, "patients/triage_history.html", {"items": items})
