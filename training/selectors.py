"""Reads of the knowledge base for dataset building, with their relations selected.
`class_labels` is re-exported from knowledge.drug_lookup, the one place that reads them."""

from __future__ import annotations

from django.db.models import QuerySet

from knowledge.drug_lookup import class_labels
from knowledge.models import Chunk, DocType, Drug, DrugInteraction


def chunks_for_training() -> QuerySet[Chunk]:
    """Chunks of health topics, drug labels and guidance, in a stable order."""
    return (
        Chunk.objects.filter(
            document__doc_type__in=[DocType.HEALTH_TOPIC, DocType.DRUG_LABEL, DocType.GUIDANCE]
        )
        .select_related("document", "document__source")
        .only(
            "section",
            "text",
            "ordinal",
            "document__title",
            "document__url",
            "document__doc_type",
            "document__external_id",
            "document__authority",
            "document__region",
            "document__metadata",
            "document__source__slug",
        )
        .order_by("document__source__slug", "document__external_id", "ordinal")
    )


def drugs_for_training() -> QuerySet[Drug]:
    return Drug.objects.order_by("name")


def interaction_rules_for_training() -> QuerySet[DrugInteraction]:
    return DrugInteraction.objects.select_related("drug_a", "drug_b").order_by("id")


__all__ = [
    "chunks_for_training",
    "class_labels",
    "drugs_for_training",
    "interaction_rules_for_training",
]
