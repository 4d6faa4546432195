"""PubMed: efetch XML to documents, esearch to ids, and fetch's paging, on recorded responses."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest

from knowledge import sources
from knowledge.sources import pubmed
from knowledge.sources.pubmed import SOURCE, parse_esearch


class FakeClient:
    """Stands in for PoliteClient: records each call and answers from `respond`."""

    def __init__(self, respond):
        self.respond = respond
        self.calls: list[tuple[str, dict | None, str]] = []

    def fetch(self, url: str, *, params: dict | None = None, source: str) -> bytes:
        self.calls.append((url, params, source))
        return self.respond(url, params)


def esearch_xml(count: int, ids: list[str]) -> bytes:
    id_list = "".join(f"<Id>{i}</Id>" for i in ids)
    return (
        f"<eSearchResult><Count>{count}</Count><RetMax>{len(ids)}</RetMax>"
        f"<IdList>{id_list}</IdList></eSearchResult>"
    ).encode()


def edited(raw: bytes, edit) -> bytes:
    """The recorded file, changed by `edit(root)`: how broken variants are made."""
    root = ET.fromstring(raw)  # noqa: S314 - our own recorded test file
    edit(root)
    return ET.tostring(root)


@pytest.fixture
def pubmed2(shared_data) -> bytes:
    return (shared_data / "api" / "pubmed_efetch_pubmed2.xml").read_bytes()


@pytest.fixture
def mathml_article(shared_data) -> bytes:
    return (shared_data / "api" / "pubmed_efetch_pmid30108519.xml").read_bytes()


def test_the_registry_finds_the_pubmed_source():
    assert sources.get("pubmed") is SOURCE
    assert SOURCE.slug == "pubmed"


def test_both_articles_of_a_real_efetch_response_become_documents(pubmed2):
    result = SOURCE.parse(pubmed2)

    assert [d.external_id for d in result.documents] == ["11748933", "11700088"]
    assert result.skipped == 0
    assert result.problems == []
    first = result.documents[0]
    assert first.title.startswith("Is cryopreservation a homogeneous process?")
    assert first.doc_type == "article"
    assert first.region == "INTL"
    assert first.authority == "NLM"
    assert first.url == "https://pubmed.ncbi.nlm.nih.gov/11748933/"
    assert first.published == date(2001, 6, 1)  # PubDate 2001 Jun, no day
    assert [s.heading for s in first.sections] == ["Abstract"]
    assert first.sections[0].text.startswith("This study subdivides the cryopreservation")
    assert "(P < 0.001)" in first.sections[0].text  # &lt; unescaped


def test_article_metadata_has_journal_year_first_authors_and_doi(pubmed2):
    first, second = SOURCE.parse(pubmed2).documents

    assert first.metadata["journal"] == "Cryobiology"
    assert first.metadata["year"] == 2001
    assert first.metadata["doi"] == "10.1006/cryo.2001.2328"
    assert first.metadata["authors"][:2] == ["Taddei AR", "Barbato F"]
    assert len(first.metadata["authors"]) == pubmed.MAX_AUTHORS
    assert first.metadata["author_count"] == 8
    assert "Cryopreservation" in first.metadata["mesh_terms"]
    assert second.metadata["journal_abbrev"] == "J Magn Reson"
    assert second.metadata["doi"] == "10.1006/jmre.2001.2429"


def test_italic_subscript_and_mathml_markup_are_flattened_to_text(mathml_article):
    result = SOURCE.parse(mathml_article)

    (doc,) = result.documents
    assert doc.external_id == "30108519"
    assert doc.title == (
        'A "Blood Relationship" Between the Overlooked Minimum Lactate Equivalent and Maximal '
        "Lactate Steady State in Trained Runners. Back to the Old Days?"
    )
    abstract = doc.sections[0].text
    assert "(LEmin)" in abstract  # LE<sub>min</sub>
    assert "maximal oxygen uptake ( V.O2max ) 67.6" in abstract  # MathML kept readable
    assert "mml" not in abstract and "<" not in abstract.replace("P < 0.001", "")
    assert "\n" not in abstract  # the XML's indentation is not carried over


def test_electronic_article_date_wins_over_a_year_only_pubdate(mathml_article):
    (doc,) = SOURCE.parse(mathml_article).documents

    assert doc.published == date(2018, 7, 31)
    assert doc.metadata["pmcid"] == "PMC6079548"
    assert doc.metadata["doi"] == "10.3389/fphys.2018.01034"


def test_a_year_only_pubdate_is_the_first_of_january(mathml_article):
    def drop_article_date(root):
        article = root.find("PubmedArticle/MedlineCitation/Article")
        article.remove(article.find("ArticleDate"))

    (doc,) = SOURCE.parse(edited(mathml_article, drop_article_date)).documents

    assert doc.published == date(2018, 1, 1)
    assert doc.metadata["year"] == 2018


def test_a_medline_date_range_gives_its_first_year_and_month(pubmed2):
    def medline_date(root):
        pub_date = root.find("PubmedArticle/MedlineCitation/Article/Journal/JournalIssue/PubDate")
        for child in list(pub_date):
            pub_date.remove(child)
        ET.SubElement(pub_date, "MedlineDate").text = "1998 Dec-1999 Jan"

    first = SOURCE.parse(edited(pubmed2, medline_date)).documents[0]

    assert first.published == date(1998, 12, 1)


def test_a_structured_abstract_keeps_each_label_as_a_section(pubmed2):
    def structure(root):
        abstract = root.find("PubmedArticle/MedlineCitation/Article/Abstract")
        for part in abstract.findall("AbstractText"):
            abstract.remove(part)
        parts = [("BACKGROUND", "Why."), ("METHODS", "How."), ("RESULTS", "What.")]
        for position, (label, text) in enumerate(parts):
            element = ET.Element("AbstractText", Label=label, NlmCategory=label)
            element.text = text
            abstract.insert(position, element)  # before CopyrightInformation

    first = SOURCE.parse(edited(pubmed2, structure)).documents[0]

    assert [(s.heading, s.text) for s in first.sections] == [
        ("BACKGROUND", "Why."),
        ("METHODS", "How."),
        ("RESULTS", "What."),
    ]


def test_an_article_without_abstract_is_skipped_and_the_other_kept(pubmed2):
    def drop_first_abstract(root):
        article = root.find("PubmedArticle/MedlineCitation/Article")
        article.remove(article.find("Abstract"))

    result = SOURCE.parse(edited(pubmed2, drop_first_abstract))

    assert [d.external_id for d in result.documents] == ["11700088"]
    assert result.skipped == 1
    assert "11748933" in result.problems[0] and "no abstract" in result.problems[0]


def test_an_article_without_pmid_is_skipped_and_the_other_kept(pubmed2):
    def drop_second_pmid(root):
        citation = root.findall("PubmedArticle/MedlineCitation")[1]
        citation.remove(citation.find("PMID"))

    result = SOURCE.parse(edited(pubmed2, drop_second_pmid))

    assert [d.external_id for d in result.documents] == ["11748933"]
    assert result.skipped == 1


@pytest.mark.parametrize(
    "raw",
    [b"", b"<PubmedArticleSet><PubmedArticle><MedlineCitation>", b"not xml at all"],
    ids=["empty", "truncated", "not-xml"],
)
def test_unparseable_xml_gives_no_documents_and_one_problem(raw):
    result = SOURCE.parse(raw)

    assert result.documents == []
    assert result.skipped == 1
    assert result.problems[0].startswith("malformed XML")


def test_a_truncated_real_response_gives_no_documents(pubmed2):
    result = SOURCE.parse(pubmed2[: len(pubmed2) // 2])

    assert result.documents == [] and result.skipped == 1


def test_an_esearch_response_is_the_wrong_shape_for_parse(shared_data):
    result = SOURCE.parse((shared_data / "api" / "pubmed_esearch1.xml").read_bytes())

    assert result.documents == []
    assert result.skipped == 1
    assert "eSearchResult" in result.problems[0]


def test_an_empty_article_set_gives_nothing_and_no_problem():
    result = SOURCE.parse(b"<PubmedArticleSet></PubmedArticleSet>")

    assert result.documents == [] and result.skipped == 0 and result.problems == []


def test_a_response_over_the_size_limit_is_not_parsed(pubmed2, monkeypatch):
    monkeypatch.setattr(pubmed, "MAX_BYTES", 1000)

    result = SOURCE.parse(pubmed2)

    assert result.documents == [] and result.skipped == 1
    assert "limit" in result.problems[0]


def test_esearch_gives_the_count_and_pmids_of_a_real_response(shared_data):
    count, ids = parse_esearch((shared_data / "api" / "pubmed_esearch1.xml").read_bytes())

    assert count == 63
    assert len(ids) == 20
    assert ids[0] == "41282813" and ids[-1] == "37810457"


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"<eSearchResult><Count>1",
        b"<eSearchResult><ERROR>Invalid query</ERROR></eSearchResult>",
        b"<PubmedArticleSet/>",
    ],
    ids=["empty", "truncated", "error", "wrong-root"],
)
def test_esearch_refuses_a_response_it_cannot_page_through(raw):
    with pytest.raises(ValueError, match="esearch"):
        parse_esearch(raw)


def test_fetch_searches_then_fetches_the_ids_and_stops_at_the_limit(shared_data, pubmed2):
    esearch = (shared_data / "api" / "pubmed_esearch1.xml").read_bytes()
    client = FakeClient(lambda url, params: esearch if "esearch" in url else pubmed2)

    pages = list(SOURCE.fetch(client, query="biopython", limit=20, cursor=None))

    (search_url, search, source), (fetch_url, efetch, _) = client.calls
    assert search_url == "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/esearch.fcgi"
    assert search == {
        "db": "pubmed",
        "term": "biopython",
        "retmax": 20,
        "retstart": 0,
        "usehistory": "y",
    }
    assert source == "pubmed"
    assert fetch_url == "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/efetch.fcgi"
    assert efetch["db"] == "pubmed" and efetch["retmode"] == "xml"
    assert efetch["id"].split(",")[:2] == ["41282813", "41148224"]
    assert len(pages) == 1
    assert pages[0].body == pubmed2
    assert pages[0].cursor_after == "20"
    assert parse_qs(urlsplit(pages[0].url).query)["id"] == [efetch["id"]]


def test_fetch_resumes_at_the_cursor_and_pages_until_the_count(pubmed2):
    def respond(url, params):
        if "efetch" in url:
            return pubmed2
        start = params["retstart"]
        return esearch_xml(450, [str(n) for n in range(start, min(start + 200, 450))])

    client = FakeClient(respond)

    pages = list(SOURCE.fetch(client, query="warfarin", limit=None, cursor="50"))

    searches = [params for url, params, _ in client.calls if "esearch" in url]
    assert [s["retstart"] for s in searches] == [50, 250]
    assert all(s["retmax"] == 200 for s in searches)
    efetches = [params for url, params, _ in client.calls if "efetch" in url]
    assert [len(p["id"].split(",")) for p in efetches] == [200, 200]
    assert [p.cursor_after for p in pages] == ["250", "450"]


def test_fetch_stops_when_esearch_has_no_more_ids():
    client = FakeClient(lambda url, params: esearch_xml(0, []))

    assert list(SOURCE.fetch(client, query="no such thing", limit=None, cursor=None)) == []
    assert len(client.calls) == 1


def test_fetch_needs_a_query():
    with pytest.raises(ValueError, match="query"):
        list(SOURCE.fetch(FakeClient(lambda url, params: b""), query=None, limit=5, cursor=None))


def test_fetch_stops_at_the_ten_thousand_hits_esearch_can_page_to(pubmed2):
    def respond(url, params):
        if "efetch" in url:
            return pubmed2
        start = params["retstart"]
        return esearch_xml(50_000, [str(n) for n in range(start, start + params["retmax"])])

    client = FakeClient(respond)

    pages = list(SOURCE.fetch(client, query="cancer", limit=None, cursor="9900"))

    searches = [params for url, params, _ in client.calls if "esearch" in url]
    assert [(s["retstart"], s["retmax"]) for s in searches] == [(9900, 100)]
    assert [p.cursor_after for p in pages] == ["10000"]
