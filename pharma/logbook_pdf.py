"""An electronic logbook printed as PDF (WeasyPrint): every entry in order with when it
happened, the server's time of recording, the performer and their signature, corrections
and verifications; then the rows typed into the document before the electronic logbook,
marked as such. A logbook keeps growing, so a print-out is always an uncontrolled copy with
its print time; the record ID is on every page."""

from __future__ import annotations

import datetime as dt

from django.template.loader import render_to_string
from django.utils import timezone

from pharma.models import QADocument


def render_logbook(
    logbook: QADocument, first_day: dt.date | None = None, last_day: dt.date | None = None
) -> bytes:
    """The logbook, or the entries that happened from `first_day` to `last_day` (site
    dates, both included): a long logbook is printed by period. The legacy rows, dated in
    free text, come with the whole logbook only."""
    from weasyprint import HTML  # heavy import, only when a PDF is asked for

    entries = logbook.entries.select_related("verification", "corrects", "correction")
    if first_day is not None:
        entries = entries.filter(occurred_at__gte=_start_of(first_day))
    if last_day is not None:
        entries = entries.filter(occurred_at__lt=_start_of(last_day + dt.timedelta(days=1)))
    period = first_day is not None or last_day is not None
    html = render_to_string(
        "pharma/logbooks/pdf.html",
        {
            "logbook": logbook,
            "organisation": logbook.organisation,
            "entries": entries.order_by("sequence"),
            "legacy_rows": [] if period else logbook.legacy_rows.all(),
            "first_day": first_day,
            "last_day": last_day,
            "rendered_at": timezone.now(),
        },
    )
    return HTML(string=html).write_pdf()


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))
