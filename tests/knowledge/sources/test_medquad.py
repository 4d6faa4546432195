"""MedQuAD: one real XML file per focus to one document, answers as sections headed by their
question, annotations as metadata; empty answers and answerless folders are left out."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from knowledge import sources
from knowledge.models import Chunk
from knowledge.services import document_upsert, source_ensure
from knowledge.sources.medquad import LICENCE, SOURCE, answer_text, question_heading

METADATA_KEYS = {
    "focus", "synonyms", "cui", "semantic_types", "category", "question_types", "publisher",
    "licence",
}  # fmt: skip


@pytest.fixture(scope="session")
def medquad(shared_data) -> Path:
    return shared_data / "medquad"


def parse(medquad: Path, name: str):
    return SOURCE.parse((medquad / name).read_bytes())


def test_the_source_is_registered_for_scrape():
    assert sources.get("medquad") is SOURCE


def test_a_medlineplus_topic_becomes_one_document_with_its_annotations(medquad):
    result = parse(medquad, "4_MPlus_Health_Topics_QA/0000812.xml")
    (doc,) = result.documents
    assert doc.external_id == "medquad:mplus:0000812:shingles"
    assert doc.title == "Shingles"
    assert doc.url == "https://www.nlm.nih.gov/medlineplus/shingles.html"
    assert (doc.doc_type, doc.region, doc.authority) == ("health_topic", "US", "NLM")
    assert set(doc.metadata) == METADATA_KEYS
    assert doc.metadata == {
        "focus": "Shingles",
        "synonyms": ["Herpes zoster", "Postherpetic neuralgia"],
        "cui": "C0019360",
        "semantic_types": ["T047"],
        "category": "Disease",
        "question_types": ["information"],
        "publisher": "NIH MedlinePlus",
        "licence": LICENCE,
    }
    (section,) = doc.sections
    assert section.heading == "What is Shingles?"
    assert section.text.startswith("Shingles is a disease caused by the varicella-zoster virus")


def test_every_answer_of_a_focus_is_a_section_headed_by_its_question(medquad):
    (doc,) = parse(medquad, "7_SeniorHealth_QA/0000062.xml").documents
    assert doc.title == "Shingles"
    assert doc.metadata["publisher"] == "NIHSeniorHealth"
    assert doc.authority == "NIA"
    headings = [s.heading for s in doc.sections]
    assert len(headings) > 5
    assert "What are the symptoms of Shingles?" in headings
    assert all(h.endswith("?") and " ?" not in h for h in headings)
    assert {"information", "symptoms", "treatment"} <= set(doc.metadata["question_types"])
    # The category is only annotated in MedlinePlus; MedQuAD says the others are diseases.
    assert doc.metadata["category"] == "Disease"


def test_gard_umls_annotations_become_cui_and_semantic_types(medquad):
    (doc,) = parse(medquad, "2_GARD_QA/0000004.xml").documents
    assert doc.title == "ABCD syndrome"
    assert doc.metadata["cui"] == "C1838099"
    assert doc.metadata["semantic_types"] == ["T047"]
    assert doc.metadata["publisher"] == "GARD"
    assert doc.metadata["question_types"] == ["symptoms"]


@pytest.mark.parametrize(
    ("name", "publisher", "title"),
    [
        (
            "1_CancerGov_QA/0000001_1.xml",
            "National Cancer Institute",
            "Adult Acute Lymphoblastic Leukemia",
        ),
        ("3_GHR_QA/0000001.xml", "Genetics Home Reference", None),
        ("5_NIDDK_QA/0000001.xml", "NIDDK", None),
        ("8_NHLBI_QA_XML/0000001.xml", "NHLBI", None),
        # The older layouts: <doc corpus> in NINDS, <DiseaseFile fid> in CDC.
        ("6_NINDS_QA/0000007.xml", "NINDS", "Holmes-Adie"),
        ("9_CDC_QA/0000397.xml", "CDC", "Parasites - Taeniasis"),
    ],
)
def test_each_nih_source_and_layout_parses(medquad, name, publisher, title):
    result = parse(medquad, name)
    assert result.skipped == 0, result.problems
    (doc,) = result.documents
    assert doc.metadata["publisher"] == publisher
    assert doc.url.startswith("http")
    assert doc.title == (title or doc.metadata["focus"])
    assert doc.sections and all(s.heading and s.text for s in doc.sections)
    assert doc.sections[0].heading[0].isupper()  # NINDS writes its questions in lower case


def test_a_file_whose_answers_are_all_empty_is_skipped_and_named(medquad):
    result = parse(medquad, "2_GARD_QA/0002079.xml")
    assert result.documents == []
    assert result.skipped == 1
    assert "no answers" in result.problems[0]


def test_answerless_folders_are_left_out_by_design_not_counted_as_failures(medquad, tmp_path):
    for name in ("10_MPlus_ADAM_QA/0003556.xml", "11_MPlusDrugs_QA/0000768.xml",
                 "4_MPlus_Health_Topics_QA/0000812.xml"):  # fmt: skip
        (tmp_path / name).parent.mkdir(exist_ok=True)
        shutil.copy(medquad / name, tmp_path / name)
    result = SOURCE.parse_path(tmp_path)
    assert [d.title for d in result.documents] == ["Shingles"]
    assert result.skipped == 0
    assert result.problems == [
        "left out 2 file(s) whose answers MedQuAD removed (A.D.A.M., MedlinePlus drugs and "
        "herbs) by design"
    ]


def test_malformed_or_foreign_xml_is_skipped_not_raised():
    assert SOURCE.parse(b"<Document id='1' source='GARD'><Focus>x").skipped == 1
    result = SOURCE.parse(b"<health-topics/>")
    assert (result.documents, result.skipped) == ([], 1)


def test_questions_are_tidied_into_headings():
    assert question_heading("What is (are) Shingles ?") == "What is Shingles?"
    assert question_heading("Who is at risk for Prostate Cancer? ?") == (
        "Who is at risk for Prostate Cancer?"
    )
    assert question_heading("what is holmes-adie syndrome ?") == "What is holmes-adie syndrome?"


def test_answers_keep_paragraphs_and_restore_flattened_bullets():
    raw = "Intro line\n   \n   Second paragraph.    - one    - two\n## Not a heading"
    assert answer_text(raw) == "Intro line\n\nSecond paragraph.\n- one\n- two\nNot a heading"


def test_chunks_of_a_stored_document_carry_the_question_as_their_section(medquad, db):
    (record,) = parse(medquad, "7_SeniorHealth_QA/0000062.xml").documents
    source = source_ensure(slug="medquad", name="MedQuAD")
    document, outcome = document_upsert(source=source, record=record)
    assert outcome == "new"
    sections = set(Chunk.objects.filter(document=document).values_list("section", flat=True))
    assert sections == {s.heading for s in record.sections}
    assert document.metadata["focus"] == "Shingles"
