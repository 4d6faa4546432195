import pytest

from knowledge.retrieval import Filters, search
from knowledge.services import document_upsert, embed_pending, source_ensure
from knowledge.sources.base import DocumentRecord, Section

CORPUS = [
    ("topic:stroke", "Stroke", "health_topic", "INTL", "NLM", [
        ("Signs of a stroke", "Remember FAST: face drooping, arm weakness, speech difficulty, "
         "time to call emergency services. Sudden numbness or confusion are warning signs."),
    ]),
    ("topic:heartburn", "Heartburn and acid reflux", "health_topic", "INTL", "NLM", [
        ("Self-care", "Eat smaller meals, avoid lying down after eating, and raise the head "
         "of the bed. Antacids can relieve occasional heartburn."),
    ]),
    ("topic:sunburn", "Sunburn", "health_topic", "US", "CDC", [
        ("Prevention", "Use broad-spectrum sunscreen, wear a hat, and seek shade at midday."),
    ]),
    ("guidance:annex-15", "EU GMP Annex 15: Qualification and Validation", "guidance", "EU",
     "EMA", [
        ("§10 Cleaning validation", "Cleaning validation should confirm the effectiveness of "
         "any cleaning procedure for product contact equipment. Limits for carryover should "
         "be based on a toxicological evaluation."),
    ]),
    ("guidance:mhra-di", "MHRA GXP Data Integrity Guidance", "guidance", "UK", "MHRA", [
        ("ALCOA+", "Data should be attributable, legible, contemporaneous, original and "
         "accurate (ALCOA), and also complete, consistent, enduring and available."),
    ]),
    ("guidance:21cfr211", "21 CFR Part 211 cGMP for finished pharmaceuticals", "guidance",
     "US", "FDA", [
        ("§211.67 Equipment cleaning and maintenance", "Equipment and utensils shall be "
         "cleaned, maintained and sanitized at appropriate intervals to prevent "
         "contamination that would alter the safety, identity, strength or quality."),
    ]),
]  # fmt: skip


@pytest.fixture
def corpus(db):
    source = source_ensure(slug="lumen-starter", name="Lumen starter corpus")
    for external_id, title, doc_type, region, authority, sections in CORPUS:
        document_upsert(
            source=source,
            record=DocumentRecord(
                external_id=external_id,
                title=title,
                sections=[Section(h, t) for h, t in sections],
                doc_type=doc_type,
                region=region,
                authority=authority,
                url=f"https://example.org/{external_id}",
            ),
        )
    embed_pending()


def test_a_lay_question_finds_the_right_passage_with_its_citation(corpus):
    result = search("what are the warning signs that someone is having a stroke", k=3)
    assert result.found
    top = result.passages[0]
    assert top.citation.external_id == "topic:stroke"
    assert top.citation.title == "Stroke"
    assert top.citation.section == "Signs of a stroke"
    assert top.citation.source == "Lumen editorial"  # its own summary; example.org is nobody
    assert top.citation.url == "https://example.org/topic:stroke"
    assert top.citation.label == "Stroke · Signs of a stroke"
    assert "FAST" in top.text
    assert top.similarity > 0.4


def test_filters_restrict_type_region_and_authority(corpus):
    guidance = search("cleaning of equipment", k=5, filters={"doc_types": ["guidance"]})
    assert {p.citation.doc_type for p in guidance.passages} == {"guidance"}
    eu = search("cleaning of equipment", k=5, filters=Filters(regions=("EU",)))
    assert [p.citation.external_id for p in eu.passages] == ["guidance:annex-15"]
    fda = search("cleaning of equipment", k=5, filters={"authorities": "FDA"})
    assert [p.citation.external_id for p in fda.passages] == ["guidance:21cfr211"]
    none = search("cleaning of equipment", k=5, filters={"sources": ["openfda-label"]})
    assert none.passages == [] and not none.found


def test_a_rare_term_is_found_through_full_text(corpus):
    result = search("ALCOA", k=2)
    assert result.passages[0].citation.external_id == "guidance:mhra-di"


def test_nothing_relevant_means_not_found_so_callers_can_abstain(corpus):
    result = search("best strategy for a chess endgame with two bishops", k=3)
    assert not result.found
    assert "dissimilar" in result.reason


def test_an_empty_question_is_not_searched(corpus):
    result = search("   ", k=3)
    assert not result.found and result.passages == [] and result.reason == "empty question"


def test_a_search_costs_a_fixed_number_of_queries(corpus, django_assert_max_num_queries):
    search("heartburn after meals", k=3)  # warm the model outside the count
    with django_assert_max_num_queries(4):
        result = search("heartburn after meals", k=5)
    assert result.passages[0].citation.external_id == "topic:heartburn"
