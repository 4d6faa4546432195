"""Logbook print-out render time (issue 16): an electronic logbook of 200 entries (one in
four signed, one in three verified) and 30 legacy rows typed before the electronic logbook;
median of five renders after a warm-up."""

from __future__ import annotations

import datetime as dt
import io
import time

from django.utils import timezone
from pypdf import PdfReader

from pharma import documents
from pharma.logbook_pdf import render_logbook
from pharma.models import LegacyLogbookRow, LogbookEntry, LogbookVerification
from tests.bench.conftest import summary_ms

RUNS = 5
ENTRIES = 200
LEGACY = 30


def test_logbook_pdf_render_time(acme, acme_qa, record):
    book = documents.document_create(
        organisation=acme, user=acme_qa, kind="manufacturing_logbook", title="Granulator GR-01"
    )
    start = timezone.now() - dt.timedelta(days=60)
    # Written directly: the benchmark measures the print-out, not 200 password checks.
    entries = LogbookEntry.objects.bulk_create(
        LogbookEntry(
            logbook=book, sequence=n, occurred_at=start + dt.timedelta(hours=6 * n),
            activity="cleaning" if n % 4 == 0 else "production", product="Product B",
            batch=f"B-{n:04d}", remarks="Cleaned per SOP-0003" if n % 4 == 0 else "",
            performer=acme_qa, performer_name="Quinn QA",
            signed_at=timezone.now() if n % 4 == 0 else None,
        )
        for n in range(1, ENTRIES + 1)
    )  # fmt: skip
    LogbookVerification.objects.bulk_create(
        LogbookVerification(entry=e, verifier=acme_qa, verifier_name="Vera Verifier")
        for e in entries[::3]
    )
    LegacyLogbookRow.objects.bulk_create(
        LegacyLogbookRow(logbook=book, position=n, first_version=f"0.{n}", date="2026-01-05",
                         time="08:00", activity="Production", batch=f"A-{n:04d}",
                         performed_by="J. Smith")
        for n in range(1, LEGACY + 1)
    )  # fmt: skip
    render_logbook(book)  # warm-up
    samples, pdf = [], b""
    for _ in range(RUNS):
        started = time.perf_counter()
        pdf = render_logbook(book)
        samples.append(time.perf_counter() - started)
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    figures = {**summary_ms(samples), "pages": pages, "kib": round(len(pdf) / 1024),
               "entries": ENTRIES, "legacy_rows": LEGACY}  # fmt: skip
    record("logbook_pdf_render", figures)
    assert pages >= 2
