"""Writes to the knowledge base: upserting parsed records, chunking, embedding.

Re-ingesting is idempotent: a document whose content hash is unchanged is left alone; a
changed one has its chunks rebuilt and is queued for embedding again. Drug records merge
into existing drugs without blanking fields the new record does not know.
"""

from __future__ import annotations

import copy
import logging
from collections import Counter
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from knowledge.chunking import chunk_sections
from knowledge.models import Chunk, Document, Drug, DrugInteraction, Source
from knowledge.names import ingredient_name, normalise
from knowledge.sources.base import (
    DocumentRecord,
    DrugRecord,
    InteractionRecord,
    ParseResult,
    sections_from_text,
)
from knowledge.subjects import chunk_header, document_identity

logger = logging.getLogger(__name__)


def source_ensure(*, slug: str, name: str, url: str = "", description: str = "") -> Source:
    source, _ = Source.objects.update_or_create(
        slug=slug, defaults={"name": name, "url": url, "description": description}
    )
    return source


# --- Documents ------------------------------------------------------------------------------


def document_upsert(*, source: Source, record: DocumentRecord) -> tuple[Document, str]:
    """Create or update one document; returns it and "new", "updated" or "unchanged"."""
    content_hash = record.content_hash
    fields = {
        "title": record.title[:500],
        "url": record.url[:1000],
        "region": record.region,
        "doc_type": record.doc_type,
        "authority": record.authority,
        "published": record.published,
        "text": record.text,
        "metadata": record.metadata,
        "content_hash": content_hash,
    }
    with transaction.atomic():
        document = (
            Document.objects.select_for_update()
            .filter(source=source, external_id=record.external_id)
            .first()
        )
        if document is not None and document.content_hash == content_hash:
            return document, "unchanged"
        if document is None:
            document = Document(source=source, external_id=record.external_id, **fields)
            outcome = "new"
        else:
            for name, value in fields.items():
                setattr(document, name, value)
            outcome = "updated"
        document.indexed_at = None
        document.full_clean(exclude=["source"])
        document.save()
        chunks_rebuild(document)
    return document, outcome


def chunks_rebuild(document: Document) -> int:
    """Replace the document's chunks with fresh, not-yet-embedded ones, each headed by the
    document's identity."""
    drafts = chunk_sections(sections_from_text(document.text))
    ident = document_identity(document)
    document.chunks.all().delete()
    Chunk.objects.bulk_create(
        Chunk(
            document=document,
            ordinal=i,
            section=d.section[:300],
            header=chunk_header(document.title, ident, d.section),
            text=d.text,
        )
        for i, d in enumerate(drafts)
    )
    return len(drafts)


def chunk_headers_refresh(documents: Iterable[Document]) -> int:
    """Rewrite each chunk's header from its document's current identity; a chunk whose
    header changed loses its embedding (so `embed_pending` embeds it again) and its document
    is marked unindexed. Returns how many chunks changed. This is how an existing corpus
    gains headers after the migration that added them, or after a drug gains a brand name."""
    changed = 0
    for document in documents:
        ident = document_identity(document)
        stale = []
        for chunk in document.chunks.all():
            header = chunk_header(document.title, ident, chunk.section)
            if chunk.header != header:
                chunk.header, chunk.embedding = header, None
                stale.append(chunk)
        if stale:
            with transaction.atomic():
                Chunk.objects.bulk_update(stale, ["header", "embedding"])
                Document.objects.filter(id=document.id).update(indexed_at=None)
            changed += len(stale)
    return changed


def embed_pending(
    *, document_ids: Iterable[int] | None = None, batch_size: int = 256, progress=None
) -> int:
    """Embed every chunk that has no embedding yet (optionally only of some documents), then
    mark fully embedded documents as indexed. Idempotent: safe to run twice or concurrently
    with an ingestion (a chunk replaced meanwhile simply stays pending)."""
    from knowledge.embeddings import embed, passage_text

    pending = Chunk.objects.filter(embedding__isnull=True).select_related("document")
    if document_ids is not None:
        pending = pending.filter(document_id__in=list(document_ids))
    done = 0
    touched: set[int] = set()
    while batch := list(pending.order_by("id")[:batch_size]):
        vectors = embed([passage_text(c.header or c.document.title, c.text) for c in batch])
        for chunk, vector in zip(batch, vectors, strict=True):
            chunk.embedding = vector
        Chunk.objects.bulk_update(batch, ["embedding"])
        done += len(batch)
        touched.update(c.document_id for c in batch)
        if progress:
            progress(len(batch))
    complete = Document.objects.filter(id__in=touched).exclude(chunks__embedding__isnull=True)
    complete.update(indexed_at=timezone.now())
    # Documents with no chunks at all (empty text) count as indexed too.
    Document.objects.filter(indexed_at__isnull=True, chunks__isnull=True).update(
        indexed_at=timezone.now()
    )
    return done


# --- Drugs and interactions ---------------------------------------------------------------

_IDENTIFIERS = ("rxcui", "drugbank_id")
_LIST_FIELDS = ("synonyms", "brand_names", "active_ingredients", "classes")
_TEXT_FIELDS = (
    "rxcui", "drugbank_id", "drug_class", "uses", "common_side_effects",
    "pregnancy_warning", "label_warnings", "storage",
)  # fmt: skip


def _find_drug(record: DrugRecord) -> Drug | None:
    """The stored drug this record describes: by name, ingredient name (salt removed),
    RxCUI, or synonym."""
    name = normalise(record.name)
    candidates = [name, ingredient_name(name)]
    found = Drug.objects.filter(name__in=candidates).order_by("name").first()
    if found is None and record.rxcui:
        found = Drug.objects.filter(rxcui=record.rxcui).first()
    if found is None:
        found = Drug.objects.filter(synonyms__overlap=candidates).first()
    return found


def drug_upsert(*, record: DrugRecord) -> tuple[Drug, str]:
    """Merge a drug record: new descriptive values win, but an empty value never erases a
    known one; identifiers (RxCUI, DrugBank id) are kept once known, because sources disagree
    on their level (openFDA gives product RxCUIs, RxNorm the ingredient's); list fields are
    unions (order kept, case-insensitively de-duplicated)."""
    name = normalise(record.name)
    drug = _find_drug(record)
    created = drug is None
    if created:
        drug = Drug(name=ingredient_name(name))
    tracked = (*_LIST_FIELDS, *_TEXT_FIELDS, "availability", "references", "reported_reactions")
    before = {f: copy.deepcopy(getattr(drug, f)) for f in tracked}
    for field in _TEXT_FIELDS:
        value = getattr(record, field)
        if value and not (field in _IDENTIFIERS and getattr(drug, field)):
            setattr(drug, field, value)
    for field in _LIST_FIELDS:
        setattr(drug, field, _union(getattr(drug, field), getattr(record, field)))
    if drug.name != name:
        drug.synonyms = _union(drug.synonyms, [name])
    drug.availability = {**drug.availability, **record.availability}
    if record.reported_reactions:
        drug.reported_reactions = [[t, int(c)] for t, c in record.reported_reactions]
    if record.references:
        known = {r.get("url") for r in drug.references}
        new_refs = [r for r in record.references if r.get("url") not in known]
        drug.references = [*drug.references, *new_refs]
    after = {f: getattr(drug, f) for f in before}
    if created:
        drug.full_clean()
        drug.save()
        return drug, "new"
    if after != before:
        drug.save()
        return drug, "updated"
    return drug, "unchanged"


def _union(existing: list[str], new: list[str]) -> list[str]:
    seen = {v.lower() for v in existing}
    merged = list(existing)
    for value in new:
        if value and value.lower() not in seen:
            seen.add(value.lower())
            merged.append(value)
    return merged


def interaction_upsert(*, record: InteractionRecord) -> str:
    """Store one rule; "new", "updated", "unchanged", or "skipped" when a drug is unknown."""
    sides = {}
    for key, value, is_class in (
        ("a", record.a, record.a_is_class),
        ("b", record.b, record.b_is_class),
    ):
        if is_class:
            sides[f"drug_{key}"], sides[f"class_{key}"] = None, value.strip().lower()
        else:
            drug = _find_drug(DrugRecord(name=value))
            if drug is None:
                return "skipped"
            sides[f"drug_{key}"], sides[f"class_{key}"] = drug, ""
    # One row per unordered pair: normalise the order so A+B and B+A are the same rule.
    if _side_key(sides["drug_b"], sides["class_b"]) < _side_key(sides["drug_a"], sides["class_a"]):
        sides = {
            "drug_a": sides["drug_b"], "class_a": sides["class_b"],
            "drug_b": sides["drug_a"], "class_b": sides["class_a"],
        }  # fmt: skip
    values = {
        "severity": record.severity,
        "mechanism": record.mechanism,
        "management": record.management,
        "source": record.source[:300],
        "source_url": record.source_url[:500],
    }
    existing = DrugInteraction.objects.filter(**sides).first()
    if existing is None:
        rule = DrugInteraction(**sides, **values)
        rule.full_clean()
        rule.save()
        return "new"
    if all(getattr(existing, k) == v for k, v in values.items()):
        return "unchanged"
    for k, v in values.items():
        setattr(existing, k, v)
    existing.save()
    return "updated"


def _side_key(drug: Drug | None, klass: str) -> str:
    return drug.name if drug else f"~{klass}"


# --- One parsed page --------------------------------------------------------------------


def ingest(*, source: Source, result: ParseResult) -> tuple[Counter, list[int]]:
    """Store everything one parsed page holds. Returns counts and the ids of documents whose
    chunks need embedding: changed ones, and unchanged ones still unembedded (a run stopped
    between storing a page and queueing its embedding). A record that fails validation is
    counted as failed and logged (by id, never by content); the rest of the page still lands."""
    counts: Counter = Counter(fetched=result.record_count, skipped=result.skipped)
    changed: list[int] = []

    def store_document(record: DocumentRecord) -> str:
        document, outcome = document_upsert(source=source, record=record)
        if outcome != "unchanged" or document.indexed_at is None:
            changed.append(document.id)
        return outcome

    for record in result.drugs:
        _count(counts, "drug", lambda r=record: drug_upsert(record=r)[1], record.name)
    for record in result.documents:
        _count(counts, "document", lambda r=record: store_document(r), record.external_id)
    for record in result.interactions:
        label = f"{record.a}+{record.b}"
        _count(counts, "interaction", lambda r=record: interaction_upsert(record=r), label)
    return counts, changed


def _count(counts: Counter, kind: str, action, label: str) -> None:
    try:
        with transaction.atomic():
            outcome = action()
    except Exception as exc:  # one bad record must not sink the batch
        logger.warning("ingest: %s %s failed: %s", kind, label, type(exc).__name__)
        counts["failed"] += 1
        return
    # "skipped" interactions name a drug Lumen does not know: skipped, not failed.
    counts["skipped" if outcome == "skipped" else outcome] += 1
    counts[f"{kind}s_{outcome}"] += 1


# --- Review queue -----------------------------------------------------------------------


def flagged_question_record(*, answer, audience: str, user=None, channel: str = "web", reply=None):
    """Queue a question for staff review: a high-risk one (the safety layer asked for review)
    or a content gap (it named a subject Lumen has no documents about). Returns the row, or
    None when neither applies. `reply` is the stored patients.Message answer, if any."""
    from knowledge.models import FlaggedQuestion

    if not {"flagged_for_review", "content_gap"} & set(answer.flags):
        return None
    return FlaggedQuestion.objects.create(
        user=user,
        audience=audience,
        channel=channel,
        question=answer.question,
        flags=list(answer.flags),
        reasons=list(answer.reasons),
        reply=reply,
    )
