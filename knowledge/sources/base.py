"""What every source module provides, and the plain records its parser returns.

A source separates fetching (network, through the shared polite client) from parsing (a pure
function from one raw response to records). Parsing never raises on bad data: a record it
cannot use is skipped, counted and described in `ParseResult.problems`; a response that is
not parseable at all (malformed JSON/XML) yields an empty result with one problem.
"""

from __future__ import annotations

import hashlib
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from knowledge.sources.http import PoliteClient


@dataclass(frozen=True)
class Section:
    heading: str
    text: str


HEADING_MARK = "## "


def sections_to_text(sections: list[Section]) -> str:
    """Join sections as `## Heading` lines followed by their text, so a stored document can be
    re-chunked by section later without keeping the sections twice."""
    parts = []
    for section in sections:
        if not section.text.strip():
            continue
        heading = section.heading.replace("\n", " ").strip()
        parts.append(
            f"{HEADING_MARK}{heading}\n{section.text.strip()}" if heading else section.text.strip()
        )
    return "\n\n".join(parts)


def sections_from_text(text: str) -> list[Section]:
    """Inverse of `sections_to_text` (text before the first heading is an untitled section)."""
    sections: list[Section] = []
    heading, lines = "", []
    for line in text.splitlines():
        if line.startswith(HEADING_MARK):
            if "\n".join(lines).strip():
                sections.append(Section(heading, "\n".join(lines).strip()))
            heading, lines = line[len(HEADING_MARK) :].strip(), []
        else:
            lines.append(line)
    if "\n".join(lines).strip():
        sections.append(Section(heading, "\n".join(lines).strip()))
    return sections


@dataclass
class DocumentRecord:
    external_id: str
    title: str
    sections: list[Section]
    doc_type: str  # a knowledge.models.DocType value
    region: str = "US"  # US, EU, UK, INTL
    url: str = ""
    authority: str = ""  # FDA, EMA, MHRA, ICH, WHO, NLM, ...
    published: date | None = None
    metadata: dict = field(default_factory=dict)

    @property
    def text(self) -> str:
        """Sections as stored in `Document.text`; `sections_from_text` reverses it."""
        return sections_to_text(self.sections)

    @property
    def content_hash(self) -> str:
        """Changes when anything a reader would see changes (title, url, sections)."""
        digest = hashlib.sha256()
        for part in (self.title, self.url, self.text):
            digest.update(part.encode())
            digest.update(b"\x00")
        return digest.hexdigest()


@dataclass
class DrugRecord:
    name: str  # generic name
    rxcui: str = ""
    drugbank_id: str = ""
    synonyms: list[str] = field(default_factory=list)
    brand_names: list[str] = field(default_factory=list)
    active_ingredients: list[str] = field(default_factory=list)
    drug_class: str = ""
    classes: list[str] = field(default_factory=list)
    availability: dict[str, str] = field(default_factory=dict)
    uses: str = ""
    common_side_effects: str = ""
    pregnancy_warning: str = ""
    label_warnings: str = ""
    storage: str = ""
    reported_reactions: list[tuple[str, int]] = field(default_factory=list)
    references: list[dict] = field(default_factory=list)


@dataclass
class InteractionRecord:
    a: str  # drug name, or class name when a_is_class
    b: str
    severity: str  # major, moderate, minor
    mechanism: str
    management: str
    source: str
    source_url: str = ""
    a_is_class: bool = False
    b_is_class: bool = False


@dataclass
class ParseResult:
    documents: list[DocumentRecord] = field(default_factory=list)
    drugs: list[DrugRecord] = field(default_factory=list)
    interactions: list[InteractionRecord] = field(default_factory=list)
    skipped: int = 0
    problems: list[str] = field(default_factory=list)
    # Pagination hints some APIs return (CT.gov nextPageToken, openFDA/PubMed totals).
    next_cursor: str | None = None
    total: int | None = None

    def skip(self, why: str) -> None:
        self.skipped += 1
        self.problems.append(why)

    @property
    def record_count(self) -> int:
        return len(self.documents) + len(self.drugs) + len(self.interactions)


@dataclass(frozen=True)
class RawPage:
    """One raw response as fetched, and the cursor to resume from once it is ingested."""

    body: bytes
    url: str
    cursor_after: str | None = None


class SourceAdapter(Protocol):
    slug: str  # the SOURCE argument of `manage.py scrape`
    name: str
    url: str
    description: str

    def fetch(
        self, client: PoliteClient, *, query: str | None, limit: int | None, cursor: str | None
    ) -> Iterator[RawPage]:
        """Yield raw pages, starting after `cursor` (None: from the beginning)."""

    def parse(self, raw: bytes) -> ParseResult:
        """Pure: one raw response to records. Never raises on bad data."""


def xml_root(raw: bytes, result: ParseResult, *, max_bytes: int) -> ET.Element | None:
    """The parsed root of an XML response, or None with the reason recorded as a skip.

    ElementTree never fetches a DOCTYPE's external DTD or entities, and expat (>= 2.4) caps
    entity expansion, so public API responses are safe to parse with the standard library.
    """
    if len(raw) > max_bytes:
        result.skip(f"response of {len(raw)} bytes is over the {max_bytes}-byte limit")
        return None
    try:
        return ET.fromstring(raw)  # noqa: S314 - see the docstring
    except ET.ParseError as exc:
        result.skip(f"malformed XML: {exc}")
        return None
