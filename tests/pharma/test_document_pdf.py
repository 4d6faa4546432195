"""Every kind renders to a PDF whose text has the cover, every section, the calculations,
the signatures and "page X of Y"; an approved revision's PDF is issued once and hashed."""

from __future__ import annotations

import hashlib
import io
import re

import pytest
from pypdf import PdfReader

from pharma import documents, kinds
from pharma.pdf import revision_pdf
from tests.pharma.conftest import approve
from tests.pharma.document_data import complete_content


def _text(pdf: bytes) -> tuple[str, int]:
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages), len(reader.pages)


def _normalised(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.mark.parametrize("kind", list(kinds.KINDS))
def test_every_kind_renders_its_sections_and_page_numbers(acme, acme_qa, kind):
    declared = kinds.get(kind)
    document = documents.document_create(
        organisation=acme, user=acme_qa, kind=kind, title=f"Test {declared.title}"
    )
    revision = documents.revision_save(
        document=document, user=acme_qa, content=complete_content(declared, rows=30),
        reason="Complete",
    )  # fmt: skip
    text, pages = _text(revision_pdf(revision))
    flat = _normalised(text)
    assert document.number in flat and f"Test {declared.title}" in flat
    for number, section in enumerate(declared.sections, start=1):
        assert f"{number}. {section.title}" in flat, section.title
    assert pages >= 2
    for page in range(1, pages + 1):
        assert f"Page {page} of {pages}" in flat
    assert "UNCONTROLLED COPY" in flat and "Revision history" in flat


def test_an_approved_pdf_is_issued_once_and_its_hash_kept(
    acme, acme_signer, acme_reviewer, acme_approver
):
    cv = kinds.get("cleaning_validation")
    document = documents.document_create(
        organisation=acme, user=acme_signer, kind=cv.key, title="Train A"
    )
    revision = documents.revision_save(
        document=document, user=acme_signer, content=complete_content(cv), reason="Complete"
    )
    approve(revision, acme_signer, acme_reviewer, acme_approver)
    first = revision_pdf(revision)
    revision.refresh_from_db()
    assert revision.pdf_sha256 == hashlib.sha256(first).hexdigest()
    assert revision_pdf(revision) == first
    text, pages = _text(first)
    flat = _normalised(text)
    assert "Approved Avery Approver Approver" in flat and "Controlled copy" in flat
    assert "Authored Quinn QA Author" in flat and "Reviewed Rita Reviewer Reviewer" in flat
    assert "UNCONTROLLED" not in flat
    assert f"Effective date {revision.effective_date:%Y-%m-%d}" in flat
    assert "Supersedes None (first issue)" in flat
    assert "settings in force at approval" in flat and "maco_ppm 10" in flat
    # The record ID and the copy's status are on every page.
    record = f"Record {document.number}/1.0/{revision.uid}"
    assert flat.count(record) == pages and flat.count("CONTROLLED COPY") == pages

    # Finding 2: once superseded, the issued copy is still what Download gives, byte for byte,
    # even after the organisation's settings change.
    changed = complete_content(cv)
    changed["cleaning"]["runs"] = 4
    second = documents.revision_save(
        document=document, user=acme_signer, content=changed, reason="Four runs"
    )
    approve(second, acme_signer, acme_reviewer, acme_approver)
    acme.qa_settings = {"maco_ppm": 1}
    acme.save()
    revision.refresh_from_db()
    assert revision.status == "superseded"
    assert revision_pdf(revision) == first
    assert "Supersedes CVP-0001 version 1.0" in _normalised(_text(revision_pdf(second))[0])


def test_user_text_cannot_break_the_page_header(acme, acme_qa):
    sop = kinds.get("sop")
    document = documents.document_create(
        organisation=acme, user=acme_qa, kind="sop", title='Quote " and } brace <b>bold</b>'
    )
    text, _ = _text(revision_pdf(documents.latest_revision(document)))
    assert 'Quote " and } brace <b>bold</b>' in _normalised(text)
    assert sop.sections[0].title in text
