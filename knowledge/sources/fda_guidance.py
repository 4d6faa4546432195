"""FDA guidance documents: the guidance index, then each guidance's PDF.

API: FDA has no guidance API. The search page
https://www.fda.gov/regulatory-information/search-fda-guidance-documents is drawn client-side
from one static JSON file, `FEED_URL`: a list of rows, one per guidance (about 2,800). The row
fields this module relies on are (HTML fragments, as FDA's DataTables widget shows them):

- `title`: `<a href="/regulatory-information/search-fda-guidance-documents/<slug>">Title</a>`
- `field_associated_media_2`: `<a href="/media/<id>/download">PDF (137 KB)...</a>`, or "" for
  most rows, whose PDF is linked only from the landing page
- `field_issue_datetime`: `MM/DD/YYYY`; `field_final_guidance_1`: "Final" or "Draft"
- `term_node_tid` (or `topics-product`): comma-separated topics; `field_center`,
  `field_docket_number` (an `<a>`), `field_communication_type`

THE FEED'S SHAPE WAS NOT VERIFIED AGAINST A LIVE RESPONSE HERE: it is taken from third-party
snapshots of the file, and FDA may change it without notice. `parse_listing` therefore reads
every field defensively and raises only when the feed is not a list of objects at all.

`fetch` downloads the feed (or another feed URL given as `query`; a non-JSON URL as `query` is
fetched as one guidance PDF; any other `query` keeps the rows whose title contains it), then
for each row the PDF (from the row, else the first `/media/<id>/download` link on the landing
page), and yields a small JSON envelope `{"title", "url", "page_url", "issued", "status",
"topics", ..., "pdf_base64"}` so the pure parser sees the row's metadata beside the PDF. A PDF
that cannot be downloaded is yielded with `pdf_base64: null` and an `error`, and `parse`
counts it as skipped, so one dead link neither stops a run nor blocks resuming it. The cursor
is the index of the next feed row.

`parse` also accepts a bare PDF (`--from-file guidance.pdf`): the title then comes from the PDF
metadata or its first line. Text comes from pypdf; scanned PDFs without a text layer and
PDFs locked by a user password are skipped (no OCR, no password guessing).

Terms: FDA guidance documents are US-government works in the public domain. They are
nonbinding recommendations; Draft guidance is "for comment purposes only" (status is kept in
metadata so answers can say so). www.fda.gov publishes no request limit; the shared client
keeps to its default pace and robots.txt.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import html
import io
import json
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from pypdf import PasswordType, PdfReader

from knowledge.sources.base import DocumentRecord, ParseResult, RawPage, Section
from knowledge.sources.http import FetchError

if TYPE_CHECKING:
    from knowledge.sources.http import PoliteClient

FEED_URL = "https://www.fda.gov/files/api/datatables/static/search-for-guidance.json"
SITE = "https://www.fda.gov"
MAX_BYTES = 200 * 1024 * 1024
MIN_TEXT_CHARS = 40  # fewer letters than this across the whole PDF: treat as scanned
MAX_HEADING_CHARS = 100
HEADING = re.compile(r"^\s*(?:[IVX]+\.|\d+(?:\.\d+)*\.?)\s+[A-Z]")
# Numbered lines that are citations, not headings, when a wrapped line starts with them.
CITATION = re.compile(r"^\s*\d+(?:\.\d+)*\.?\s+(?:CFR|U\.?S\.?C|FR)\b")
DOT_LEADER = re.compile(r"\.{4,}|…|(?:\. ){3,}")  # table-of-contents lines
PAGE_NUMBER = re.compile(r"^\s*(?:page\s*)?\d+(?:\s*of\s*\d+)?\s*$", re.IGNORECASE)
MEDIA_LINK = re.compile(r"""href=["']((?:https://www\.fda\.gov)?/media/(\d+)/download[^"']*)""")
MEDIA_ID = re.compile(r"/media/(\d+)/download")
HREF = re.compile(r"""href=["']([^"']+)""")


@dataclass
class GuidanceEntry:
    """One row of the guidance feed, its HTML fragments reduced to text and absolute URLs."""

    title: str
    page_url: str = ""
    pdf_url: str = ""
    issued: str = ""
    status: str = ""
    topics: list[str] = field(default_factory=list)
    center: str = ""
    docket: str = ""
    communication_type: str = ""


class FdaGuidanceSource:
    slug = "fda-guidance"
    name = "FDA guidance documents"
    url = "https://www.fda.gov/regulatory-information/search-fda-guidance-documents"
    description = (
        "FDA guidance documents (final and draft), text extracted from their PDFs and split "
        "by numbered section. Guidance is nonbinding; drafts are for comment only."
    )

    def fetch(
        self, client: PoliteClient, *, query: str | None, limit: int | None, cursor: str | None
    ) -> Iterator[RawPage]:
        if query and query.startswith("https://") and not query.endswith(".json"):
            yield self._page(client, GuidanceEntry(title="", pdf_url=query), cursor_after=None)
            return
        feed_url = query if query and query.startswith("https://") else FEED_URL
        needle = (query or "").lower() if feed_url == FEED_URL else ""
        rows = parse_listing(client.fetch(feed_url, params=None, source=self.slug))
        yielded = 0
        for index in range(int(cursor or 0), len(rows)):
            if limit is not None and yielded >= limit:
                break
            entry = rows[index]
            if needle and needle not in entry.title.lower():
                continue
            yield self._page(client, entry, cursor_after=str(index + 1))
            yielded += 1

    def _page(
        self, client: PoliteClient, entry: GuidanceEntry, cursor_after: str | None
    ) -> RawPage:
        error = ""
        pdf: bytes | None = None
        try:
            if not entry.pdf_url and entry.page_url:
                landing = client.fetch(entry.page_url, params=None, source=self.slug)
                entry.pdf_url = _landing_pdf_url(landing)
            if entry.pdf_url:
                pdf = client.fetch(entry.pdf_url, params=None, source=self.slug)
            else:
                error = "no PDF link in the feed or on the landing page"
        except FetchError as exc:
            error = str(exc)
        envelope = asdict(entry) | {
            "url": entry.pdf_url,
            "pdf_base64": base64.b64encode(pdf).decode("ascii") if pdf is not None else None,
            "error": error,
        }
        return RawPage(
            body=json.dumps(envelope).encode(),
            url=entry.pdf_url or entry.page_url,
            cursor_after=cursor_after,
        )

    def parse(self, raw: bytes) -> ParseResult:
        result = ParseResult()
        if len(raw) > MAX_BYTES:
            result.skip(f"response of {len(raw)} bytes is over the {MAX_BYTES}-byte limit")
            return result
        meta, pdf = _unwrap(raw, result)
        if pdf is None:
            return result
        label = meta.get("title") or meta.get("url") or "PDF"
        read = _read_pdf(pdf)
        if isinstance(read, str):
            result.skip(f"{label}: {read}")
            return result
        pages, pdf_title = read
        sections = split_sections(pages)
        title = _clean(meta.get("title")) or pdf_title or _first_line(pages)
        if not title:
            result.skip(f"{label}: no title in the feed, the PDF metadata or its text")
            return result
        result.documents.append(_document(meta, pdf, title, sections, len(pages)))
        return result


def parse_listing(raw: bytes) -> list[GuidanceEntry]:
    """Pure: the guidance feed to entries. Rows without a title are dropped.

    Raises ValueError when the feed is not JSON or not a list of objects, since `fetch` cannot
    go on without it.
    """
    try:
        rows = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValueError(f"guidance feed is not JSON: {exc}") from exc
    if isinstance(rows, dict) and isinstance(rows.get("data"), list):
        rows = rows["data"]  # DataTables' server-side shape, in case FDA switches to it
    if not isinstance(rows, list):
        raise ValueError("guidance feed is not a list of rows")
    entries = []
    for row in rows:
        if not isinstance(row, dict):
            continue
        title = _html_text(row.get("title"))
        if not title:
            continue
        topics = _html_text(row.get("term_node_tid") or row.get("topics-product"))
        entries.append(
            GuidanceEntry(
                title=title,
                page_url=_absolute(_href(row.get("title"))),
                pdf_url=_absolute(_href(row.get("field_associated_media_2"))),
                issued=_html_text(row.get("field_issue_datetime")),
                status=_html_text(row.get("field_final_guidance_1")),
                topics=[t.strip() for t in topics.split(",") if t.strip()],
                center=_html_text(row.get("field_center")),
                docket=_html_text(row.get("field_docket_number")),
                communication_type=_html_text(row.get("field_communication_type")),
            )
        )
    return entries


def split_sections(pages: list[str]) -> list[Section]:
    """Sections at numbered headings ("I. INTRODUCTION", "2.1 Dosing") when there are at least
    two; otherwise one section per page ("Page N"). Running headers, footers and page numbers
    are dropped first."""
    pages = _strip_running_lines(pages)
    lines = [line for page in pages for line in page.splitlines()]
    if sum(1 for line in lines if _is_heading(line)) >= 2:
        return _by_heading(lines)
    return [Section(f"Page {n}", text) for n, text in enumerate(pages, 1) if text.strip()]


def _by_heading(lines: list[str]) -> list[Section]:
    sections: list[Section] = []
    heading, body = "Front matter", []
    for line in lines:
        if _is_heading(line):
            sections.append(Section(heading, "\n".join(body).strip()))
            heading, body = " ".join(line.split()), []
        else:
            body.append(line.rstrip())
    sections.append(Section(heading, "\n".join(body).strip()))
    return [s for s in sections if s.text]


def _is_heading(line: str) -> bool:
    text = line.strip()
    return bool(
        HEADING.match(text)
        and len(text) <= MAX_HEADING_CHARS
        and not CITATION.match(text)
        and not DOT_LEADER.search(text)
        and not text.endswith((",", ";"))
    )


def _strip_running_lines(pages: list[str]) -> list[str]:
    """Drop page numbers, and lines repeated on most pages (FDA prints "Contains Nonbinding
    Recommendations" atop every page), which would otherwise split and pollute sections."""
    running: set[str] = set()
    if len(pages) >= 3:
        counts = Counter(
            line for page in pages for line in {raw.strip() for raw in page.splitlines()} if line
        )
        running = {line for line, n in counts.items() if n >= 0.6 * len(pages)}
    return [
        "\n".join(
            line
            for line in page.splitlines()
            if line.strip() not in running and not PAGE_NUMBER.match(line)
        )
        for page in pages
    ]


def _unwrap(raw: bytes, result: ParseResult) -> tuple[dict, bytes | None]:
    """(metadata, PDF bytes) from an envelope or a bare PDF; (.., None) after a skip."""
    if raw.lstrip()[:5] == b"%PDF-":
        return {}, raw
    try:
        envelope = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        result.skip("neither a PDF nor a guidance envelope (malformed JSON)")
        return {}, None
    if not isinstance(envelope, dict) or "pdf_base64" not in envelope:
        result.skip("neither a PDF nor a guidance envelope (no pdf_base64)")
        return {}, None
    label = envelope.get("title") or envelope.get("url") or "guidance"
    encoded = envelope.get("pdf_base64")
    if not encoded:
        result.skip(f"{label}: no PDF ({envelope.get('error') or 'not downloaded'})")
        return envelope, None
    try:
        return envelope, base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError, TypeError):
        result.skip(f"{label}: pdf_base64 is not valid base64")
        return envelope, None


def _read_pdf(pdf: bytes) -> tuple[list[str], str] | str:
    """(page texts, metadata title), or why the PDF cannot be used."""
    try:
        reader = PdfReader(io.BytesIO(pdf))
        # pypdf has already tried the empty user password; owner-only locks read fine.
        if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
            return "encrypted PDF"
        pages = [page.extract_text() or "" for page in reader.pages]
        meta_title = reader.metadata.title if reader.metadata else None
    # pypdf raises many types (PdfReadError, ValueError, KeyError, DependencyError...) on
    # damaged or unusual files; parse must never raise, so any of them means "unreadable".
    except Exception as exc:
        if "decrypt" in str(exc).lower() or "password" in str(exc).lower():
            return "encrypted PDF"
        return f"unreadable PDF ({type(exc).__name__}: {exc})"
    if sum(ch.isalpha() for text in pages for ch in text) < MIN_TEXT_CHARS:
        return "no text layer (scanned?)"
    return pages, _clean(meta_title)


def _document(
    meta: dict, pdf: bytes, title: str, sections: list[Section], page_count: int
) -> DocumentRecord:
    pdf_url = str(meta.get("url") or "")
    media = MEDIA_ID.search(pdf_url)
    external_id = (
        f"fda-media-{media.group(1)}" if media else f"sha256-{hashlib.sha256(pdf).hexdigest()[:16]}"
    )
    return DocumentRecord(
        external_id=external_id,
        title=title[:500],
        sections=sections,
        doc_type="guidance",
        region="US",
        url=str(meta.get("page_url") or pdf_url),
        authority="FDA",
        published=_date(meta.get("issued")),
        metadata={
            "status": _clean(meta.get("status")),
            "pdf_url": pdf_url,
            "issued": _clean(meta.get("issued")),
            "topics": [t for t in meta.get("topics") or [] if isinstance(t, str)],
            "center": _clean(meta.get("center")),
            "docket": _clean(meta.get("docket")),
            "communication_type": _clean(meta.get("communication_type")),
            "pages": page_count,
        },
    )


def _landing_pdf_url(page: bytes) -> str:
    match = MEDIA_LINK.search(page.decode("utf-8", errors="replace"))
    return _absolute(html.unescape(match.group(1))) if match else ""


def _href(fragment: Any) -> str:
    match = HREF.search(str(fragment or ""))
    return html.unescape(match.group(1)) if match else ""


def _absolute(url: str) -> str:
    return f"{SITE}{url}" if url.startswith("/") else url


def _html_text(fragment: Any) -> str:
    """Visible text of one of the feed's HTML fragments (first element's text for links)."""
    text = re.sub(r"<span[^>]*>.*?</span>", "", str(fragment or ""), flags=re.DOTALL)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split())


def _date(value: Any) -> date | None:
    text = str(value or "").strip()
    us = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text)
    iso = re.match(r"(\d{4})-(\d{2})-(\d{2})", text)
    try:
        if us:
            return date(int(us[3]), int(us[1]), int(us[2]))
        if iso:
            return date(int(iso[1]), int(iso[2]), int(iso[3]))
    except ValueError:
        return None
    return None


def _first_line(pages: list[str]) -> str:
    for page in pages:
        for line in page.splitlines():
            if line.strip():
                return " ".join(line.split())
    return ""


def _clean(value: Any) -> str:
    return " ".join(str(value).split()) if isinstance(value, str) else ""


SOURCE = FdaGuidanceSource()
