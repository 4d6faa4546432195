"""MedlinePlus health topics from NLM's daily XML file.

API: https://medlineplus.gov/xml.html lists the current `mplus_topics_YYYY-MM-DD.xml` (all
English and Spanish health topics, about 30 MB, regenerated Tuesday to Saturday). `fetch` reads
that listing, picks the newest file and yields it whole; its date is the cursor, so a run whose
cursor already names the newest file fetches nothing. `query` is not used: the file is one
download, and `limit` is applied by the ingesting command.

Limits and terms: MedlinePlus content written by NLM is in the public domain and may be reused
with credit to MedlinePlus; NLM asks that it not be presented as endorsing a product, and that
it be refreshed regularly. Links to third-party sites inside a topic are not NLM content and
are not stored as text.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import date
from html.parser import HTMLParser
from typing import TYPE_CHECKING

from knowledge.sources.base import DocumentRecord, ParseResult, RawPage, Section, xml_root

if TYPE_CHECKING:
    from knowledge.sources.http import PoliteClient

LISTING_URL = "https://medlineplus.gov/xml.html"
FILE_URL = "https://medlineplus.gov/xml/mplus_topics_{day}.xml"
FILE_NAME = re.compile(r"mplus_topics_(\d{4}-\d{2}-\d{2})\.xml")
MAX_BYTES = 200 * 1024 * 1024


class MedlinePlusSource:
    slug = "medlineplus"
    name = "MedlinePlus health topics"
    url = "https://medlineplus.gov/"
    description = (
        "Plain-language health topic summaries from MedlinePlus (NLM), English topics from the "
        "daily health-topics XML file."
    )

    def fetch(
        self, client: PoliteClient, *, query: str | None, limit: int | None, cursor: str | None
    ) -> Iterator[RawPage]:
        listing = client.fetch(LISTING_URL, params=None, source=self.slug)
        day = newest_file_date(listing)
        if day is None:
            raise ValueError(f"no mplus_topics_YYYY-MM-DD.xml link found on {LISTING_URL}")
        if cursor and cursor >= day:
            return  # that file, or a newer one, is already ingested
        url = FILE_URL.format(day=day)
        yield RawPage(
            body=client.fetch(url, params=None, source=self.slug), url=url, cursor_after=day
        )

    def parse(self, raw: bytes) -> ParseResult:
        result = ParseResult()
        root = xml_root(raw, result, max_bytes=MAX_BYTES)
        if root is None:
            return result
        if root.tag != "health-topics":
            result.skip(f"not a MedlinePlus health-topics file (root <{root.tag}>)")
            return result
        generated = _date(root.get("date-generated"))
        other_languages = 0
        for topic in root.iterfind("health-topic"):
            # The file carries every topic in English and in Spanish. Lumen answers in English,
            # so Spanish topics are left out by design: they are not broken records, and counting
            # them in `skipped` would make every healthy run look half-failed.
            if (topic.get("language") or "").strip() != "English":
                other_languages += 1
                continue
            _add_topic(topic, generated, result)
        if other_languages:
            result.problems.append(f"left out {other_languages} non-English topic(s) by design")
        return result


def newest_file_date(listing: bytes) -> str | None:
    """The newest YYYY-MM-DD among the listing page's mplus_topics_*.xml links."""
    days = FILE_NAME.findall(listing.decode("utf-8", errors="replace"))
    return max(days) if days else None


def _add_topic(topic: ET.Element, generated: date | None, result: ParseResult) -> None:
    topic_id = (topic.get("id") or "").strip()
    title = (topic.get("title") or "").strip()
    if not topic_id or not title:
        result.skip(f"health-topic without id or title (id {topic_id or '?'}, {title or '?'})")
        return
    summary = summary_text(topic.findtext("full-summary") or "")
    if not summary:
        result.skip(f"health-topic {topic_id} ({title}): no full-summary")
        return
    result.documents.append(
        DocumentRecord(
            external_id=f"medlineplus:{topic_id}",
            title=title,
            sections=[Section("Summary", summary)],
            doc_type="health_topic",
            region="US",
            url=(topic.get("url") or "").strip(),
            authority="NLM",
            published=_date(topic.get("date-created")) or generated,
            metadata={
                "also_called": _texts(topic, "also-called"),
                "groups": _texts(topic, "group"),
                "related_topics": _texts(topic, "related-topic"),
                "see_references": _texts(topic, "see-reference"),
                "mesh_headings": _texts(topic, "mesh-heading/descriptor"),
                "meta_description": " ".join((topic.findtext("meta-desc") or "").split()),
                "date_generated": generated.isoformat() if generated else "",
            },
        )
    )


def _texts(topic: ET.Element, path: str) -> list[str]:
    values = (" ".join("".join(el.itertext()).split()) for el in topic.iterfind(path))
    return [v for v in values if v]


def _date(value: str | None) -> date | None:
    """MedlinePlus writes MM/DD/YYYY, with a time after it in date-generated."""
    match = re.match(r"\s*(\d{1,2})/(\d{1,2})/(\d{4})", value or "")
    if not match:
        return None
    try:
        return date(int(match[3]), int(match[1]), int(match[2]))
    except ValueError:
        return None


def summary_text(escaped_html: str) -> str:
    """The summary's HTML (escaped inside the XML, so it arrives as text) to plain paragraphs,
    list items as "- item" lines."""
    parser = _SummaryParser()
    parser.feed(escaped_html)
    parser.close()
    return "\n\n".join(parser.blocks())


class _SummaryParser(HTMLParser):
    BLOCKS = frozenset({"p", "div", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "br"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self._blocks: list[str] = []
        self._current: list[str] = []
        self._items: list[str] = []  # list items gathered into one block per list

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "li" or tag in self.BLOCKS:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if tag == "li" or tag in self.BLOCKS:
            self._flush(item=tag == "li")
        if tag in {"ul", "ol"} and self._items:
            self._blocks.append("\n".join(f"- {item}" for item in self._items))
            self._items = []

    def handle_data(self, data: str) -> None:
        self._current.append(data)

    def _flush(self, *, item: bool = False) -> None:
        text = " ".join("".join(self._current).split())
        self._current = []
        if text:
            (self._items if item else self._blocks).append(text)

    def blocks(self) -> list[str]:
        self._flush()
        if self._items:
            self._blocks.append("\n".join(f"- {item}" for item in self._items))
            self._items = []
        return self._blocks


SOURCE = MedlinePlusSource()
