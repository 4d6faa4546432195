"""PDF render time per QA document kind, at a realistic size (every field filled, 30 rows in
every table), median of five renders after a warm-up."""

from __future__ import annotations

import io
import time

from pypdf import PdfReader

from pharma import documents, kinds
from pharma.pdf import render_revision
from tests.bench.conftest import summary_ms
from tests.pharma.document_data import complete_content

RUNS = 5


def test_pdf_render_time_per_kind(acme, acme_qa, record):
    figures = {}
    for key, kind in kinds.KINDS.items():
        document = documents.document_create(
            organisation=acme, user=acme_qa, kind=key, title=f"Benchmark {kind.title}"
        )
        revision = documents.revision_save(
            document=document, user=acme_qa, content=complete_content(kind, rows=30),
            reason="Benchmark",
        )  # fmt: skip
        render_revision(revision)  # warm-up: fonts, template cache
        samples, pdf = [], b""
        for _ in range(RUNS):
            started = time.perf_counter()
            pdf = render_revision(revision)
            samples.append(time.perf_counter() - started)
        pages = len(PdfReader(io.BytesIO(pdf)).pages)
        figures[key] = {**summary_ms(samples), "pages": pages, "kib": round(len(pdf) / 1024)}
    record("pdf_render", figures)
    assert all(f["pages"] >= 2 for f in figures.values())
