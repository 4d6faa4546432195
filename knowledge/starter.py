"""Lumen's starter corpus (knowledge/starter/*.json): loaded by `manage.py load_starter`.

Drugs also become short patient-facing monographs (doc_type drug_monograph), so questions
about a medicine retrieve passages with the same citations as everything else.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from pathlib import Path

from django.db import transaction

from knowledge.models import Availability, DocType, Drug, RegulatoryStatus
from knowledge.services import (
    document_upsert,
    drug_upsert,
    interaction_upsert,
    source_ensure,
)
from knowledge.sources.base import DocumentRecord, DrugRecord, InteractionRecord, Section
from knowledge.vocabulary import load_ndfrt_rules, load_vocabulary

STARTER_DIR = Path(__file__).resolve().parent / "starter"
SOURCE_SLUG = "lumen-starter"


def _load(name: str):
    return json.loads((STARTER_DIR / name).read_text())


def document_record(entry: dict) -> DocumentRecord:
    return DocumentRecord(
        external_id=entry["external_id"],
        title=entry["title"],
        sections=[Section(s["heading"], s["text"]) for s in entry["sections"]],
        doc_type=entry["doc_type"],
        region=entry.get("region", "INTL"),
        url=entry.get("url", ""),
        authority=entry.get("authority", ""),
        published=date.fromisoformat(entry["published"]) if entry.get("published") else None,
        metadata={"references": entry.get("references", []), "written_by": "Lumen"},
    )


def drug_record(entry: dict) -> DrugRecord:
    fields = {k: v for k, v in entry.items() if k in DrugRecord.__dataclass_fields__}
    return DrugRecord(**fields)


def monograph_record(drug: Drug) -> DocumentRecord:
    """A plain-language page about one medicine, built from its drug-database entry."""
    availability = "; ".join(
        f"{region}: {Availability(status).label.lower()}"
        for region, status in sorted(drug.availability.items())
        if status in Availability.values
    )
    names = ", ".join([*drug.brand_names[:6], *drug.synonyms[:3]])
    sections = [
        Section("What it is", f"{drug.name.capitalize()} ({names}) is a {drug.drug_class}." if names
                else f"{drug.name.capitalize()} is a {drug.drug_class}."),
        Section("Uses", drug.uses),
        Section("Common side effects", drug.common_side_effects),
        Section("Important warnings", drug.label_warnings),
        Section("Pregnancy and breastfeeding", drug.pregnancy_warning),
        Section("Storage", drug.storage),
        Section("How to get it", availability),
    ]  # fmt: skip
    first_reference = drug.references[0] if drug.references else {}
    return DocumentRecord(
        external_id=f"drug:{drug.name}",
        title=f"{drug.name.capitalize()}: patient information",
        sections=[s for s in sections if s.text],
        doc_type=DocType.DRUG_MONOGRAPH,
        region="INTL",
        url=first_reference.get("url", ""),
        authority="Lumen",
        metadata={"drug": drug.name, "references": drug.references, "written_by": "Lumen"},
    )


@transaction.atomic
def load_drug_database(progress=None) -> Counter:
    """Load (or refresh) the starter drugs and interaction rules only, no documents: what
    interaction checks need, in a second or two."""
    tick = progress or (lambda n=1: None)
    counts: Counter = Counter()
    for entry in _load("drugs.json"):
        drug, outcome = drug_upsert(record=drug_record(entry))
        counts[f"drugs_{outcome}"] += 1
        for status in entry.get("regulatory", []):
            RegulatoryStatus.objects.update_or_create(
                drug=drug,
                region=status["region"],
                authority=status["authority"],
                defaults={
                    "status": status["status"][:100],
                    "reference": status.get("reference", "")[:300],
                    "reference_url": status.get("reference_url", "")[:500],
                },
            )
        tick()
    # The vocabulary's minimal records come after the written monographs (they only add names
    # to those) and before the rules, which may name vocabulary drugs.
    counts.update(load_vocabulary())
    for entry in [*_load("interactions.json"), *_load("interactions_common.json")]:
        record = InteractionRecord(
            a=entry.get("a") or entry["a_class"],
            b=entry.get("b") or entry["b_class"],
            a_is_class="a_class" in entry,
            b_is_class="b_class" in entry,
            severity=entry["severity"],
            mechanism=entry["mechanism"],
            management=entry["management"],
            source=entry["source"],
            source_url=entry.get("source_url", ""),
        )
        counts[f"interactions_{interaction_upsert(record=record)}"] += 1
        tick()
    # Last, so that a pair Lumen has its own rule for keeps it.
    counts["ndfrt_rules_new"] = load_ndfrt_rules()
    return counts


@transaction.atomic
def load(progress=None) -> Counter:
    """Load (or refresh) everything; returns counts. `progress(n)` is called per record."""
    tick = progress or (lambda n=1: None)
    source = source_ensure(
        slug=SOURCE_SLUG,
        name="Lumen starter corpus",
        description="Summaries written by the Lumen team; each cites the official source.",
    )
    counts = load_drug_database(progress=tick)
    documents = [
        document_record(e) for name in ("health_topics.json", "guidance.json") for e in _load(name)
    ]
    documents += [
        monograph_record(d)
        for d in Drug.objects.filter(name__in=[e["name"] for e in _load("drugs.json")])
    ]
    for record in documents:
        _, outcome = document_upsert(source=source, record=record)
        counts[f"documents_{outcome}"] += 1
        tick()
    return counts


def record_total() -> int:
    return sum(
        len(_load(n))
        for n in ("drugs.json", "interactions.json", "health_topics.json", "guidance.json")
    ) + len(_load("drugs.json"))
