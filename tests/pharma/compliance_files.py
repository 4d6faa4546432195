"""Builders for the files the compliance tests upload: PDFs (WeasyPrint, pypdf), DOCX
(zipfile), zip bombs. Kept beside the tests so each file's construction is visible."""

from __future__ import annotations

import html
import io
import struct
import zipfile
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"
COMPLETE_CV = (FIXTURES / "cleaning_validation_complete.txt").read_text()


def cv_without(*words: str) -> str:
    """The complete protocol with every paragraph mentioning one of `words` taken out."""
    paragraphs = COMPLETE_CV.split("\n\n")
    kept = [p for p in paragraphs if not any(w in p.lower() for w in words)]
    return "\n\n".join(kept)


def pdf_from_text(text: str) -> bytes:
    from weasyprint import HTML

    body = "".join(f"<p>{html.escape(p)}</p>" for p in text.split("\n\n"))
    return HTML(string=f"<html><body>{body}</body></html>").write_pdf()


def encrypted(pdf: bytes, *, password: str) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    writer.encrypt(user_password=password, owner_password=password, algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def blank_pdf() -> bytes:
    """A PDF whose page has no text layer, as a scan has."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    'package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)


def docx_from_xml(document_xml: str | bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _TYPES)
        archive.writestr("word/document.xml", document_xml)
    return out.getvalue()


def docx_from_text(text: str) -> bytes:
    paragraphs = "".join(
        f"<w:p><w:r><w:t>{html.escape(p)}</w:t></w:r></w:p>" for p in text.split("\n\n")
    )
    return docx_from_xml(
        f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{_W}"><w:body>'
        f"{paragraphs}</w:body></w:document>"
    )


def zip_bomb_docx(inflated: int = 40 * 1024 * 1024) -> bytes:
    """A DOCX whose document.xml inflates to `inflated` bytes (about 1000:1)."""
    filler = b" " * inflated
    return docx_from_xml(
        f'<w:document xmlns:w="{_W}"><w:body>'.encode() + filler + b"</w:body></w:document>"
    )


def lying_zip_bomb_docx(inflated: int = 40 * 1024 * 1024, claimed: int = 1000) -> bytes:
    """The zip bomb again, its headers claiming document.xml is only `claimed` bytes."""
    data = bytearray(zip_bomb_docx(inflated))
    name = b"word/document.xml"
    for signature, size_at in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = 0
        while (at := data.find(signature, start)) != -1:
            name_at = at + (30 if signature == b"PK\x03\x04" else 46)
            if data[name_at : name_at + len(name)] == name:
                data[at + size_at : at + size_at + 4] = struct.pack("<I", claimed)
            start = at + 4
    return bytes(data)


PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)
# The start of a Windows executable: "MZ", a DOS stub, NUL padding.
EXE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
    + b"\x00" * 48
    + b"This program cannot be run in DOS mode."
)
