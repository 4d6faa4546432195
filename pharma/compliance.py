"""Compliance checking: does a QA document hold the elements its kind requires?

Two inputs, one report. An uploaded file (PDF, DOCX or plain text) becomes passages of text
(`extract_text`) checked against each element's `terms` and `detail_terms` (`check_text`);
one of Lumen's own documents is checked field by field through each element's `paths`
(`check_content`). Both give a `Report`: every required element of the kind, in declaration
order, as present, weak or missing, with where it was found, a snippet and the guidance it
comes from.

The findings are rule-based and repeatable. Suggestions from a language model (`suggest`)
are optional, separate, and never change a finding or the score.

Uploads are read in memory and never stored. Every way a file can be refused raises
`ComplianceInputError`, whose message is safe to show to the user.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from typing import Any, Protocol
from xml.etree import ElementTree

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from pharma.kinds import Element, Kind

PRESENT, WEAK, MISSING = "present", "weak", "missing"

# Limits. The upload limit is a setting (LUMEN_COMPLIANCE_MAX_UPLOAD); the others bound the
# work one file can cause, whatever its size on the wire.
DEFAULT_MAX_UPLOAD = 10 * 1024 * 1024
MAX_UNCOMPRESSED = 25 * 1024 * 1024  # word/document.xml, inflated
MAX_ZIP_ENTRIES = 5_000
MAX_PAGES = 500
MAX_TEXT_CHARS = 2_000_000
SNIPPET_CHARS = 160
NEAR_CHARS = 300  # how far from a term its detail may be and still count as "near"
MAX_MATCHES = 500  # term matches examined per element: bounds the work on a huge text


class ComplianceInputError(ValueError):
    """The file cannot be checked; the message says why and is safe to show."""


class Upload(Protocol):
    """What `extract_text` needs: Django's UploadedFile fits, so does any named file object."""

    name: str
    size: int | None

    def read(self, size: int = -1) -> bytes: ...


@dataclass(frozen=True)
class Passage:
    """A piece of the document's text and where it sits: a PDF page, a paragraph, or both."""

    page: int | None
    text: str
    paragraph: int | None = None

    @property
    def where(self) -> str:
        parts = []
        if self.page is not None:
            parts.append(f"page {self.page}")
        if self.paragraph is not None:
            parts.append(f"paragraph {self.paragraph}")
        return ", ".join(parts)


@dataclass(frozen=True)
class Finding:
    element: Element
    status: str  # PRESENT | WEAK | MISSING
    where: str = ""
    snippet: str = ""
    note: str = ""  # why an element is weak or missing, in a sentence


@dataclass(frozen=True)
class Report:
    kind: Kind
    findings: tuple[Finding, ...]
    subject: str  # the file name or the document's number and title

    def count(self, status: str) -> int:
        return sum(1 for f in self.findings if f.status == status)

    @property
    def present(self) -> int:
        return self.count(PRESENT)

    @property
    def weak(self) -> int:
        return self.count(WEAK)

    @property
    def missing(self) -> int:
        return self.count(MISSING)

    @property
    def score(self) -> int:
        """(present + ½ weak) / all elements, as a whole percentage."""
        if not self.findings:
            return 0
        return round(100 * (self.present + 0.5 * self.weak) / len(self.findings))

    @property
    def gaps(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.status != PRESENT)


@dataclass(frozen=True)
class Suggestions:
    text: str = ""
    notice: str = ""  # shown instead of (or beside) the text when generation failed


# --- reading files -------------------------------------------------------------------------


def max_upload_bytes() -> int:
    return int(getattr(settings, "LUMEN_COMPLIANCE_MAX_UPLOAD", DEFAULT_MAX_UPLOAD))


def extract_text(upload: Upload) -> list[Passage]:
    """The text of a PDF, DOCX or plain-text upload as passages, read in memory.

    The type is decided by the content (magic bytes), not the name; a name that claims a
    type the content is not is refused. Raises ComplianceInputError for an empty, too large,
    unreadable, encrypted, image-only or unsupported file.
    """
    limit = max_upload_bytes()
    if upload.size is not None and upload.size > limit:
        raise ComplianceInputError(_too_big(limit))
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise ComplianceInputError(_too_big(limit))
    if not data.strip():
        raise ComplianceInputError("The file is empty.")

    sniffed = sniff(data)
    name = (upload.name or "").lower()
    for extension, expected in ((".pdf", "pdf"), (".docx", "docx")):
        if name.endswith(extension) and sniffed != expected:
            raise ComplianceInputError(
                f"The file is named {extension} but its content is not a "
                f"{'PDF' if expected == 'pdf' else 'Word (.docx) document'}."
            )
    if sniffed == "pdf":
        passages = _pdf_passages(data)
    elif sniffed == "docx":
        passages = _docx_passages(data)
    elif sniffed == "text":
        passages = _text_passages(_decode(data))
    else:
        raise ComplianceInputError(_UNSUPPORTED.get(sniffed, _UNSUPPORTED["binary"]))
    if not passages:
        raise ComplianceInputError("The document has no text to check.")
    return passages


def _too_big(limit: int) -> str:
    return f"The file is larger than {limit / (1024 * 1024):g} MB, the most Lumen checks."


_UNSUPPORTED = {
    "image": "The file is an image. Upload a PDF with a text layer, a Word (.docx) or a "
    "plain-text document.",
    "doc": "Old Word (.doc) files are not supported: save it as .docx or PDF and upload that.",
    "zip": "The file is a zip archive but not a Word (.docx) document.",
    "binary": "The file is not a PDF, Word (.docx) or plain-text document.",
}
_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "image"),
    (b"\xff\xd8\xff", "image"),
    (b"GIF87a", "image"),
    (b"GIF89a", "image"),
    (b"II*\x00", "image"),
    (b"MM\x00*", "image"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "doc"),  # OLE2: .doc, .xls, .msg
    (b"MZ", "binary"),  # Windows executable
    (b"\x7fELF", "binary"),
)


def sniff(data: bytes) -> str:
    """The type the bytes are: pdf, docx, zip, image, doc, text or binary."""
    if b"%PDF-" in data[:1024]:  # the header may follow a little junk (PDF 1.7, §7.5.2)
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, ValueError, EOFError):
            return "zip"
        return "docx" if "word/document.xml" in names else "zip"
    if data.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return "image"
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return kind
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "text"  # UTF-16 with its byte-order mark
    head = data[:8192]
    if b"\x00" in head:
        return "binary"
    controls = sum(1 for b in head if b < 32 and b not in b"\t\n\r\f")
    return "binary" if controls > len(head) * 0.05 else "text"


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise ComplianceInputError("The text file's encoding could not be read.") from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Windows-1252 covers most non-UTF-8 office text; Latin-1 decodes any byte.
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            return data.decode("latin-1")


def _text_passages(text: str) -> list[Passage]:
    """Paragraphs separated by blank lines, numbered from 1."""
    text = text[:MAX_TEXT_CHARS].replace("\r\n", "\n").replace("\r", "\n")
    blocks = [b.strip() for b in re.split(r"\n\s*\n", text)]
    return [Passage(None, b, i) for i, b in enumerate((b for b in blocks if b), start=1)]


def _pdf_passages(data: bytes) -> list[Passage]:
    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError, PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            # Owner-password-only PDFs open with an empty user password, as in any viewer.
            try:
                decrypted = reader.decrypt("")
            except (FileNotDecryptedError, NotImplementedError):
                decrypted = 0
            if not decrypted:
                raise ComplianceInputError(
                    "This PDF is password-protected. Remove the password (or upload an "
                    "unprotected copy) and try again."
                )
        if len(reader.pages) > MAX_PAGES:
            raise ComplianceInputError(f"The PDF has more than {MAX_PAGES} pages.")
        passages, total = [], 0
        for number, page in enumerate(reader.pages, start=1):
            text = (page.extract_text() or "").strip()
            total += len(text)
            if total > MAX_TEXT_CHARS:
                break
            if text:
                passages.append(Passage(number, text))
    except ComplianceInputError:
        raise
    except (PdfReadError, FileNotDecryptedError) as exc:
        raise ComplianceInputError("The PDF could not be read; it may be damaged.") from exc
    except Exception as exc:
        # pypdf raises many types on malformed files (KeyError, ValueError, …): whatever the
        # cause, the user's answer is the same, and a bad upload must never be a 500.
        raise ComplianceInputError("The PDF could not be read; it may be damaged.") from exc
    if not passages:
        raise ComplianceInputError(
            "This PDF has no text; scanned images are not supported. Upload a PDF with a "
            "text layer (run OCR on it first) or the original Word file."
        )
    return passages


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _docx_passages(data: bytes) -> list[Passage]:
    """Paragraph text from word/document.xml, read with the standard library.

    Zip bombs: the entry's declared size is checked before reading, and reading stops at
    the cap whatever the header says. XML bombs: a DOCX never needs a DTD, so one is refused
    before parsing (expat would also stop billion-laughs expansion).
    """
    damaged = "The Word document could not be read; it may be damaged."
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if len(archive.infolist()) > MAX_ZIP_ENTRIES:
                raise ComplianceInputError(damaged)
            info = archive.getinfo("word/document.xml")
            if info.file_size > MAX_UNCOMPRESSED:
                raise ComplianceInputError(_too_big_inflated())
            chunks, size = [], 0
            with archive.open(info) as entry:
                while chunk := entry.read(64 * 1024):
                    size += len(chunk)
                    if size > MAX_UNCOMPRESSED:
                        raise ComplianceInputError(_too_big_inflated())
                    chunks.append(chunk)
    except ComplianceInputError:
        raise
    except (zipfile.BadZipFile, KeyError, ValueError, EOFError, OSError, RuntimeError) as exc:
        # RuntimeError: an encrypted zip entry; OSError/zlib errors: a corrupt stream.
        raise ComplianceInputError(damaged) from exc
    xml = b"".join(chunks)
    if b"<!DOCTYPE" in xml or b"<!ENTITY" in xml:
        raise ComplianceInputError(damaged)
    try:
        root = ElementTree.fromstring(xml)  # noqa: S314 - DTDs refused above, size capped
    except ElementTree.ParseError as exc:
        raise ComplianceInputError(damaged) from exc

    passages: list[Passage] = []
    for paragraph in root.iter(f"{_W}p"):
        text = "".join(_run_text(node) for node in paragraph.iter()).strip()
        if text:
            passages.append(Passage(None, text, len(passages) + 1))
    return passages


def _too_big_inflated() -> str:
    return (
        f"The Word document's text expands to more than {MAX_UNCOMPRESSED // (1024 * 1024)} "
        "MB, the most Lumen checks."
    )


def _run_text(node: Any) -> str:
    if node.tag == f"{_W}t":
        return node.text or ""
    if node.tag == f"{_W}tab":
        return "\t"
    if node.tag in {f"{_W}br", f"{_W}cr"}:
        return "\n"
    return ""


# --- checking ------------------------------------------------------------------------------


def _compile(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE | re.MULTILINE)


def _flat(text: str) -> str:
    # PDF extraction breaks lines mid-phrase ("dirty\nhold time"); terms match across them.
    return re.sub(r"\s+", " ", text)


def _snippet(text: str, start: int, end: int) -> str:
    margin = max(0, (SNIPPET_CHARS - (end - start)) // 2)
    lo, hi = max(0, start - margin), min(len(text), end + margin)
    snippet = text[lo:hi].strip()
    return f"{'…' if lo > 0 else ''}{snippet}{'…' if hi < len(text) else ''}"


def check_text(kind: Kind, passages: list[Passage], *, subject: str = "") -> Report:
    """Each required element of `kind`, found in the passages by its terms.

    Present: a term matches and, if the element has detail terms, one of them matches within
    NEAR_CHARS of it (in the same passage or the start of the next, so a heading followed by
    its paragraph counts; a line-anchored detail such as numbered steps, anywhere in the
    passage). Weak: a term matches but no detail term is near any match.
    Missing: no term matches anywhere. The location and snippet are the first match with its
    detail, else the first match.
    """
    flats = [_flat(p.text) for p in passages]
    return Report(
        kind=kind,
        findings=tuple(_find(e, passages, flats) for e in kind.elements),
        subject=subject,
    )


def _find(element: Element, passages: list[Passage], flats: list[str]) -> Finding:
    terms = [_compile(t) for t in element.terms]
    details = [_compile(t) for t in element.detail_terms]
    first: Finding | None = None
    looked = 0
    for i, passage in enumerate(passages):
        for term in terms:
            # Flattened text, unless the term anchors on line starts (numbered steps).
            text = passage.text if "^" in term.pattern else flats[i]
            for match in term.finditer(text):
                looked += 1
                if looked > MAX_MATCHES and first is not None:
                    return first
                snippet = _snippet(text, match.start(), match.end())
                if not details:
                    return Finding(element, PRESENT, passage.where, snippet)
                lo = max(0, match.start() - NEAR_CHARS)
                hi = match.end() + NEAR_CHARS
                for detail in details:
                    if near := detail.search(text, lo, hi):
                        # The snippet shows the term and its detail together.
                        start = min(match.start(), near.start())
                        end = max(match.end(), near.end())
                        snippet = _snippet(text, start, end)
                        return Finding(element, PRESENT, passage.where, snippet)
                # Detail in the next passage's start (a heading, then its paragraph), or a
                # line-anchored detail anywhere in the raw passage (numbered steps).
                after = flats[i + 1][:NEAR_CHARS] if i + 1 < len(flats) else ""
                raw_after = passages[i + 1].text[:NEAR_CHARS] if i + 1 < len(passages) else ""
                if any(d.search(after) for d in details) or any(
                    d.search(passage.text) or d.search(raw_after)
                    for d in details
                    if "^" in d.pattern
                ):
                    return Finding(element, PRESENT, passage.where, snippet)
                if first is None:
                    first = Finding(
                        element,
                        WEAK,
                        passage.where,
                        snippet,
                        note="Mentioned, but without the detail expected near it.",
                    )
    if first is not None:
        return first
    return Finding(element, MISSING, note="Not found in the document.")


def check_content(kind: Kind, content: dict, *, subject: str = "") -> Report:
    """Each required element of `kind`, read from a Lumen document's content by its paths.

    A field is missing when empty or blank. A table is missing with no filled row, weak with
    fewer rows than its minimum or a row lacking a required column, else present. An element
    with several paths is present when all are, missing when none are, else weak.
    """
    findings = []
    for element in kind.elements:
        parts = [_check_path(kind, content or {}, path) for path in element.paths]
        statuses = {status for status, *_ in parts}
        if statuses == {PRESENT}:
            status = PRESENT
        elif statuses == {MISSING}:
            status = MISSING
        else:
            status = WEAK
        filled = [p for p in parts if p[0] != MISSING]
        shown = filled or parts
        findings.append(
            Finding(
                element,
                status,
                where="; ".join(p[1] for p in shown),
                snippet=" · ".join(p[2] for p in filled if p[2]),
                note=" ".join(p[3] for p in parts if p[3]) if status != PRESENT else "",
            )
        )
    return Report(kind=kind, findings=tuple(findings), subject=subject)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _check_path(kind: Kind, content: dict, path: str) -> tuple[str, str, str, str]:
    """(status, where, snippet, note) for one "section.key" path."""
    section_key, key = path.split(".", 1)
    section = kind.section(section_key)
    values = content.get(section_key) or {}
    table = next((t for t in section.tables if t.key == key), None)
    if table is None:
        field = next(f for f in section.fields if f.key == key)
        where = f"{section.title}: {field.label}"
        value = values.get(key)
        if _blank(value):
            return MISSING, where, "", f"{field.label} is empty."
        text = _flat(str(value)).strip()
        if field.unit:
            text = f"{text} {field.unit}"
        return PRESENT, where, text[:SNIPPET_CHARS], ""

    where = f"{section.title}: {table.label}"
    rows = [r for r in (values.get(key) or []) if isinstance(r, dict)]
    rows = [r for r in rows if any(not _blank(v) for v in r.values())]
    if not rows:
        return MISSING, where, "", f"{table.label} has no rows."
    snippet = f"{len(rows)} row{'s' if len(rows) != 1 else ''}"
    required = [c for c in table.columns if c.required]
    incomplete = [
        n for n, r in enumerate(rows, start=1) if any(_blank(r.get(c.key)) for c in required)
    ]
    if len(rows) < table.min_rows:
        return WEAK, where, snippet, f"{table.label} needs at least {table.min_rows} rows."
    if incomplete:
        names = ", ".join(c.label for c in required)
        rows_text = ", ".join(str(n) for n in incomplete[:5])
        return WEAK, where, snippet, f"Row {rows_text} lacks a required column ({names})."
    return PRESENT, where, snippet, ""


# --- suggestions ---------------------------------------------------------------------------


def suggestions_enabled() -> bool:
    return settings.LUMEN_GENERATOR != "extractive"


def suggest(report: Report) -> Suggestions | None:
    """Generated suggestions for the weak and missing elements, or None when no language
    model is configured (LUMEN_GENERATOR=extractive) or nothing is missing. A failing
    generator gives a notice, never an error."""
    if not suggestions_enabled() or not report.gaps:
        return None
    from lumen.generation import GenerationError, Prompt, get_generator, params_from_settings
    from lumen.generation.prompt import PromptPassage

    passages = tuple(
        PromptPassage(
            number=n,
            title=f.element.title,
            section=f.element.source,
            text=f"Status in the document: {f.status}. {f.note}"
            + (f" Found: {f.snippet}" if f.snippet else ""),
        )
        for n, f in enumerate(report.gaps, start=1)
    )
    prompt = Prompt(
        question=(
            f"A {report.kind.title.lower()} was checked against the required elements above "
            "and these are missing or thin. For each, suggest in one or two sentences what "
            "the document should add, citing the element's number."
        ),
        passages=passages,
        audience="pharma",
    )
    try:
        generation = get_generator().generate(prompt, params=params_from_settings())
    except (GenerationError, ImproperlyConfigured, OSError):
        return Suggestions(
            notice="Suggestions are unavailable right now; the findings are complete."
        )
    text = generation.text.strip()
    if not text:
        return Suggestions(notice="The language model gave no suggestions.")
    return Suggestions(text=text)


__all__ = [
    "MISSING",
    "PRESENT",
    "WEAK",
    "ComplianceInputError",
    "Finding",
    "Passage",
    "Report",
    "Suggestions",
    "check_content",
    "check_text",
    "extract_text",
    "sniff",
    "suggest",
]
