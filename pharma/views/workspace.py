"""The QA workspace: home, joining by invitation, and the regulatory assistant."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from knowledge.answers import answer
from knowledge.services import flagged_question_record
from lumen.accounts.decorators import role_required
from lumen.accounts.roles import Role
from pharma import services
from pharma.forms import AcceptInvitationForm, RegulatoryQuestionForm
from pharma.models import Invitation, QARole
from pharma.selectors import organisation_for, reviews_due


@role_required(Role.PHARMA)
def home(request: HttpRequest) -> HttpResponse:
    organisation = organisation_for(request.user)
    members = organisation.memberships.select_related("user") if organisation else []
    mine = next((m for m in members if m.user_id == request.user.pk), None)
    return render(
        request,
        "pharma/home.html",
        {
            "organisation": organisation,
            "members": members,
            "qa_admin": bool(mine and QARole.QA_ADMIN in mine.qa_roles),
            "reviews_due": reviews_due(organisation),
        },
    )


def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """Redeem an emailed invitation: new users choose a password; a signed-in user with the
    invited address just joins."""
    pending = Invitation.objects.pending().select_related("organisation").filter(token=token)
    invite = pending.first()
    if invite is None:
        return render(request, "pharma/invitation_invalid.html", status=404)

    signed_in = request.user if request.user.is_authenticated else None
    form = None if signed_in else AcceptInvitationForm(request.POST or None, email=invite.email)
    if request.method == "POST" and (signed_in or form.is_valid()):
        try:
            user = services.invitation_accept(
                token=token,
                name=form.cleaned_data["name"] if form else "",
                password=form.cleaned_data["password1"] if form else None,
                user=signed_in,
            )
        except services.InvitationError as exc:
            messages.error(request, str(exc))
        else:
            if not signed_in:
                login(request, user, backend="lumen.accounts.backends.ModelBackend")
            messages.success(request, f"Welcome to {invite.organisation.name}.")
            return redirect("pharma:home")
    return render(request, "pharma/invitation.html", {"invite": invite, "form": form})


@role_required(Role.PHARMA)
def assistant(request: HttpRequest) -> HttpResponse:
    """Regulatory Q&A over the guidance documents, filtered by authority and region."""
    form = RegulatoryQuestionForm(request.POST or None)
    result = None
    if request.method == "POST" and form.is_valid():
        result = answer(form.cleaned_data["question"], audience="pharma", filters=form.filters())
        flagged_question_record(answer=result, audience="pharma", user=request.user)
    template = (
        "pharma/assistant.html#result" if request.htmx and result else "pharma/assistant.html"
    )
    return render(request, template, {"form": form, "result": result})


@role_required(Role.PHARMA)
def members(request: HttpRequest) -> HttpResponse:
    """Members and their QA roles; QA administrators change them here."""
    organisation = organisation_for(request.user)
    if organisation is None:
        raise Http404("No organisation")
    rows = organisation.memberships.select_related("user")
    if request.method == "POST":
        raw = request.POST.get("membership", "")
        target = rows.filter(pk=int(raw)).first() if raw.isdigit() and len(raw) < 12 else None
        if target is None:
            messages.error(request, "Choose a member of your organisation.")
        else:
            try:
                services.membership_roles_set(
                    actor=request.user, membership=target, roles=request.POST.getlist("roles")
                )
            except services.RoleError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, f"Roles of {target.user.email} saved.")
        return redirect("pharma:members")
    mine = next((m for m in rows if m.user_id == request.user.pk), None)
    return render(
        request,
        "pharma/members.html",
        {
            "organisation": organisation,
            "rows": rows,
            "roles": QARole.choices,
            "qa_admin": bool(mine and QARole.QA_ADMIN in mine.qa_roles),
        },
    )
