"""An electronic logbook printed as PDF (WeasyPrint): every entry in order with when it
happened, the server's time of recording, the performer and their signature, corrections
and verifications; then the rows typed into the document before the electronic logbook,
marked as such. A logbook keeps growing, so a print-out is always an uncontrolled copy with
its print time; the record ID is on every page."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone

from pharma.models import QADocument


def render_logbook(logbook: QADocument) -> bytes:
    from weasyprint import HTML  # heavy import, only when a PDF is asked for

    html = render_to_string(
        "pharma/logbooks/pdf.html",
        {
            "logbook": logbook,
            "organisation": logbook.organisation,
            "entries": logbook.entries.select_related(
                "verification", "corrects", "correction"
            ).order_by("sequence"),
            "legacy_rows": logbook.legacy_rows.all(),
            "rendered_at": timezone.now(),
        },
    )
    return HTML(string=html).write_pdf()
