"""Question understanding: entities from the drug database and the documents' subjects,
question types, and who the question is about."""

from __future__ import annotations

import pytest

from knowledge.services import document_upsert, embed_pending, source_ensure
from knowledge.sources.base import DocumentRecord, Section
from knowledge.subjects import identity, regulation_keys, title_names
from knowledge.understanding import question_subject, understand


def test_a_title_gives_its_subject_and_other_names():
    assert title_names("Low blood sugar (hypoglycaemia)") == ("Low blood sugar", ["hypoglycaemia"])
    ident = identity("Heartburn and acid reflux (GERD)", {}, doc_type="health_topic")
    assert {"heartburn", "acid reflux", "gerd"} <= set(ident.aliases)
    assert ident.kind == "condition"


def test_medquad_metadata_names_the_subject_before_the_title():
    ident = identity(
        "What is (are) Shingles ?",
        {"focus": "Shingles", "synonyms": ["herpes zoster"], "category": "Disease"},
    )
    assert ident.name == "Shingles" and "herpes zoster" in ident.aliases


def test_regulations_are_known_by_their_identifiers():
    assert regulation_keys("What does 21 CFR 211.67 say, and Annex 1 grade A? ICH Q9(R1)") == [
        "21 CFR 211",
        "Annex 1",
        "ICH Q9",
    ]
    assert regulation_keys("EU GMP Annex 15 (2015)") == ["Annex 15"]


@pytest.mark.parametrize(
    ("question", "who", "age"),
    [
        ("Can I take ibuprofen?", "self", None),
        ("My 4-year-old son has a fever", "child", 4),
        ("Is this safe for my husband?", "other", None),
    ],
)
def test_the_subject_of_a_question(question, who, age):
    subject = question_subject(question)
    assert (subject.who, subject.age) == (who, age)


def test_a_brand_and_a_misspelling_are_the_drug(small_corpus):
    understood = understand("What are the side effects of Advil?")
    assert [e.name for e in understood.entities] == ["Ibuprofen"]
    assert understood.type == "side_effects"
    assert understood.entities[0].documents  # the ibuprofen page is about it
    assert [e.name for e in understand("is ibuprofin safe long term").entities] == ["Ibuprofen"]


def test_two_named_medicines_are_both_entities(small_corpus):
    understood = understand("Can I take Coumadin together with Advil?")
    assert [e.name for e in understood.entities] == ["Warfarin", "Ibuprofen"]
    assert understood.type == "interactions"


def test_a_condition_is_found_through_the_documents_subjects(small_corpus):
    understood = understand("How do I treat sunburn on my shoulders?")
    assert [e.kind for e in understood.entities] == ["condition"]
    assert understood.entities[0].name == "Sunburn"
    assert understood.type == "treatment"


def test_a_subject_no_passage_mentions_is_unknown(small_corpus):
    understood = understand("What are the symptoms of a cold sore?")
    assert understood.unknown == ("cold sore",)
    assert understand("Is Paxlovid safe?").unknown == ("paxlovid",)
    # Beside a medicine Lumen knows, words its passages contain are the asker's context...
    assert understand("Is ibuprofen OK for my indigestion at night?").unknown == ()
    # ...but a name no passage contains is a second subject Lumen knows nothing about.
    assert understand("Can I take Zelvoran with ibuprofen?").unknown == ("zelvoran",)
    assert understand("Can I take ibuprofen with Traxiflumab?").unknown == ("traxiflumab",)


def test_a_guideline_is_recognised_for_pharma(small_corpus):
    understood = understand("What does 21 CFR 211.67 require?", audience="pharma")
    [entity] = understood.entities
    assert entity.kind == "regulation" and entity.name == "21 CFR 211"
    assert entity.detail == "211.67"
    assert understood.type == "requirement"
    assert understand("What does Annex 2 require?", audience="pharma").unknown == ("Annex 2",)


def test_a_new_document_becomes_a_known_subject(small_corpus):
    assert understand("What causes gout?").unknown == ("gout",)
    document_upsert(
        source=source_ensure(slug="lumen-starter", name="Lumen starter corpus"),
        record=DocumentRecord(
            external_id="topic:gout", title="Gout", doc_type="health_topic",
            sections=[Section("Causes", "Uric acid crystals build up in a joint.")],
        ),
    )  # fmt: skip
    embed_pending()
    assert [e.name for e in understand("What causes gout?").entities] == ["Gout"]


def _medquad_page(external_id: str, focus: str, synonyms: list[str], text: str) -> None:
    document_upsert(
        source=source_ensure(slug="medquad", name="MedQuAD"),
        record=DocumentRecord(
            external_id=external_id, title=focus, doc_type="health_topic",
            metadata={"focus": focus, "synonyms": synonyms, "category": "Disease"},
            sections=[Section(f"What is {focus}?", text)],
        ),
    )  # fmt: skip


def test_everyday_words_among_a_corpus_synonyms_name_no_subject(small_corpus):
    _medquad_page("medquad:cancergov:1", "Adult Acute Lymphoblastic Leukemia", ["ALL"],
                  "A cancer of the blood and bone marrow.")  # fmt: skip
    _medquad_page("medquad:ghr:2", "Trichohepatoenteric syndrome", ["THE syndrome", "SD/THE"],
                  "A condition that causes severe diarrhea in infancy.")  # fmt: skip
    _medquad_page("medquad:mplus:3", "Pregnancy", [], "Pregnancy lasts about 40 weeks.")
    _medquad_page("medquad:mplus:4", "Drug Reactions", ["side effects"],
                  "Any medicine can cause unwanted effects.")  # fmt: skip
    embed_pending()
    # "ALL" in capitals is the leukaemia; "all" and "the" are just words.
    assert [e.name for e in understand("What is the outlook for ALL?").entities] == [
        "Adult Acute Lymphoblastic Leukemia"
    ]
    assert [e.name for e in understand("Can I give all the kids ibuprofen?").entities] == [
        "Ibuprofen"
    ]
    # "pregnancy" and "side effects" are what is asked about ibuprofen, not second subjects.
    assert [e.name for e in understand("Is ibuprofen safe in pregnancy?").entities] == ["Ibuprofen"]
    assert [e.name for e in understand("ibuprofen side effects?").entities] == ["Ibuprofen"]
    # A name of several words is matched word by word.
    assert [e.name for e in understand("What causes trichohepatoenteric syndrome?").entities] == [
        "Trichohepatoenteric syndrome"
    ]
