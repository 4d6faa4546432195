"""Patient Q&A: the chat page, its streamed answers and feedback.

With JavaScript, a question is stored at once and its answer streams over server-sent
events (htmx's sse extension): tokens as the model writes them, then the reviewed answer,
which replaces them. Without JavaScript the form posts normally and the page reloads with
the answer."""

from __future__ import annotations

import logging
from collections.abc import Iterator

from auditlog.context import set_actor
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import escape
from django.views.decorators.http import require_GET, require_POST

from lumen.accounts.decorators import role_required
from lumen.accounts.roles import Role
from patients import services
from patients.forms import QuestionForm
from patients.models import Message
from patients.selectors import conversation_page, profile_for

logger = logging.getLogger(__name__)


def _back_to_the_box() -> HttpResponse:
    """After a plain post the page reopens at the question box, the latest answer above it."""
    return redirect(f"{reverse('patients:ask')}#ask-form")


@role_required(Role.PATIENT)
def ask(request: HttpRequest) -> HttpResponse:
    """The latest exchanges (older ones a page away) and a question box. An htmx post gets
    back the question and a placeholder that streams its answer; a plain post answers, then
    redirects back to the box."""
    form = QuestionForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            question = form.cleaned_data["question"]
            if request.htmx:
                asked = services.question_record(user=request.user, question=question)
                return render(request, "patients/ask.html#exchange", {"exchange": [asked]})
            services.question_ask(
                user=request.user, profile=profile_for(request.user), question=question
            )
            return _back_to_the_box()
        if request.htmx:
            return render(request, "patients/ask.html#form", {"form": form}, status=422)
    return render(
        request,
        "patients/ask.html",
        {"form": form, "conversation": conversation_page(request.user, request.GET.get("page"))},
    )


@role_required(Role.PATIENT)
@require_GET
def answer_stream(request: HttpRequest, uid) -> HttpResponse:
    """Server-sent events answering one of the patient's own questions. Asking again for a
    question already answered (a reconnecting browser) sends the stored answer."""
    asked = get_object_or_404(
        Message.objects.select_related("conversation__user"),
        uid=uid,
        conversation__user=request.user,
        role=Message.Role.USER,
    )
    response = StreamingHttpResponse(
        _events(request, asked), content_type="text/event-stream; charset=utf-8"
    )
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"  # nginx would otherwise hold the tokens back
    return response


def _events(request: HttpRequest, asked: Message) -> Iterator[str]:
    # The body streams after the middleware has returned, so the audit actor is set again.
    with set_actor(request.user, remote_addr=request.META.get("REMOTE_ADDR")):
        yield from _answer_events(request, asked)


def _answer_events(request: HttpRequest, asked: Message) -> Iterator[str]:
    reply = Message.objects.filter(in_reply_to=asked).first()
    try:
        if reply is None:
            profile = profile_for(request.user)
            for event in services.question_stream(asked=asked, profile=profile):
                if event.kind == "token":
                    yield _sse("token", escape(event.text))
                elif event.kind == "fallback":
                    yield _sse("fallback", _render(request, "streaming", {"notice": event.text}))
                else:
                    reply = event.reply
    except Exception as exc:
        # Only the exception's type: its message may quote the question (PHI).
        logger.error("answer stream failed: %s", type(exc).__name__)
        yield _sse("done", _render(request, "stream_failed", {"message": asked}))
        return
    yield _sse("done", _render(request, "message", {"message": reply}))


def _render(request: HttpRequest, partial: str, context: dict) -> str:
    return render_to_string(f"patients/ask.html#{partial}", context, request=request)


def _sse(event: str, data: str) -> str:
    """One server-sent event; a multi-line payload becomes several data lines, which the
    browser joins back with newlines."""
    lines = "".join(f"data: {line}\n" for line in data.split("\n"))
    return f"event: {event}\n{lines}\n"


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
    return _back_to_the_box()
