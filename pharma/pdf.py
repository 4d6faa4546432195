"""QA documents as PDF (WeasyPrint): cover page, running header, "page X of Y", tables that
split cleanly across pages, calculations, and the signature and revision history.

An approved revision's PDF is rendered once, from the record frozen at approval, and kept
with its SHA-256 (see documents.revision_issue_pdf): every later download, also after the
revision is superseded, is byte-for-byte that copy, so a printed copy can be checked against
the hash. Drafts render fresh each time, marked uncontrolled. Every page carries the record
ID (document number, version and revision uid) and whether it is a controlled copy.
"""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone

from pharma import documents, kinds
from pharma.calculations import for_revision
from pharma.criteria import acceptance_criteria, describe
from pharma.layout import laid_out
from pharma.models import DocumentStatus, QARole, Revision


def render_revision(revision: Revision) -> bytes:
    from weasyprint import HTML  # heavy import, only when a PDF is asked for

    document = revision.document
    kind = kinds.get(document.kind)
    calculations = for_revision(revision)
    frozen = (revision.frozen or {}).get("criteria")
    if frozen is None:
        frozen = acceptance_criteria(kind, revision.content, calculations)
    html = render_to_string(
        "pharma/documents/pdf.html",
        {
            "document": document,
            "organisation": document.organisation,
            "revision": revision,
            "kind": kind,
            "sections": laid_out(kind, revision.content),
            "calculations": calculations,
            # What an execution will record results against, as frozen at approval.
            "criteria": [(c, describe(c)) for c in frozen],
            "signatures": revision.signatures.all(),
            "roles": dict(QARole.choices),
            "history": document.revisions.select_related("created_by")
            .prefetch_related("signatures")
            .filter(number__lte=revision.number),
            "controlled": revision.status == DocumentStatus.APPROVED,
            "rendered_at": timezone.now(),
        },
    )
    return HTML(string=html).write_pdf()


def revision_pdf(revision: Revision) -> bytes:
    """The PDF for `revision`: the issued copy of an approved (or since superseded) revision,
    else a fresh render."""
    if revision.pdf_sha256:
        return bytes(revision.pdf)
    pdf = render_revision(revision)
    if revision.status == DocumentStatus.APPROVED:
        pdf = documents.revision_issue_pdf(revision=revision, pdf=pdf)
    return pdf
