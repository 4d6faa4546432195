"""The text of an uploaded PDF, DOCX or plain-text file, as passages.

This is the part of the compliance checker that parses hostile bytes, so it imports no Django
and runs in a child process under CPU and memory limits (`pharma.upload_process`); the
web process only checks the size and the name, then hands the bytes over. Every refusal
raises `ComplianceInputError`, whose message is safe to show to the user; a file that is
too costly to read raises its subclass `UploadTooComplex`.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from xml.etree import ElementTree
from xml.parsers.expat import errors as expat_errors

# These bound the work one file can cause, whatever its size on the wire. They are cheap
# checks that refuse a pathological file early; the child's CPU and memory limits are the
# guarantee.
MAX_UNCOMPRESSED = 25 * 1024 * 1024  # word/document.xml, inflated
MAX_ZIP_ENTRIES = 5_000
MAX_PAGES = 500
# Decompressed page content, summed over the pages (a stream shared by many pages counts
# once per page, as pypdf parses it once per page). pypdf parses content at about 1 MB/s,
# so past this a file would spend its whole CPU budget on operators.
MAX_PDF_CONTENT = 8 * 1024 * 1024
MAX_TEXT_CHARS = 2_000_000
# Checking costs about 10 µs per passage per kind: 20,000 passages stay under a second.
MAX_PASSAGES = 20_000

TOO_COMPLEX = (
    "The file is too complex to read within Lumen's limits. Save a simpler copy (fewer "
    "pages, or printed to a new PDF) and try again."
)


class ComplianceInputError(ValueError):
    """The file cannot be checked; the message says why and is safe to show."""


class UploadTooComplex(ComplianceInputError):
    """Reading the file would cost more than Lumen allows. `reason` says which limit stopped
    it: cpu, memory or wall (the child was killed), or pdf-content or passages (refused
    before the work was done)."""

    def __init__(self, reason: str) -> None:
        super().__init__(TOO_COMPLEX)
        self.reason = reason


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


def passages_from_bytes(data: bytes, claimed: str = "") -> list[Passage]:
    """The passages of a file's bytes. The type is decided by the content (magic bytes);
    `claimed` is the type the file's name claims (pdf, docx or empty), refused when the
    content is not that type. Raises ComplianceInputError for an unreadable, encrypted,
    image-only, unsupported or too complex file, or one with no text."""
    sniffed = sniff(data)
    if claimed in {"pdf", "docx"} and sniffed != claimed:
        raise ComplianceInputError(
            f"The file is named .{claimed} but its content is not a "
            f"{'PDF' if claimed == 'pdf' else 'Word (.docx) document'}."
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
    if len(passages) > MAX_PASSAGES:
        raise UploadTooComplex("passages")
    return passages


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
        if _content_size(reader.pages) > MAX_PDF_CONTENT:
            raise UploadTooComplex("pdf-content")
        passages, total = [], 0
        for number, page in enumerate(reader.pages, start=1):
            text = (page.extract_text() or "").strip()
            total += len(text)
            if total > MAX_TEXT_CHARS:
                break
            if text:
                passages.append(Passage(number, text))
    except (ComplianceInputError, MemoryError):
        raise  # MemoryError: the child's memory limit, reported as such by the child
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


def _content_size(pages: Any) -> int:
    """Decompressed content bytes of the pages, stopping once past MAX_PDF_CONTENT. A stream
    shared by several pages is decompressed once (pypdf caches it) but counted for each."""
    total = 0
    for page in pages:
        contents = page.get("/Contents")
        if contents is None:
            continue
        contents = contents.get_object()
        streams = contents if isinstance(contents, list) else [contents]
        total += sum(len(stream.get_object().get_data()) for stream in streams)
        if total > MAX_PDF_CONTENT:
            break
    return total


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
    passages: list[Passage] = []
    try:
        for text in _paragraph_texts(xml):
            passages.append(Passage(None, text, len(passages) + 1))
            if len(passages) > MAX_PASSAGES:
                raise UploadTooComplex("passages")
    except ElementTree.ParseError as exc:
        if exc.code == expat_errors.codes[expat_errors.XML_ERROR_NO_MEMORY]:
            raise MemoryError from exc  # the child's memory limit, not a damaged file
        raise ComplianceInputError(damaged) from exc
    return passages


def _paragraph_texts(xml: bytes) -> Iterator[str]:
    """The non-empty text of each w:p in document order, up to MAX_TEXT_CHARS in all.

    Streamed: a top-level paragraph is read when it ends (with the paragraphs nested in it,
    as text boxes are), then dropped, so a huge document is refused at MAX_PASSAGES without
    first building its whole tree.
    """
    total, depth = 0, 0
    events = ElementTree.iterparse(io.BytesIO(xml), events=("start", "end"))  # noqa: S314 - DTDs refused above, size capped
    for event, element in events:
        if element.tag != f"{_W}p":
            continue
        depth += 1 if event == "start" else -1
        if event == "start" or depth:
            continue
        for paragraph in element.iter(f"{_W}p"):
            text = "".join(_run_text(node) for node in paragraph.iter()).strip()
            total += len(text)
            if total > MAX_TEXT_CHARS:
                return  # as for PDFs: the text up to the cap is checked
            if text:
                yield text
        element.clear()


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
