"""QA documents: list and create, read a revision, edit (new revisions with a reason), submit
for review, withdraw, sign (Part 11-style e-signature), and the PDF.

Every URL looks the document up within the user's own organisation, so another
organisation's document is a 404, whatever the URL."""

from __future__ import annotations

import copy

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from lumen.accounts.decorators import role_required
from lumen.accounts.reauth import has_two_factor
from lumen.accounts.roles import Role
from pharma import compare, documents, esign, kinds, workflow
from pharma.calculations import for_revision
from pharma.document_forms import (
    content_from_post,
    with_blank_row,
    with_minimum_rows,
)
from pharma.layout import laid_out
from pharma.models import DocumentStatus, Organisation, QADocument, QARole, Revision, Signature
from pharma.selectors import document_executions, organisation_document, organisation_for


class NewDocumentForm(forms.Form):
    kind = forms.ChoiceField(label="Kind", choices=kinds.CHOICES)
    title = forms.CharField(label="Title", max_length=200)


class SignForm(forms.Form):
    meaning = forms.ChoiceField(
        label="Meaning of this signature", choices=Signature.Meaning.choices
    )
    user_id = forms.CharField(
        label="Your user ID (email)",
        max_length=254,
        help_text="Your first signature in this session needs your user ID and password.",
    )
    password = forms.CharField(
        label="Your password",
        widget=forms.PasswordInput,
        max_length=200,
        help_text="Re-enter your password to sign. Your name, role, the time and the meaning "
        "are recorded with this revision and printed on the document.",
    )

    def __init__(self, *args, first_in_session: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not first_in_session:
            del self.fields["user_id"]


class SubmitForm(forms.Form):
    # Not required here: how many the matrix asks for is the service's rule and message.
    reviewers = forms.ModelMultipleChoiceField(
        label="Reviewers", queryset=None, widget=forms.CheckboxSelectMultiple, required=False
    )
    approvers = forms.ModelMultipleChoiceField(
        label="Approvers", queryset=None, widget=forms.CheckboxSelectMultiple, required=False
    )

    def __init__(self, *args, organisation: Organisation, author, **kwargs):
        super().__init__(*args, **kwargs)
        for name, role in (("reviewers", QARole.REVIEWER), ("approvers", QARole.APPROVER)):
            field = self.fields[name]
            field.queryset = workflow.members_with(organisation, role).exclude(pk=author.pk)
            field.label_from_instance = lambda user: user.name or user.email


class ReasonForm(forms.Form):
    reason = forms.CharField(label="Reason for change", max_length=300, required=False)


def _organisation(request: HttpRequest) -> Organisation:
    organisation = organisation_for(request.user)
    if organisation is None:
        raise Http404("No organisation")
    return organisation


def _document_for(request: HttpRequest, uid) -> QADocument:
    document = organisation_document(_organisation(request), uid)
    if document is None:
        raise Http404("No such document.")
    return document


def _revision_for(document: QADocument, number: int | None) -> Revision:
    if number is None:
        return documents.latest_revision(document)
    return get_object_or_404(Revision, document=document, number=number)


@role_required(Role.PHARMA)
def document_list(request: HttpRequest) -> HttpResponse:
    organisation = _organisation(request)
    form = NewDocumentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            document = documents.document_create(
                organisation=organisation,
                user=request.user,
                kind=form.cleaned_data["kind"],
                title=form.cleaned_data["title"],
            )
        except documents.DocumentError as exc:
            form.add_error("title", str(exc))
        else:
            return redirect("pharma:document_edit", uid=document.uid)
    listing = QADocument.objects.filter(organisation=organisation).select_related("created_by")
    kind = request.GET.get("kind", "")
    if kind in kinds.KINDS:
        listing = listing.filter(kind=kind)
    status = request.GET.get("status", "")
    if status in DocumentStatus.values:
        listing = listing.filter(status=status)
    return render(
        request,
        "pharma/documents/list.html",
        {
            "form": form,
            "rows": [(d, kinds.KINDS.get(d.kind)) for d in listing],
            "kinds": kinds.KINDS,
            "statuses": DocumentStatus.choices,
            "selected": {"kind": kind, "status": status},
        },
    )


@role_required(Role.PHARMA)
def document_detail(request: HttpRequest, uid, number: int | None = None) -> HttpResponse:
    document = _document_for(request, uid)
    revision = _revision_for(document, number)
    kind = kinds.get(document.kind)
    return render(
        request,
        "pharma/documents/detail.html",
        {
            "document": document,
            "revision": revision,
            "kind": kind,
            "latest": documents.latest_revision(document),
            "revisions": document.revisions.select_related("created_by").prefetch_related(
                "signatures"
            ),
            "sections": laid_out(kind, revision.content),
            "missing": kind.missing(revision.content),
            "calculations": for_revision(revision),
            "assignments": revision.assignments.select_related("user"),
            "submit_form": SubmitForm(organisation=document.organisation, author=request.user),
            "executions": document_executions(document),
        },
    )


@role_required(Role.PHARMA)
def document_edit(request: HttpRequest, uid) -> HttpResponse:
    document = _document_for(request, uid)
    kind = kinds.get(document.kind)
    latest = documents.latest_revision(document)
    if latest.status == DocumentStatus.IN_REVIEW:
        messages.error(request, "This revision is in review. Withdraw it to make changes.")
        return redirect("pharma:document_detail", uid=document.uid)
    reason_form = ReasonForm(request.POST or None)
    content, errors = latest.content, {}
    if request.method == "POST":
        add_row = request.POST.get("add_row", "")
        parsed = content_from_post(kind, request.POST, keep_blank_rows=bool(add_row))
        content, errors = parsed.content, parsed.errors
        if add_row:  # not a save: the form again with one more row
            content = with_blank_row(kind, content, add_row)
        elif parsed.is_valid and reason_form.is_valid():
            try:
                revision = documents.revision_save(
                    document=document,
                    user=request.user,
                    content=content,
                    reason=reason_form.cleaned_data["reason"],
                )
            except documents.DocumentError as exc:
                reason_form.add_error("reason", str(exc))
            else:
                if revision.number != latest.number:
                    messages.success(
                        request,
                        f"Saved as version {revision.version} (revision {revision.number}).",
                    )
                else:
                    messages.info(request, "Nothing changed, so no new revision was made.")
                return redirect("pharma:document_detail", uid=document.uid)
    else:
        content = with_minimum_rows(kind, copy.deepcopy(latest.content))
    status = 422 if errors or reason_form.errors else 200
    return render(
        request,
        "pharma/documents/edit.html",
        {
            "document": document,
            "kind": kind,
            "latest": latest,
            "sections": laid_out(kind, content, errors, editing=True),
            "errors": errors,
            "reason_form": reason_form,
        },
        status=status,
    )


def _act(request: HttpRequest, document: QADocument, action) -> HttpResponse:
    try:
        action(documents.latest_revision(document))
    except documents.DocumentError as exc:
        messages.error(request, str(exc))
    return redirect("pharma:document_detail", uid=document.uid)


@role_required(Role.PHARMA)
@require_POST
def document_submit(request: HttpRequest, uid) -> HttpResponse:
    document = _document_for(request, uid)
    form = SubmitForm(request.POST, organisation=document.organisation, author=request.user)
    if not form.is_valid():
        messages.error(request, "Choose reviewers and approvers from the lists shown.")
        return redirect("pharma:document_detail", uid=document.uid)

    def submit(revision):
        documents.revision_submit(
            revision=revision,
            user=request.user,
            reviewers=list(form.cleaned_data["reviewers"]),
            approvers=list(form.cleaned_data["approvers"]),
            base_url=request.build_absolute_uri("/"),
        )
        messages.success(request, f"Version {revision.version} is in review.")

    return _act(request, document, submit)


@role_required(Role.PHARMA)
@require_POST
def document_withdraw(request: HttpRequest, uid) -> HttpResponse:
    document = _document_for(request, uid)

    def withdraw(revision):
        documents.revision_withdraw(revision=revision, user=request.user)
        messages.success(request, f"Version {revision.version} is a draft again.")

    return _act(request, document, withdraw)


@role_required(Role.PHARMA)
def document_sign(request: HttpRequest, uid) -> HttpResponse:
    document = _document_for(request, uid)
    revision = documents.latest_revision(document)
    if not has_two_factor(request.user):
        # Explain and link to the setup page instead of a form that could only fail.
        context = {"document": document, "revision": revision, "needs_two_factor": True}
        status = 403 if request.method == "POST" else 200
        return render(request, "pharma/documents/sign.html", context, status=status)
    first = esign.first_in_session(request.session)
    signed_version = revision.version
    form = SignForm(request.POST or None, first_in_session=first)
    if request.method == "POST" and form.is_valid():
        try:
            signature = documents.revision_sign(
                revision=revision,
                user=request.user,
                password=form.cleaned_data["password"],
                meaning=form.cleaned_data["meaning"],
                user_id=form.cleaned_data["user_id"] if first else None,
            )
        except documents.DocumentError as exc:
            form.add_error(None, str(exc))
        else:
            esign.mark_signed(request.session)
            issued = (
                f" It is approved and issued as version {revision.version}."
                if revision.status == DocumentStatus.APPROVED
                else ""
            )
            messages.success(
                request,
                f"Signed version {signed_version} as {signature.get_meaning_display().lower()} "
                f"({signature.get_role_display()}).{issued}",
            )
            return redirect("pharma:document_detail", uid=document.uid)
    return render(
        request,
        "pharma/documents/sign.html",
        {"document": document, "revision": revision, "form": form},
        status=422 if form.errors else 200,
    )


@role_required(Role.PHARMA)
def document_pdf(request: HttpRequest, uid, number: int | None = None) -> HttpResponse:
    from pharma.pdf import revision_pdf

    document = _document_for(request, uid)
    revision = _revision_for(document, number)
    content = revision_pdf(revision)
    response = HttpResponse(content, content_type="application/pdf")
    name = f"{document.number}-v{revision.version}.pdf"  # what inspectors call it
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@role_required(Role.PHARMA)
def document_compare(request: HttpRequest, uid) -> HttpResponse:
    """Two revisions side by side: `to` (default the latest) against `from` (default the
    revision before it)."""
    document = _document_for(request, uid)
    numbers = list(document.revisions.order_by("number").values_list("number", flat=True))

    def chosen(name: str, default: int) -> int:
        by_text = {str(n): n for n in numbers}  # never int() a hostile string of any length
        return by_text.get(request.GET.get(name, ""), default)

    after = _revision_for(document, chosen("to", numbers[-1]))
    earlier = [n for n in numbers if n < after.number]
    before = _revision_for(document, chosen("from", earlier[-1] if earlier else after.number))
    return render(
        request,
        "pharma/documents/compare.html",
        {
            "document": document,
            "before": before,
            "after": after,
            "revisions": document.revisions.order_by("number"),
            "changes": compare.changes(kinds.get(document.kind), before.content, after.content),
        },
    )
