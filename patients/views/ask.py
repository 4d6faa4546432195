"""Patient Q&A: the chat page, its answers and feedback."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from lumen.accounts.decorators import role_required
from lumen.accounts.roles import Role
from patients import services
from patients.forms import QuestionForm
from patients.models import Message
from patients.selectors import conversation_messages, profile_for


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
