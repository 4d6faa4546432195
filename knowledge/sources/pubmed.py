"""PubMed abstracts through NCBI E-utilities (esearch, then efetch).

API: https://www.ncbi.nlm.nih.gov/books/NBK25501/ . `fetch` runs esearch for `query`
(`usehistory=y`) and then efetch (`retmode=xml`) on the returned PMIDs in batches of at most
200, yielding each efetch response; the cursor is the esearch `retstart` reached so far.

Limits and terms: without an API key NCBI allows 3 requests a second (10 with one); the shared
client adds the key and the pacing. esearch cannot page past the first 10,000 hits of a query,
so a broader query must be split (by date range, for example). Abstracts are NLM/publisher
material: PubMed data may be used freely, but some abstracts carry the publisher's copyright
(kept as `copyright` in metadata) — Lumen stores them to ground answers and links back.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import date
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from knowledge.sources.base import DocumentRecord, ParseResult, RawPage, Section, xml_root

if TYPE_CHECKING:
    from knowledge.sources.http import PoliteClient

EUTILS = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils"
ESEARCH_URL = f"{EUTILS}/esearch.fcgi"
EFETCH_URL = f"{EUTILS}/efetch.fcgi"
BATCH = 200  # ids per efetch; NCBI asks for POST beyond ~200, which the client does not do
ESEARCH_CEILING = 10_000  # esearch refuses retstart beyond this
MAX_BYTES = 200 * 1024 * 1024
MAX_AUTHORS = 6
MATHML = "{http://www.w3.org/1998/Math/MathML}"
MEDLINE_DATE = re.compile(r"\b(1[89]\d\d|2\d\d\d)\b(?:\s+([A-Za-z]{3}))?")  # "1998 Dec-1999 Jan"
MONTH_NAMES = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
MONTHS = {name: number for number, name in enumerate(MONTH_NAMES, 1)}


class PubMedSource:
    slug = "pubmed"
    name = "PubMed"
    url = "https://pubmed.ncbi.nlm.nih.gov/"
    description = (
        "Abstracts of biomedical articles from PubMed (NLM), fetched through NCBI E-utilities "
        "for a search query. Articles without an abstract are skipped."
    )

    def fetch(
        self, client: PoliteClient, *, query: str | None, limit: int | None, cursor: str | None
    ) -> Iterator[RawPage]:
        if not query:
            raise ValueError("pubmed needs a search query (--query), e.g. 'warfarin interaction'")
        retstart = int(cursor or 0)
        fetched = 0
        while limit is None or fetched < limit:
            retmax = min(BATCH, ESEARCH_CEILING - retstart)
            if limit is not None:
                retmax = min(retmax, limit - fetched)
            if retmax <= 0:
                break  # esearch's ceiling: narrow the query to reach further
            # usehistory=y as NCBI asks for paged searches; efetch still gets explicit ids so
            # each page stands alone and the run resumes from retstart alone.
            search = {
                "db": "pubmed",
                "term": query,
                "retmax": retmax,
                "retstart": retstart,
                "usehistory": "y",
            }
            total, ids = parse_esearch(client.fetch(ESEARCH_URL, params=search, source=self.slug))
            if not ids:
                break
            params = {"db": "pubmed", "retmode": "xml", "id": ",".join(ids)}
            body = client.fetch(EFETCH_URL, params=params, source=self.slug)
            retstart += len(ids)
            fetched += len(ids)
            yield RawPage(
                body=body, url=f"{EFETCH_URL}?{urlencode(params)}", cursor_after=str(retstart)
            )
            if retstart >= total:
                break

    def parse(self, raw: bytes) -> ParseResult:
        result = ParseResult()
        root = xml_root(raw, result, max_bytes=MAX_BYTES)
        if root is None:
            return result
        if root.tag != "PubmedArticleSet":
            result.skip(f"not a PubMed efetch response (root <{root.tag}>)")
            return result
        for child in root:
            if child.tag == "PubmedArticle":
                _add_article(child, result)
            elif child.tag == "PubmedBookArticle":
                pmid = child.findtext("BookDocument/PMID") or "?"
                result.skip(f"PMID {pmid}: book chapters are not supported")
        return result


def parse_esearch(raw: bytes) -> tuple[int, list[str]]:
    """Pure: an esearch XML response to (Count, PMIDs).

    Raises ValueError on a response that is not an esearch result or reports an error, since
    `fetch` cannot go on without the id list.
    """
    result = ParseResult()
    root = xml_root(raw, result, max_bytes=MAX_BYTES)
    if root is None:
        raise ValueError(f"esearch: {result.problems[0]}")
    if root.tag != "eSearchResult":
        raise ValueError(f"esearch: unexpected root <{root.tag}>")
    error = root.findtext("ERROR")
    if error:
        raise ValueError(f"esearch error: {error.strip()}")
    count = root.findtext("Count", "").strip()
    if not count.isdigit():
        raise ValueError("esearch: no Count in the response")
    ids = [(el.text or "").strip() for el in root.iterfind("IdList/Id")]
    return int(count), [i for i in ids if i]


def _add_article(article: ET.Element, result: ParseResult) -> None:
    citation = article.find("MedlineCitation")
    pmid = _text(citation.find("PMID")) if citation is not None else ""
    info = citation.find("Article") if citation is not None else None
    if not pmid or info is None:
        result.skip(f"PubmedArticle without PMID or Article (PMID {pmid or '?'})")
        return
    title = _text(info.find("ArticleTitle")) or _text(info.find("VernacularTitle"))
    if not title:
        result.skip(f"PMID {pmid}: no title")
        return
    sections = _abstract_sections(info)
    if not sections:
        result.skip(f"PMID {pmid}: no abstract (nothing to ground answers on)")
        return
    published = _article_date(info)
    result.documents.append(
        DocumentRecord(
            external_id=pmid,
            title=title,
            sections=sections,
            doc_type="article",
            region="INTL",
            url=f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/",
            authority="NLM",
            published=published,
            metadata=_metadata(article, info, published),
        )
    )


def _abstract_sections(info: ET.Element) -> list[Section]:
    labelled: list[Section] = []
    unlabelled: list[str] = []
    for part in info.iterfind("Abstract/AbstractText"):
        text = _text(part)
        if not text:
            continue
        label = (part.get("Label") or "").strip()
        if label:
            labelled.append(Section(label, text))
        else:
            unlabelled.append(text)
    if unlabelled:
        # Unlabelled paragraphs belong together; put them first, as PubMed shows them.
        labelled.insert(0, Section("Abstract", "\n\n".join(unlabelled)))
    return labelled


def _metadata(article: ET.Element, info: ET.Element, published: date | None) -> dict:
    authors = [_author(a) for a in info.iterfind("AuthorList/Author")]
    authors = [a for a in authors if a]
    pmc = _article_id(article, "pmc")
    metadata = {
        "journal": _text(info.find("Journal/Title")),
        "journal_abbrev": _text(info.find("Journal/ISOAbbreviation")),
        "year": published.year if published else None,
        "authors": authors[:MAX_AUTHORS],
        "author_count": len(authors),
        "doi": _article_id(article, "doi") or _elocation_doi(info),
        "publication_types": [_text(p) for p in info.iterfind("PublicationTypeList/*")],
        "mesh_terms": [
            _text(d) for d in article.iterfind("MedlineCitation/MeshHeadingList/*/DescriptorName")
        ],
        "copyright": _text(info.find("Abstract/CopyrightInformation")),
    }
    if pmc:
        metadata["pmcid"] = pmc
    return metadata


def _author(author: ET.Element) -> str:
    collective = _text(author.find("CollectiveName"))
    if collective:
        return collective
    last = _text(author.find("LastName"))
    initials = _text(author.find("Initials"))
    return f"{last} {initials}".strip()


def _article_id(article: ET.Element, kind: str) -> str:
    # Only PubmedData/ArticleIdList: the reference list nests other articles' ids.
    for el in article.iterfind("PubmedData/ArticleIdList/ArticleId"):
        if el.get("IdType") == kind:
            return _text(el)
    return ""


def _elocation_doi(info: ET.Element) -> str:
    for el in info.iterfind("ELocationID"):
        if el.get("EIdType") == "doi":
            return _text(el)
    return ""


def _article_date(info: ET.Element) -> date | None:
    """Electronic publication date if given, else the issue's PubDate (Year, Month, Day,
    Season or a free-text MedlineDate such as "1998 Dec-1999 Jan")."""
    for el in (info.find("ArticleDate"), info.find("Journal/JournalIssue/PubDate")):
        if el is None:
            continue
        year, month, day = (_text(el.find(part)) for part in ("Year", "Month", "Day"))
        if not year:
            match = MEDLINE_DATE.search(_text(el.find("MedlineDate")))
            year, month = (match.group(1), match.group(2) or "") if match else ("", "")
        if year.isdigit():
            return _safe_date(int(year), _month(month), day)
    return None


def _month(value: str) -> int:
    """Month as 06, 6 or Jun; a Season or nothing counts as January."""
    if value.isdigit():
        return int(value)
    return MONTHS.get(value[:3].lower(), 1)


def _safe_date(year: int, month: int, day: str) -> date | None:
    try:
        return date(year, month, int(day) if day.isdigit() else 1)
    except ValueError:
        try:
            return date(year, 1, 1)
        except ValueError:
            return None


def _text(el: ET.Element | None) -> str:
    """All text inside `el`, inline markup (<i>, <sub>, MathML) flattened, whitespace collapsed."""
    if el is None:
        return ""
    return " ".join(_flatten(el, tail=False).split())


def _flatten(el: ET.Element, *, tail: bool) -> str:
    if el.tag.startswith(MATHML) and el.tag.endswith("math"):
        # MathML is indented token by token; its glyphs read right only when joined tight.
        inner = "".join(t.strip() for t in el.itertext())
        return inner + ((el.tail or "") if tail else "")
    parts = [el.text or ""]
    parts.extend(_flatten(child, tail=True) for child in el)
    if tail:
        parts.append(el.tail or "")
    return "".join(parts)


SOURCE = PubMedSource()
