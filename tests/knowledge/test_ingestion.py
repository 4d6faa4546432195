from knowledge.models import Chunk, Document, Drug, DrugInteraction
from knowledge.services import (
    document_upsert,
    drug_upsert,
    embed_pending,
    ingest,
    interaction_upsert,
    source_ensure,
)
from knowledge.sources.base import (
    DocumentRecord,
    DrugRecord,
    InteractionRecord,
    ParseResult,
    Section,
)


def _record(text="Ibuprofen relieves pain and fever.", external_id="label-1"):
    return DocumentRecord(
        external_id=external_id,
        title="Ibuprofen tablets",
        sections=[Section("Uses", text), Section("Warnings", "May cause stomach bleeding.")],
        doc_type="drug_label",
        url="https://dailymed.nlm.nih.gov/dailymed/lookup.cfm?setid=abc",
        authority="FDA",
    )


def test_ingesting_the_same_document_twice_adds_nothing(db):
    source = source_ensure(slug="openfda-label", name="openFDA labels")
    document, outcome = document_upsert(source=source, record=_record())
    assert outcome == "new"
    assert document.chunks.count() == 2
    chunk_ids = set(document.chunks.values_list("id", flat=True))

    again, outcome = document_upsert(source=source, record=_record())
    assert outcome == "unchanged"
    assert again.pk == document.pk
    assert Document.objects.count() == 1
    assert set(again.chunks.values_list("id", flat=True)) == chunk_ids


def test_changed_content_rebuilds_the_chunks_and_needs_embedding_again(db):
    source = source_ensure(slug="openfda-label", name="openFDA labels")
    document, _ = document_upsert(source=source, record=_record())
    embed_pending()
    document.refresh_from_db()
    assert document.indexed_at is not None

    document, outcome = document_upsert(source=source, record=_record(text="New uses text."))
    assert outcome == "updated"
    assert document.indexed_at is None
    assert document.chunks.filter(embedding__isnull=True).count() == 2
    assert "New uses text." in document.chunks.get(section="Uses").text


def test_embedding_fills_every_chunk_with_a_unit_vector(db):
    source = source_ensure(slug="openfda-label", name="openFDA labels")
    document_upsert(source=source, record=_record())
    assert embed_pending() == 2
    vector = Chunk.objects.first().embedding
    assert len(vector) == 384
    assert abs(sum(x * x for x in vector) - 1.0) < 1e-3
    assert embed_pending() == 0  # idempotent


def test_a_drug_record_merges_without_erasing_what_is_known(db):
    drug_upsert(record=DrugRecord(name="Ibuprofen", brand_names=["Advil"], uses="Pain relief."))
    drug, outcome = drug_upsert(
        record=DrugRecord(name="ibuprofen", rxcui="5640", brand_names=["Motrin", "advil"])
    )
    assert outcome == "updated"
    assert drug.brand_names == ["Advil", "Motrin"]
    assert drug.rxcui == "5640"
    assert drug.uses == "Pain relief."
    assert Drug.objects.count() == 1


def test_a_drug_is_found_again_by_rxcui_or_synonym(db):
    drug_upsert(record=DrugRecord(name="acetaminophen", rxcui="161", synonyms=["paracetamol"]))
    _, outcome = drug_upsert(record=DrugRecord(name="paracetamol", uses="Fever."))
    assert outcome == "updated"
    assert Drug.objects.get().uses == "Fever."


def test_interactions_are_one_rule_per_unordered_pair_and_skip_unknown_drugs(db):
    drug_upsert(record=DrugRecord(name="warfarin"))
    drug_upsert(record=DrugRecord(name="ibuprofen"))
    rule = dict(severity="major", mechanism="Bleeding.", management="Avoid.", source="Label")
    assert (
        interaction_upsert(record=InteractionRecord(a="warfarin", b="ibuprofen", **rule)) == "new"
    )
    assert (
        interaction_upsert(record=InteractionRecord(a="ibuprofen", b="warfarin", **rule))
        == "unchanged"
    )
    assert DrugInteraction.objects.count() == 1
    assert interaction_upsert(record=InteractionRecord(a="warfarin", b="unobtainium", **rule)) == (
        "skipped"
    )
    class_rule = InteractionRecord(a="ssri", b="maoi", a_is_class=True, b_is_class=True, **rule)
    assert interaction_upsert(record=class_rule) == "new"
    assert DrugInteraction.objects.get(class_a="maoi").class_b == "ssri"


def test_one_bad_record_fails_alone_and_the_rest_of_the_page_lands(db):
    source = source_ensure(slug="openfda-label", name="openFDA labels")
    bad = _record(external_id="x" * 300)  # longer than the column allows
    result = ParseResult(documents=[_record(external_id="good"), bad], skipped=2)
    counts, changed = ingest(source=source, result=result)
    assert counts["failed"] == 1
    assert counts["new"] == 1
    assert counts["skipped"] == 2
    assert list(Document.objects.values_list("external_id", flat=True)) == ["good"]
    assert changed == [Document.objects.get().id]


def test_salt_names_from_labels_merge_into_the_ingredient(db):
    drug_upsert(record=DrugRecord(name="atorvastatin", rxcui="83367"))
    drug, outcome = drug_upsert(
        record=DrugRecord(name="Atorvastatin Calcium", rxcui="617310", brand_names=["Lipitor"])
    )
    assert outcome == "updated"
    assert drug.name == "atorvastatin"
    assert drug.rxcui == "83367"  # the ingredient's RxCUI is kept over a product's
    assert "atorvastatin calcium" in drug.synonyms
    assert Drug.objects.count() == 1
    # ...but a salt that is the ingredient stays itself.
    potassium, _ = drug_upsert(record=DrugRecord(name="potassium chloride"))
    assert potassium.name == "potassium chloride"


def test_reingesting_the_same_drug_record_changes_nothing(db):
    record = DrugRecord(
        name="ibuprofen",
        reported_reactions=[("NAUSEA", 10)],
        references=[{"title": "Label", "url": "https://example.org/label"}],
    )
    drug_upsert(record=record)
    assert drug_upsert(record=record)[1] == "unchanged"
