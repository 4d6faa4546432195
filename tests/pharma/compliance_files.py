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


def shared_content_pdf(pages: int = 15, operators: int = 400_000) -> bytes:
    """The security test's finding, written as raw PDF bytes: `pages` pages whose /Contents
    is one shared Flate stream of `operators` empty text-show operators (`() Tj`). A few KB
    on the wire; pypdf parses the whole stream again for every page (about 1.2 MB of
    operators, seconds of CPU, per page at 200,000)."""
    import zlib

    operations = b"BT /F1 12 Tf 72 720 Td (Objectives) Tj " + b"() Tj " * operators + b"ET"
    stream = zlib.compress(operations, 9)
    kids = " ".join(f"{5 + i} 0 R" for i in range(pages))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ] + [
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 3 0 R >> >> /Contents 4 0 R >>"
    ] * pages
    out, offsets = bytearray(b"%PDF-1.7\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def inflated_docx(
    inflated: int = 24 * 1024 * 1024, unit: str = "<w:p><w:r><w:t>x</w:t></w:r></w:p>"
) -> bytes:
    """A DOCX just under the 25 MB inflation cap, its document.xml `unit` over and over
    (by default about 700,000 one-letter paragraphs): 74 KB on the wire, seconds of CPU and
    hundreds of MB to parse and check."""
    head, tail = f'<w:document xmlns:w="{_W}"><w:body>', "</w:body></w:document>"
    count = (inflated - len(head) - len(tail)) // len(unit)
    return docx_from_xml(head + unit * count + tail)
