"""Background work for the knowledge base (django-q2)."""

from __future__ import annotations

from django.db import transaction


def embed_documents(document_ids: list[int] | None = None) -> int:
    """Embed the pending chunks of these documents (all pending ones when None)."""
    from knowledge.services import embed_pending

    return embed_pending(document_ids=document_ids)


def enqueue_embedding(document_ids: list[int]) -> None:
    """Queue embedding once the ingesting transaction has committed (the worker must see
    the new chunks)."""
    if not document_ids:
        return
    from django_q.tasks import async_task

    ids = list(document_ids)
    transaction.on_commit(
        lambda: async_task(
            "knowledge.tasks.embed_documents", ids, task_name=f"embed {len(ids)} documents"
        )
    )


def ingest_corpus(path: str | None = None) -> str:
    """One step of the background MedQuAD ingestion (`knowledge.ingestion`); queues the next
    step itself while work remains, so a long corpus never runs into the worker's timeout."""
    from pathlib import Path

    from django_q.tasks import async_task

    from knowledge.ingestion import corpus_ingest_step

    if corpus_ingest_step(path=Path(path) if path else None):
        async_task("knowledge.tasks.ingest_corpus", path, task_name="ingest MedQuAD corpus")
        return "continues in the next step"
    return "done"
