"""The regulatory pathway helper: a short questionnaire naming the likely marketing
authorisation pathway(s) in the US, EU or UK, with reasons and citations.

Without JavaScript it is one plain form. With htmx the questions narrow as they are answered
(a `step=questions` post re-renders only the questions that apply, inside the
questionnaire) and the answer replaces the questionnaire's section in place."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from lumen.accounts.decorators import role_required
from lumen.accounts.roles import Role
from pharma import pathways
from pharma.pathway_forms import PathwayForm, shown_fields

TEMPLATE = "pharma/pathways.html"


@role_required(Role.PHARMA)
def pathway_helper(request: HttpRequest) -> HttpResponse:
    context = {"disclaimer": pathways.DISCLAIMER, "assessment": None}
    if request.method == "POST" and request.htmx and request.POST.get("step") == "questions":
        form = PathwayForm(initial=request.POST.dict())
        context |= {"form": form, "fields": shown_fields(form, request.POST), "step": True}
        return render(request, f"{TEMPLATE}#question_fields", context)

    if request.method != "POST":
        form = PathwayForm()
        context |= {"form": form, "fields": shown_fields(form, None), "load_progressive": True}
        return render(request, TEMPLATE, context)

    form = PathwayForm(request.POST)
    status = 200
    if form.is_valid():
        context["assessment"] = pathways.assess(form.answers())
    else:
        status = 422
    # After a post, show what applies to the answers given (all of it again for a plain
    # form with errors, so nothing the user typed disappears).
    fields = shown_fields(form, request.POST if request.htmx or form.is_valid() else None)
    context |= {"form": form, "fields": fields}
    template = f"{TEMPLATE}#pathway" if request.htmx else TEMPLATE
    return render(request, template, context, status=status)
