"""The electronic logbook pages: the entries of one logbook in order with the form to append
the next, a correction form per entry, and verification by a second person.

The logbook is looked up within the user's own organisation; another organisation's logbook
or entry is a 404."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from lumen.accounts.decorators import role_required
from lumen.accounts.roles import Role
from pharma import esign
from pharma import logbook as service
from pharma.models import LogbookEntry, QADocument
from pharma.selectors import organisation_document, organisation_for


class EntryForm(forms.Form):
    date = forms.CharField(label="Date (YYYY-MM-DD)", max_length=20)
    time = forms.CharField(label="Time (HH:MM, 24-hour)", max_length=10)
    activity = forms.ChoiceField(label="Activity", choices=LogbookEntry.Activity.choices)
    product = forms.CharField(label="Product", max_length=200, required=False)
    batch = forms.CharField(label="Batch / lot number", max_length=60, required=False)
    remarks = forms.CharField(
        label="Remarks", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    user_id = forms.CharField(
        label="Your user ID (email), for your first signature in this session",
        max_length=254,
        required=False,
    )
    password = forms.CharField(
        label="Your password (to sign cleaning, maintenance and calibration entries)",
        widget=forms.PasswordInput,
        max_length=200,
        required=False,
    )

    def __init__(self, *args, first_in_session: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not first_in_session:
            del self.fields["user_id"]  # the password alone after the first signature


class CorrectionForm(EntryForm):
    reason = forms.CharField(label="Reason for correction", max_length=300)


def _logbook_for(request: HttpRequest, uid) -> QADocument:
    document = organisation_document(organisation_for(request.user), uid)
    if document is None or document.kind != service.LOGBOOK_KIND:
        raise Http404("No such logbook.")
    return document


def _entry_for(request: HttpRequest, uid) -> LogbookEntry:
    organisation = organisation_for(request.user)
    if organisation is None:
        raise Http404("No organisation")
    return get_object_or_404(
        LogbookEntry.objects.select_related("logbook"), uid=uid, logbook__organisation=organisation
    )


def _append(
    request: HttpRequest, form: EntryForm, logbook: QADocument, corrects: LogbookEntry | None = None
) -> bool:
    if not form.is_valid():
        return False
    data = dict(form.cleaned_data)
    reason = data.pop("reason", "")
    first = esign.first_in_session(request.session)
    user_id = data.pop("user_id", "") if first else None
    try:
        entry = service.entry_append(
            logbook=logbook, user=request.user, corrects=corrects, reason=reason,
            user_id=user_id, **data,
        )  # fmt: skip
    except service.LogbookError as exc:
        form.add_error(None, str(exc))
        return False
    if entry.signed_at is not None:
        esign.mark_signed(request.session)
    messages.success(request, f"Entry {entry.sequence} recorded.")
    return True


@role_required(Role.PHARMA)
def logbook_detail(request: HttpRequest, uid) -> HttpResponse:
    logbook = _logbook_for(request, uid)
    now = timezone.localtime()
    # The form opens at the current time, which the performer changes if need be.
    form = EntryForm(
        request.POST or None,
        initial={"date": f"{now:%Y-%m-%d}", "time": f"{now:%H:%M}"},
        first_in_session=esign.first_in_session(request.session),
    )
    if request.method == "POST" and _append(request, form, logbook):
        return redirect("pharma:logbook_detail", uid=logbook.uid)
    entries = logbook.entries.select_related("verification", "corrects", "correction").order_by(
        "sequence"
    )
    return render(
        request,
        "pharma/logbooks/detail.html",
        {
            "logbook": logbook,
            "entries": entries,
            "legacy_rows": logbook.legacy_rows.all(),
            "first_signature": esign.first_in_session(request.session),
            "form": form,
            "signed_activities": sorted(a.label for a in service.SIGNED_ACTIVITIES),
            "now": now,
        },
        status=422 if form.errors else 200,
    )


@role_required(Role.PHARMA)
def entry_correct(request: HttpRequest, uid) -> HttpResponse:
    entry = _entry_for(request, uid)
    local = timezone.localtime(entry.occurred_at)
    initial = {
        "date": f"{local:%Y-%m-%d}",
        "time": f"{local:%H:%M}",
        "activity": entry.activity,
        "product": entry.product,
        "batch": entry.batch,
        "remarks": entry.remarks,
    }
    form = CorrectionForm(
        request.POST or None,
        initial=initial,
        first_in_session=esign.first_in_session(request.session),
    )
    if request.method == "POST" and _append(request, form, entry.logbook, corrects=entry):
        return redirect("pharma:logbook_detail", uid=entry.logbook.uid)
    return render(
        request,
        "pharma/logbooks/correct.html",
        {"entry": entry, "logbook": entry.logbook, "form": form},
        status=422 if form.errors else 200,
    )


@role_required(Role.PHARMA)
@require_POST
def entry_verify(request: HttpRequest, uid) -> HttpResponse:
    entry = _entry_for(request, uid)
    first = esign.first_in_session(request.session)
    try:
        service.entry_verify(
            entry=entry,
            user=request.user,
            password=request.POST.get("password", ""),
            user_id=request.POST.get("user_id", "") if first else None,
        )
    except service.LogbookError as exc:
        messages.error(request, f"Entry {entry.sequence} not verified: {exc}")
    else:
        esign.mark_signed(request.session)
        messages.success(request, f"Entry {entry.sequence} verified.")
    return redirect("pharma:logbook_detail", uid=entry.logbook.uid)


@role_required(Role.PHARMA)
def logbook_pdf(request: HttpRequest, uid) -> HttpResponse:
    from pharma.logbook_pdf import render_logbook

    logbook = _logbook_for(request, uid)
    try:
        first_day, last_day = (_day(request.GET.get(k, "")) for k in ("from", "to"))
    except ValueError:
        messages.error(request, "Print a period with dates written as YYYY-MM-DD.")
        return redirect("pharma:logbook_detail", uid=logbook.uid)
    if first_day and last_day and first_day > last_day:
        messages.error(request, "The period's first day comes after its last day.")
        return redirect("pharma:logbook_detail", uid=logbook.uid)
    pdf = render_logbook(logbook, first_day, last_day)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{logbook.number}-logbook.pdf"'
    return response


def _day(text: str) -> dt.date | None:
    text = text.strip()
    return dt.date.fromisoformat(text) if text else None
