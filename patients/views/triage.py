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
from patients.triage_forms import STAGES, ComplaintForm, DescribeForm, QuestionsForm


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


def _render_questions(request: HttpRequest, form: QuestionsForm, stage: str, *, status=200):
    template = "patients/triage_questions.html"
    context = {"form": form, "stage": stage, "carried": form.carried(stage)}
    if stage == "followup":
        context["to_ask"] = form.to_ask
    name = f"{template}#questions" if request.htmx else template
    return render(request, name, context, status=status)


@role_required(Role.PATIENT)
def questions(request: HttpRequest) -> HttpResponse:
    """Step 2: the guided interview for the chosen complaint, starting with who it is for."""
    choose_form = ComplaintForm(request.GET)
    if not choose_form.is_valid():
        context = {"choose_form": choose_form, "describe_form": DescribeForm()}
        if request.htmx:
            return render(request, "patients/triage.html#choose", context, status=422)
        return render(request, "patients/triage.html", context, status=422)
    form = _questions_form(choose_form.cleaned_data["complaint"])
    return _render_questions(request, form, "who")


def _next_stage(form: QuestionsForm) -> str | None:
    """The step after the one just answered, or None when it is time for the result: at once
    when an emergency warning sign was ticked."""
    data, answers = form.cleaned_data, form.answers()
    stage = data["stage"]
    if stage == "who":
        return "signs"
    if stage == "signs":
        return None if triage.emergency_confirmed(data["complaint"], answers["flags"]) else "more"
    if stage == "more":
        form.to_ask = triage.followups(answers["details"], age=form.subject_age())
        return "followup" if form.to_ask else None
    return None


@role_required(Role.PATIENT)
@require_POST
def assess(request: HttpRequest) -> HttpResponse:
    """Each step of the interview posts here; the last one saves the result to the patient's
    history."""
    form = _questions_form(request.POST.get("complaint", ""), request.POST)
    if not form.is_valid():
        stage = request.POST.get("stage", "")
        return _render_questions(request, form, stage if stage in STAGES else "", status=422)
    following = _next_stage(form)
    if following is not None:
        data = request.POST.copy()
        data["stage"] = following
        if following == "followup":
            data.setlist("asked_about", [f.id for f in form.to_ask])
        next_form = _questions_form(form.cleaned_data["complaint"], data)
        next_form.to_ask = form.to_ask if following == "followup" else []
        return _render_questions(request, next_form, following)
    assessment = services.triage_guided(
        profile=profile_for(request.user),
        complaint=form.cleaned_data["complaint"],
        answers=form.answers(),
        age=form.subject_age(),
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
