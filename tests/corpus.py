"""A small cited corpus and drug database for answer tests (no need for the full starter)."""

from __future__ import annotations

import pytest

from knowledge.services import (
    document_upsert,
    drug_upsert,
    embed_pending,
    interaction_upsert,
    source_ensure,
)
from knowledge.sources.base import DocumentRecord, DrugRecord, InteractionRecord, Section

DOCUMENTS = [
    ("drug:ibuprofen", "Ibuprofen: patient information", "drug_monograph", "INTL", "Lumen", [
        ("Uses", "Ibuprofen is a nonsteroidal anti-inflammatory drug used to relieve pain, "
         "fever and inflammation, for example headaches, toothache and period pain."),
        ("Common side effects", "Common side effects of ibuprofen include indigestion, "
         "heartburn, nausea and stomach pain. Taking it with food can help."),
        ("Important warnings", "Ibuprofen can cause stomach bleeding, especially in older "
         "adults and people taking blood thinners such as warfarin."),
    ]),
    ("topic:sunburn", "Sunburn", "health_topic", "INTL", "NLM", [
        ("Self-care", "Cool the skin with a cool shower or damp cloth, drink extra water, and "
         "use a moisturiser or aloe vera gel. Stay out of the sun until the skin heals."),
    ]),
    ("guidance:annex-15", "EU GMP Annex 15: Qualification and Validation", "guidance", "EU",
     "EC", [
        ("§10 Cleaning validation", "Cleaning validation should be performed to confirm the "
         "effectiveness of any cleaning procedure for all product contact equipment. Limits "
         "for the carryover of product residues should be based on a toxicological "
         "evaluation."),
    ]),
    ("guidance:21cfr211", "21 CFR Part 211 cGMP for finished pharmaceuticals", "guidance",
     "US", "FDA", [
        ("§211.67 Equipment cleaning and maintenance", "Equipment and utensils shall be "
         "cleaned, maintained and sanitized at appropriate intervals to prevent "
         "contamination."),
    ]),
]  # fmt: skip


@pytest.fixture
def small_corpus(db):
    source = source_ensure(slug="lumen-starter", name="Lumen starter corpus")
    for external_id, title, doc_type, region, authority, sections in DOCUMENTS:
        document_upsert(
            source=source,
            record=DocumentRecord(
                external_id=external_id, title=title, doc_type=doc_type, region=region,
                authority=authority, url=f"https://example.org/{external_id}",
                sections=[Section(h, t) for h, t in sections],
            ),
        )  # fmt: skip
    embed_pending()
    drug_upsert(record=DrugRecord(name="ibuprofen", brand_names=["Advil"], classes=["nsaid"]))
    drug_upsert(
        record=DrugRecord(name="warfarin", brand_names=["Coumadin"], classes=["anticoagulant"])
    )
    interaction_upsert(
        record=InteractionRecord(
            a="warfarin", b="nsaid", b_is_class=True, severity="major",
            mechanism="NSAIDs add to warfarin's bleeding risk.",
            management="Avoid; ask about acetaminophen instead.",
            source="Coumadin prescribing information, section 7",
        )
    )  # fmt: skip
