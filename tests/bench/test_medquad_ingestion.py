"""MedQuAD background ingestion: a 1-in-27 sample of the shipped extract through the real
background step (store, chunk, embed, commit per batch), extrapolated to the whole corpus by
its chunk count (embedding dominates, and chunking the whole extract takes seconds)."""

from __future__ import annotations

import os
import time
from pathlib import Path

from django.conf import settings

from knowledge.chunking import chunk_sections
from knowledge.corpus_extract import extract_records, extract_write
from knowledge.embeddings import model
from knowledge.ingestion import corpus_ingest_step, corpus_progress

EVERY = 27


def test_medquad_background_ingestion_throughput(db, record, tmp_path):
    shipped = Path(settings.LUMEN_MEDQUAD_EXTRACT)
    corpus_documents = corpus_chunks = 0
    sample = []
    for index, rec in enumerate(extract_records(shipped)):
        corpus_documents += 1
        corpus_chunks += len(chunk_sections(rec.sections))
        if index % EVERY == 0:
            sample.append(rec)
    path = tmp_path / "sample.jsonl.xz"
    extract_write(sample, path, origin="bench sample")
    model().encode(["warm-up"])  # a worker loads the model once; not part of the rate

    started = time.perf_counter()
    while corpus_ingest_step(path=path, seconds=3600):
        pass
    seconds = time.perf_counter() - started
    progress = corpus_progress()
    assert progress["state"] == "done"
    chunks = progress["chunks_embedded"]
    rate = chunks / seconds
    record(
        "medquad_ingestion",
        {
            "sample_documents": len(sample),
            "sample_chunks": chunks,
            "sample_seconds": round(seconds, 1),
            "chunks_per_s": round(rate, 1),
            "documents_per_s": round(len(sample) / seconds, 2),
            "corpus_documents": corpus_documents,
            "corpus_chunks": corpus_chunks,
            "extrapolated_corpus_minutes": round(corpus_chunks / rate / 60, 1),
            "load_average_1min": round(os.getloadavg()[0], 1),
        },
    )
