"""The compliance checker: upload a file or pick one of the organisation's documents, choose
its kind, and see which required elements it holds. Uploads stay in memory and are never
stored (see `_InMemoryUpload`)."""

from __future__ import annotations

import io
import uuid

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from lumen.accounts.decorators import role_required
from lumen.accounts.roles import Role
from lumen.lib.uploads import CappedMemoryUpload
from pharma import compliance, documents, kinds
from pharma.models import Organisation, QADocument
from pharma.selectors import organisation_document, organisation_for


class _InMemoryUpload(CappedMemoryUpload):
    """The file to check: kept up to the upload limit; an oversized one keeps nothing (its
    counted size alone refuses it)."""

    def limit_bytes(self) -> int:
        return compliance.max_upload_bytes()

    def file_complete(self, file_size: int):
        if self.received > self.limit_bytes():
            self.buffer = io.BytesIO()  # drop what was kept; the size alone refuses it
        return super().file_complete(file_size)


class ComplianceForm(forms.Form):
    file = forms.FileField(
        label="Upload a document",
        required=False,
        help_text="PDF (with a text layer), Word .docx or plain text.",
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx,.txt,.md,text/plain"}),
    )
    document = forms.CharField(
        label="…or check one of your organisation's documents",
        required=False,
        widget=forms.Select,
    )
    kind = forms.ChoiceField(
        label="Kind of document",
        choices=kinds.CHOICES,
        help_text="For your own documents, the document's kind is used.",
    )

    def __init__(self, *args, organisation: Organisation | None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        own_documents = (
            QADocument.objects.filter(organisation=organisation).order_by("number")
            if organisation
            else QADocument.objects.none()
        )
        self.fields["document"].widget.choices = [("", "— none —")] + [
            (str(d.uid), f"{d.number} {d.title}") for d in own_documents
        ]
        limit_mb = compliance.max_upload_bytes() / (1024 * 1024)
        self.fields["file"].help_text += f" At most {limit_mb:g} MB."

    def clean_document(self) -> uuid.UUID | None:
        raw = self.cleaned_data["document"].strip()
        if not raw:
            return None
        try:
            return uuid.UUID(raw)
        except ValueError:
            raise forms.ValidationError("Choose one of the listed documents.") from None

    def clean(self) -> dict:
        data = super().clean()
        upload, document = data.get("file"), data.get("document")
        if upload and document:
            raise forms.ValidationError("Upload a file or choose a document, not both.")
        # A refused file or document already says what is wrong with it.
        if (
            not upload
            and not document
            and not (self.has_error("file") or self.has_error("document"))
        ):
            raise forms.ValidationError("Upload a file or choose one of your documents.")
        return data


def _document_for(organisation: Organisation | None, uid: uuid.UUID) -> QADocument:
    """The organisation's own document, or 404 for anyone else's (or an unknown uid)."""
    document = organisation_document(organisation, uid)
    if document is None:
        raise Http404("No such document.")
    return document


@csrf_exempt  # the upload handler must be set before CSRF reads the body; checked below
@role_required(Role.PHARMA)
def compliance_check(request: HttpRequest) -> HttpResponse:
    request.upload_handlers = [_InMemoryUpload(request)]
    return _compliance_check(request)


@csrf_protect
def _compliance_check(request: HttpRequest) -> HttpResponse:
    organisation = organisation_for(request.user)
    # ?document=<uid>&kind=<key> preselects, so a document's page can link straight here.
    initial = {k: request.GET[k] for k in ("document", "kind") if k in request.GET}
    form = ComplianceForm(
        request.POST or None, request.FILES or None, organisation=organisation, initial=initial
    )
    report = suggestions = None
    notice = ""
    if request.method == "POST" and form.is_valid():
        kind = kinds.get(form.cleaned_data["kind"])
        if form.cleaned_data["document"]:
            document = _document_for(organisation, form.cleaned_data["document"])
            if document.kind != kind.key:
                notice = (
                    f"Checked as a {kinds.get(document.kind).title.lower()}, the document's kind."
                )
                kind = kinds.get(document.kind)
            revision = documents.latest_revision(document)
            report = compliance.check_content(
                kind,
                revision.content if revision else {},
                subject=f"{document.number} {document.title}"
                + (f" (revision {revision.number})" if revision else ""),
            )
        else:
            upload = form.cleaned_data["file"]
            try:
                passages = compliance.extract_text(upload)
            except compliance.ComplianceInputError as exc:
                form.add_error("file", str(exc))
            else:
                report = compliance.check_text(kind, passages, subject=upload.name)
        if report is not None:
            suggestions = compliance.suggest(report)
    status = 422 if request.method == "POST" and report is None else 200
    return render(
        request,
        "pharma/compliance.html",
        {"form": form, "report": report, "suggestions": suggestions, "notice": notice},
        status=status,
    )
