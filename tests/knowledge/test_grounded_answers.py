"""Answers about what was asked: chunks know their document, passages come from documents
about the named subject, unknown subjects abstain as content gaps, and the profile's
warnings come from the same engine as the checker."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command

from knowledge.answers import PatientContext, answer
from knowledge.models import Chunk, FlaggedQuestion
from knowledge.retrieval import search
from knowledge.services import document_upsert, drug_upsert, embed_pending, source_ensure
from knowledge.sources.base import DocumentRecord, DrugRecord, Section
from lumen.generation.extractive import LABEL
from tests.drug_database import drug_database  # noqa: F401 - fixture


def _add(external_id, title, sections, doc_type="drug_monograph", metadata=None):
    document_upsert(
        source=source_ensure(slug="lumen-starter", name="Lumen starter corpus"),
        record=DocumentRecord(
            external_id=external_id, title=title, doc_type=doc_type,
            url=f"https://example.org/{external_id}",
            sections=[Section(h, t) for h, t in sections], metadata=metadata or {},
        ),
    )  # fmt: skip


@pytest.fixture
def look_alikes(small_corpus):
    """Two medicines whose side-effect sections never name them, and read alike."""
    drug_upsert(record=DrugRecord(name="metformin", brand_names=["Glucophage"]))
    drug_upsert(record=DrugRecord(name="methotrexate", brand_names=["Trexall"]))
    _add("drug:metformin", "Metformin: patient information", [
        ("Uses", "Metformin lowers blood sugar in type 2 diabetes."),
        ("Common side effects", "Common side effects include diarrhoea, nausea, a metallic "
         "taste and stomach upset, which usually settle after a few weeks."),
    ], metadata={"drug": "metformin"})  # fmt: skip
    _add("drug:methotrexate", "Methotrexate: patient information", [
        ("Common side effects", "Common side effects include mouth sores, tiredness and "
         "nausea. It can lower blood counts and harm the liver."),
    ], metadata={"drug": "methotrexate"})  # fmt: skip
    embed_pending()


def test_every_chunk_carries_its_documents_identity(look_alikes):
    chunk = Chunk.objects.get(document__external_id="drug:metformin", section__startswith="Common")
    assert "Metformin: patient information" in chunk.header
    assert "glucophage" in chunk.header.lower() and "Common side effects" in chunk.header


def test_a_section_that_never_names_its_subject_is_found_by_the_subjects_name(look_alikes):
    found = search("metformin common side effects", k=1)
    assert found.passages[0].citation.title == "Metformin: patient information"
    assert "metformin" not in found.passages[0].text.lower()
    found = search("Glucophage", k=1)  # a brand name only the header holds
    assert found.passages[0].citation.external_id == "drug:metformin"


def test_the_answer_names_its_subject_and_cites_only_documents_about_it(look_alikes):
    result = answer("What are the side effects of metformin?")
    assert result.text.startswith("Metformin: side effects")
    assert "metallic taste" in result.text.replace("metallic \ntaste", "metallic taste")
    assert "mouth sores" not in result.text
    assert result.citations
    assert {c.title for c in result.citations} == {"Metformin: patient information"}
    assert "Common side effects" in result.text and LABEL in result.text


def test_no_sentence_is_repeated(look_alikes):
    _add("drug:metformin-2", "Metformin: leaflet", [
        ("Side effects", "Common side effects include diarrhoea, nausea, a metallic taste "
         "and stomach upset, which usually settle after a few weeks."),
    ], metadata={"drug": "metformin"})  # fmt: skip
    embed_pending()
    text = answer("What are the side effects of metformin?").text
    assert text.count("metallic taste") == 1


def test_another_documents_sentence_is_used_only_where_it_names_the_subject(small_corpus):
    drug_upsert(record=DrugRecord(name="loperamide", brand_names=["Imodium"]))
    _add("topic:travel", "Travellers' diarrhoea", [
        ("Treatment", "Drink plenty of fluids. Loperamide can shorten the diarrhoea but should "
         "not be used with a fever or bloody stools. Rest helps."),
    ], doc_type="health_topic")  # fmt: skip
    embed_pending()
    result = answer("Is it okay to take Imodium long term?")
    assert "Loperamide can shorten" in result.text
    assert "Drink plenty of fluids" not in result.text and "Rest helps" not in result.text
    assert "Mentioned in Travellers' diarrhoea" in result.text


def test_an_unknown_subject_abstains_and_is_queued_as_a_content_gap(small_corpus):
    out = StringIO()
    call_command("ask", "How do I treat a cold sore?", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["abstained"] is True and data["citations"] == []
    assert "Lumen has no information about cold sore yet" in data["answer"]
    assert "interaction checker" in data["answer"] and "content_gap" in data["flags"]
    flagged = FlaggedQuestion.objects.get()
    assert "content_gap" in flagged.flags and flagged.question == "How do I treat a cold sore?"


def test_an_unknown_guideline_abstains_for_pharma(small_corpus):
    result = answer("What does EU GMP Annex 2 require?", audience="pharma")
    assert result.abstained and "Lumen has no information about Annex 2 yet" in result.text


def test_a_guideline_question_cites_the_named_guideline(small_corpus):
    result = answer("What does 21 CFR 211.67 require for equipment?", audience="pharma")
    assert [c.external_id for c in result.citations] == ["guidance:21cfr211"]
    assert "sanitized at appropriate intervals" in result.text


@pytest.mark.django_db
@pytest.mark.usefixtures("drug_database")
def test_a_penicillin_allergy_is_warned_about_when_asking_about_amoxicillin():
    _add("drug:amoxicillin", "Amoxicillin: patient information", [
        ("Uses", "Amoxicillin is a penicillin antibiotic for bacterial infections."),
    ], metadata={"drug": "amoxicillin"})  # fmt: skip
    embed_pending()
    result = answer(
        "Is amoxicillin safe for me?", context=PatientContext(allergies=("penicillin",))
    )
    assert any("major allergy warning" in note for note in result.personal_notes)
    assert result.citations[0].title == "Amoxicillin: patient information"


@pytest.mark.django_db
@pytest.mark.usefixtures("drug_database")
def test_two_named_medicines_get_the_interaction_engines_warning():
    result = answer("Can I take Zoloft with tramadol?")
    assert "Sertraline with tramadol: a major interaction" in result.text
    assert "serotonin" in result.text.lower()
    assert any(c.doc_type == "interaction" for c in result.citations)


@pytest.mark.django_db
@pytest.mark.usefixtures("drug_database")
def test_notes_about_a_child_use_the_childs_age_not_the_parents_profile():
    _add("drug:aspirin", "Aspirin: patient information", [
        ("Uses", "Aspirin relieves pain and fever and, at low dose, helps prevent clots."),
    ], metadata={"drug": "aspirin"})  # fmt: skip
    embed_pending()
    mine = PatientContext(allergies=("aspirin",), age=40)
    result = answer("Can I give aspirin to my 6 year old son?", context=mine)
    assert result.personal_notes and all("allergy" not in n for n in result.personal_notes)
    assert any("age warning" in n for n in result.personal_notes)
    for_me = answer("Can I take aspirin?", context=mine)
    assert any("allergy" in n for n in for_me.personal_notes)


def test_reindex_gives_an_existing_corpus_its_headers_and_reembeds_what_changed(look_alikes):
    chunks = Chunk.objects.filter(document__external_id="drug:metformin")
    chunks.update(header="Metformin: patient information")  # as the migration left it
    untouched = Chunk.objects.get(document__external_id="topic:sunburn")
    before = list(untouched.embedding)
    out = StringIO()
    call_command("reindex", stdout=out, verbosity=0)
    assert all("glucophage" in c.header.lower() for c in chunks)
    assert all(c.embedding is not None for c in chunks)
    assert list(Chunk.objects.get(id=untouched.id).embedding) == before
    assert search("Glucophage", k=1).passages[0].citation.external_id == "drug:metformin"
