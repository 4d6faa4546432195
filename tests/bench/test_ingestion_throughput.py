"""Ingestion throughput: chunks per second through the whole pipeline (parse records ->
upsert documents -> chunk -> embed -> store vectors) against bare `model.encode` on exactly
the same texts, as a ratio. The gap is Lumen's own overhead."""

from __future__ import annotations

import json
import time

from knowledge.embeddings import model, passage_text
from knowledge.models import Chunk
from knowledge.services import document_upsert, embed_pending, source_ensure
from knowledge.sources.base import DocumentRecord, Section


def _records(shared_data) -> list[DocumentRecord]:
    items = json.loads((shared_data / "medqa" / "pubmedqa_pqal_test_set.json").read_text())
    return [
        DocumentRecord(
            external_id=f"pmqa-{pmid}",
            title=item["QUESTION"],
            sections=[
                Section(label.title(), text)
                for label, text in zip(item["LABELS"], item["CONTEXTS"], strict=False)
            ],
            doc_type="article",
        )
        for pmid, item in items.items()
    ]


def test_ingestion_throughput_against_bare_encode(db, shared_data, record):
    records = _records(shared_data)
    source = source_ensure(slug="bench", name="Benchmark")
    encoder = model()
    encoder.encode(["warm-up"])

    started = time.perf_counter()
    for rec in records:
        document_upsert(source=source, record=rec)
    store_seconds = time.perf_counter() - started

    chunks = list(Chunk.objects.select_related("document").order_by("id"))
    texts = [passage_text(c.header or c.document.title, c.text) for c in chunks]
    started = time.perf_counter()
    encoder.encode(texts, batch_size=64, normalize_embeddings=True, show_progress_bar=False)
    bare_seconds = time.perf_counter() - started

    started = time.perf_counter()
    embedded = embed_pending()
    embed_seconds = time.perf_counter() - started
    assert embedded == len(chunks)

    pipeline_seconds = store_seconds + embed_seconds
    record(
        "ingestion_throughput",
        {
            "documents": len(records),
            "chunks": len(chunks),
            "bare_encode_chunks_per_s": round(len(chunks) / bare_seconds, 1),
            "pipeline_chunks_per_s": round(len(chunks) / pipeline_seconds, 1),
            "ratio_pipeline_to_bare": round(bare_seconds / pipeline_seconds, 3),
            "store_and_chunk_seconds": round(store_seconds, 2),
            "embed_and_write_seconds": round(embed_seconds, 2),
            "bare_encode_seconds": round(bare_seconds, 2),
        },
    )
