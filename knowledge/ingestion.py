"""Background ingestion of the shipped MedQuAD extract, so `make run` serves the first page at once.

`load_starter` calls `corpus_enqueue()`, which queues `knowledge.tasks.ingest_corpus` unless the
extract is already ingested at the same content hash. Each task runs `corpus_ingest_step()`:
batches of documents are stored, chunked and embedded, and after every batch the position is
committed together with the batch, so a worker stopped mid-way continues from the last batch
rather than from the start. A step stops after a time budget well inside the worker's timeout
and the task queues the next one.

Progress lives in the corpus source's `Source.last_summary["corpus"]` (staff see it in the
admin); `corpus_progress()` is the small JSON-able summary for `/healthz`.

Only one batch runs at a time: each holds the source row's lock until it commits. Two steps
(a second `make run` while the first is still ingesting) take turns, each batch starting where
the last committed one ended, so nothing is ingested twice.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from itertools import islice
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from knowledge.corpus_extract import extract_hash, extract_header, extract_records
from knowledge.models import Source
from knowledge.services import embed_pending, ingest, source_ensure
from knowledge.sources.base import DocumentRecord, ParseResult
from knowledge.sources.medquad import SOURCE as MEDQUAD
from lumen.health import Check

logger = logging.getLogger(__name__)

STATE_KEY = "corpus"
# A batch is committed at whichever comes first: 25 documents, or ~150,000 characters (about
# 270 chunks; NCI's long PDQ pages would otherwise make a 1,200-chunk batch that a busy
# 2-core machine takes minutes to embed).
BATCH_DOCUMENTS = 25
BATCH_CHARACTERS = 150_000
STEP_SECONDS = 60.0  # then the task queues the next step: a step plus its last batch (the
# largest is ~1,200 chunks, a minute or two on 2 busy cores) stays well inside the 600 s timeout
COUNT_KEYS = ("new", "updated", "unchanged", "failed")


def _extract_path() -> Path:
    return Path(settings.LUMEN_MEDQUAD_EXTRACT)


def _now() -> str:
    return timezone.now().isoformat()


def _fresh_state(*, digest: str, total: int) -> dict:
    return {
        "state": "queued",
        "hash": digest,
        "documents_total": total,
        "documents_done": 0,
        "chunks_embedded": 0,
        **dict.fromkeys(COUNT_KEYS, 0),
        "queued_at": _now(),
        "started_at": None,
        "finished_at": None,
        "updated_at": _now(),
    }


def _ensure_source() -> None:
    # Only when missing: source_ensure() updates the row, which would wait for a running batch.
    if not Source.objects.filter(slug=MEDQUAD.slug).exists():
        source_ensure(
            slug=MEDQUAD.slug, name=MEDQUAD.name, url=MEDQUAD.url, description=MEDQUAD.description
        )


def _locked_source(*, wait: bool) -> Source | None:
    """The corpus source row, locked for this transaction; without `wait`, None while a batch
    holds it."""
    rows = Source.objects.select_for_update(skip_locked=not wait)
    return rows.filter(slug=MEDQUAD.slug).first()


def _save_state(source: Source, state: dict) -> None:
    state["updated_at"] = _now()
    source.last_summary = {**source.last_summary, STATE_KEY: state}
    source.save(update_fields=["last_summary"])


def corpus_enqueue(*, path: Path | None = None) -> str:
    """Queue the background ingestion of the extract. Returns "done" (already ingested at this
    content hash: nothing queued), "busy" (a batch holds the corpus right now) or "queued".
    Never waits for a running batch.

    "busy" queues a step too: the holder may be a worker that was just killed, and a second
    step beside a live one only takes turns with it (each batch starts where the last ended).
    """
    from django_q.tasks import async_task

    path = path or _extract_path()
    digest, total = extract_hash(path), extract_header(path)["documents"]
    _ensure_source()
    with transaction.atomic():
        source = _locked_source(wait=False)
        state = (source.last_summary.get(STATE_KEY) or {}) if source else {}
        if source and state.get("hash") == digest and state.get("state") == "done":
            return "done"
        if source and state.get("hash") != digest:
            state = _fresh_state(digest=digest, total=total)
        elif source and state.get("state") != "running":
            state["state"], state["queued_at"] = "queued", _now()
        if source:
            _save_state(source, state)
        transaction.on_commit(
            lambda: async_task(
                "knowledge.tasks.ingest_corpus", str(path), task_name="ingest MedQuAD corpus"
            )
        )
    return "queued" if source else "busy"


def corpus_ingest_step(
    *, path: Path | None = None, batch_size: int | None = None, seconds: float | None = None
) -> bool:
    """Ingest and embed batches from where the last committed one stopped, until the extract
    is done (False) or `seconds` (STEP_SECONDS) have passed (True: queue another step).
    Each batch waits for the corpus lock, so two steps take turns rather than overlap."""
    path = path or _extract_path()
    batch_size = batch_size or BATCH_DOCUMENTS
    seconds = STEP_SECONDS if seconds is None else seconds
    digest, total = extract_hash(path), extract_header(path)["documents"]
    deadline = time.monotonic() + seconds
    _ensure_source()
    records, position = None, -1
    while True:
        with transaction.atomic():
            source = _locked_source(wait=True)
            state = source.last_summary.get(STATE_KEY) or {}
            if state.get("hash") != digest:  # a new extract (or none recorded): start over
                state = _fresh_state(digest=digest, total=total)
            if state["state"] == "done":
                return False
            done = state["documents_done"]
            if position != done:  # first batch, or another step moved on meanwhile
                records, position = extract_records(path, skip=done), done
            batch = _take_batch(records, batch_size)
            counts, changed = ingest(source=source, result=ParseResult(documents=batch))
            embedded = embed_pending(document_ids=changed)
            position = done + len(batch)
            state.update(
                state="running" if batch and position < total else "done",
                documents_done=position,
                chunks_embedded=state["chunks_embedded"] + embedded,
                started_at=state["started_at"] or _now(),
                **{key: state[key] + counts[key] for key in COUNT_KEYS},
            )
            if state["state"] == "done":
                state["finished_at"] = _now()
                state["documents_total"] = position
            _save_state(source, state)
        if state["state"] == "done":
            logger.info("MedQuAD corpus ingested: %s documents", position)
            return False
        if time.monotonic() >= deadline:
            return True


def _take_batch(records: Iterator[DocumentRecord], size: int) -> list[DocumentRecord]:
    batch: list[DocumentRecord] = []
    characters = 0
    for record in islice(records, size):
        batch.append(record)
        characters += len(record.text)
        if characters >= BATCH_CHARACTERS:
            break
    return batch


def corpus_progress() -> dict:
    """Where the background ingestion stands, for /healthz and the admin (one query).

    `state` is "not started", "queued", "running" or "done"; progress never makes the service
    unhealthy: the product answers from whatever is already embedded."""
    summary = Source.objects.filter(slug=MEDQUAD.slug).values_list("last_summary", flat=True)
    return progress_from_summary(summary.first() or {})


def progress_from_summary(last_summary: dict) -> dict:
    """`corpus_progress()` from a source row already at hand."""
    state = last_summary.get(STATE_KEY)
    if not state:
        return {"corpus": MEDQUAD.slug, "state": "not started"}
    total, done = state["documents_total"], state["documents_done"]
    return {
        "corpus": MEDQUAD.slug,
        "state": state["state"],
        "documents_done": done,
        "documents_total": total,
        "percent": round(100 * done / total, 1) if total else 100.0,
        "chunks_embedded": state["chunks_embedded"],
        "started_at": state["started_at"],
        "finished_at": state["finished_at"],
        "updated_at": state["updated_at"],
    }


def progress_text(last_summary: dict) -> str:
    """One line for staff: "running: 250 / 5487 documents (4.6%), 1210 chunks embedded"."""
    progress = progress_from_summary(last_summary)
    if progress["state"] == "not started":
        return ""
    return (
        f"{progress['state']}: {progress['documents_done']} / {progress['documents_total']} "
        f"documents ({progress['percent']}%), {progress['chunks_embedded']} chunks embedded"
    )


def corpus_health() -> Check:
    """/healthz's line for the background ingestion (registered as non-critical in
    KnowledgeConfig.ready): Lumen answers from whatever is embedded so far, so an unfinished
    corpus is shown, never a failure."""
    summary = Source.objects.filter(slug=MEDQUAD.slug).values_list("last_summary", flat=True)
    return Check(True, progress_text(summary.first() or {}) or "not started")
