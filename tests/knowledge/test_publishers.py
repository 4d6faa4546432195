"""Citations name whose page a passage comes from (knowledge/publishers.py): NIH sites for
MedQuAD, FDA labels, NHS, PubMed, and "Lumen editorial" only for Lumen's own summaries."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command

from knowledge.publishers import document_publisher, host_publisher, shown_publisher
from knowledge.retrieval import search
from knowledge.services import document_upsert, embed_pending, source_ensure
from knowledge.sources.base import DocumentRecord, Section


def _document(source, external_id, title, text, *, url, authority="", metadata=None):
    return document_upsert(
        source=source,
        record=DocumentRecord(
            external_id=external_id, title=title, sections=[Section("Overview", text)],
            doc_type="health_topic", region="US", url=url, authority=authority,
            metadata=metadata or {},
        ),
    )  # fmt: skip


@pytest.fixture
def mixed_corpus(db):
    medquad = source_ensure(slug="medquad", name="MedQuAD (NIH consumer health questions)")
    _document(
        medquad, "medquad:gard:0001:fabry-disease", "Fabry disease",
        "Fabry disease is an inherited disorder that results from the buildup of a fat "
        "called globotriaosylceramide in the body's cells.",
        url="https://rarediseases.info.nih.gov/gard/6400/fabry-disease", authority="NCATS",
        metadata={"publisher": "GARD", "focus": "Fabry disease"},
    )  # fmt: skip
    _document(
        medquad, "medquad:niddk:0002:gastroparesis", "Gastroparesis",
        "Gastroparesis is a disorder that slows or stops the movement of food from the "
        "stomach to the small intestine.",
        url="https://www.niddk.nih.gov/health-information/digestive-diseases/gastroparesis",
        authority="NIDDK", metadata={"publisher": "NIDDK"},
    )  # fmt: skip
    starter = source_ensure(slug="lumen-starter", name="Lumen starter corpus")
    _document(
        starter, "topic:shingles", "Shingles",
        "Shingles is a painful rash caused by the chickenpox virus waking up again.",
        url="https://www.nhs.uk/conditions/shingles/", authority="NHS",
        metadata={"written_by": "Lumen"},
    )  # fmt: skip
    labels = source_ensure(slug="openfda-label", name="openFDA drug labels")
    _document(
        labels, "setid:abc", "Warfarin sodium tablets",
        "Warfarin can cause major or fatal bleeding; regular INR monitoring is required.",
        url="https://api.fda.gov/drug/label.json?search=set_id:abc", authority="FDA",
    )  # fmt: skip
    embed_pending()


@pytest.mark.parametrize(
    ("query", "publisher", "url"),
    [
        ("what is fabry disease", "GARD, Genetic and Rare Diseases (NIH)",
         "https://rarediseases.info.nih.gov/gard/6400/fabry-disease"),
        ("what is gastroparesis, food stays in the stomach", "NIDDK (NIH)",
         "https://www.niddk.nih.gov/health-information/digestive-diseases/gastroparesis"),
        ("shingles rash chickenpox virus", "Lumen editorial, based on NHS",
         "https://www.nhs.uk/conditions/shingles/"),
        ("warfarin bleeding INR monitoring", "FDA drug label (openFDA)",
         "https://api.fda.gov/drug/label.json?search=set_id:abc"),
    ],
)  # fmt: skip
def test_a_citation_names_the_real_publisher_and_the_documents_own_url(
    mixed_corpus, query, publisher, url
):
    top = search(query, k=1).passages[0]
    assert top.citation.source == publisher
    assert top.citation.url == url


def test_ask_json_keeps_its_citation_fields_with_the_publisher_as_source(mixed_corpus, capsys):
    call_command("ask", "What is Fabry disease?", "--json")
    citations = json.loads(capsys.readouterr().out)["citations"]
    assert citations, "the question is answered from the corpus"
    assert set(citations[0]) == {"n", "title", "section", "source", "url"}
    assert "GARD, Genetic and Rare Diseases (NIH)" in {c["source"] for c in citations}
    assert not any("starter corpus" in c["source"] for c in citations)


class _Doc:
    def __init__(self, url="", authority="", metadata=None):
        self.url, self.authority, self.metadata = url, authority, metadata or {}


@pytest.mark.parametrize(
    ("slug", "document", "publisher"),
    [
        # Lumen's own monograph whose page links to the official label it summarises.
        ("lumen-starter", _Doc("https://dailymed.nlm.nih.gov/dailymed/search.cfm?query=x",
                               "Lumen", {"written_by": "Lumen"}),
         "Lumen editorial, based on FDA drug label (DailyMed)"),
        ("lumen-starter", _Doc("", "Lumen"), "Lumen editorial"),
        ("medquad", _Doc("https://www.cancer.gov/types/leukemia", "NCI",
                         {"publisher": "National Cancer Institute"}),
         "National Cancer Institute (NIH)"),
        ("medquad", _Doc("https://www.cdc.gov/x", "CDC", {"publisher": "CDC"}), "CDC"),
        ("pubmed", _Doc("https://pubmed.ncbi.nlm.nih.gov/123/", "NLM"), "PubMed (NIH)"),
        ("dailymed", _Doc("https://dailymed.nlm.nih.gov/dailymed/lookup.cfm?setid=1", "FDA"),
         "FDA drug label (DailyMed)"),
        # An operator's own import: its source's name, never a made-up publisher.
        ("import:clinic", _Doc("", "", {}), "Clinic leaflets"),
    ],
)  # fmt: skip
def test_publisher_from_what_the_document_says_about_itself(slug, document, publisher):
    name = "Clinic leaflets" if slug.startswith("import") else "x"
    assert document_publisher(document, source_slug=slug, source_name=name) == publisher


def test_hosts_and_subdomains_and_bad_urls():
    assert host_publisher("https://www.medlineplus.gov/ency/article/000001.htm") == (
        "MedlinePlus (NIH)"
    )
    assert host_publisher("https://www.nhs.uk/medicines/") == "NHS"
    assert host_publisher("https://www.nia.nih.gov/health") == "NIH"
    assert host_publisher("https://example.org/page") == ""
    assert host_publisher("http://[::1") == ""  # malformed: no publisher, no exception
    assert host_publisher("") == ""


def test_answers_stored_with_the_old_source_name_read_as_lumen_editorial():
    assert shown_publisher("Lumen starter corpus") == "Lumen editorial"
    assert shown_publisher("NHS") == "NHS"
