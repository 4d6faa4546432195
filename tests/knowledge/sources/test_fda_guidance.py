"""FDA guidance: feed rows to PDF envelopes, and PDFs (built here with WeasyPrint) to documents.

No FDA response is recorded, so the PDFs are made in the tests and the feed rows follow the
shape documented in the module (title and media links as HTML fragments).
"""

from __future__ import annotations

import base64
import io
import json
from datetime import date

import pytest
from pypdf import PdfReader, PdfWriter
from weasyprint import HTML

from knowledge import sources
from knowledge.sources import fda_guidance
from knowledge.sources.fda_guidance import SOURCE, parse_listing, split_sections
from knowledge.sources.http import FetchError

GUIDANCE_HTML = """
<html><head><title>Bioavailability Studies Submitted in NDAs or INDs</title>
<style>
  @page { @top-center { content: "Contains Nonbinding Recommendations" } }
  h2 { page-break-before: always; font-size: 12pt }
</style></head>
<body>
<h1>Bioavailability Studies Submitted in NDAs or INDs</h1>
<p>Guidance for Industry</p>
<p>TABLE OF CONTENTS</p>
<p>I. INTRODUCTION ........................ 1</p>
<p>II. BACKGROUND ........................ 2</p>
<h2>I. INTRODUCTION</h2>
<p>This guidance gives recommendations to sponsors planning to include bioavailability
information for drug products in investigational new drug applications.</p>
<p>21 CFR 320.21 requires that an application contain bioavailability data.</p>
<h2>II. BACKGROUND</h2>
<p>Bioavailability is the rate and extent to which the active ingredient is absorbed.</p>
<h2>III. RECOMMENDATIONS</h2>
<p>Sponsors should measure plasma concentrations of the active ingredient over time.</p>
</body></html>
"""

PLAIN_HTML = """
<html><head><title>Questions and Answers on Labeling</title>
<style>p.next { page-break-before: always }</style></head>
<body><p>This document answers common questions about labeling of drug products.</p>
<p class="next">Labels should state the established name of each active ingredient.</p>
</body></html>
"""


class FakeClient:
    """Stands in for PoliteClient: records each call and answers from `respond`."""

    def __init__(self, respond):
        self.respond = respond
        self.calls: list[tuple[str, dict | None, str]] = []

    def fetch(self, url: str, *, params: dict | None = None, source: str) -> bytes:
        self.calls.append((url, params, source))
        return self.respond(url, params)


@pytest.fixture(scope="module")
def guidance_pdf() -> bytes:
    return HTML(string=GUIDANCE_HTML).write_pdf()


@pytest.fixture(scope="module")
def plain_pdf() -> bytes:
    return HTML(string=PLAIN_HTML).write_pdf()


def encrypted(pdf: bytes, *, user: str, owner: str | None = None) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    writer.encrypt(user, owner_password=owner)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def envelope(pdf: bytes | None, **fields) -> bytes:
    body = {
        "title": "Bioavailability Studies Submitted in NDAs or INDs — General Considerations",
        "url": "https://www.fda.gov/media/154912/download",
        "page_url": "https://www.fda.gov/regulatory-information/search-fda-guidance-documents/ba",
        "issued": "04/29/2022",
        "status": "Draft",
        "topics": ["Bioavailability", "Clinical Pharmacology"],
        "pdf_base64": base64.b64encode(pdf).decode() if pdf is not None else None,
    }
    return json.dumps(body | fields).encode()


def test_the_registry_finds_the_fda_guidance_source():
    assert sources.get("fda-guidance") is SOURCE


def test_an_envelope_becomes_a_guidance_document_with_the_feed_metadata(guidance_pdf):
    result = SOURCE.parse(envelope(guidance_pdf))

    (doc,) = result.documents
    assert result.skipped == 0
    assert doc.external_id == "fda-media-154912"
    assert doc.title.startswith("Bioavailability Studies Submitted in NDAs or INDs")
    assert doc.doc_type == "guidance"
    assert doc.region == "US"
    assert doc.authority == "FDA"
    assert doc.url.endswith("/search-fda-guidance-documents/ba")
    assert doc.published == date(2022, 4, 29)
    assert doc.metadata["status"] == "Draft"
    assert doc.metadata["pdf_url"] == "https://www.fda.gov/media/154912/download"
    assert doc.metadata["topics"] == ["Bioavailability", "Clinical Pharmacology"]
    assert doc.metadata["pages"] == 4


def test_sections_split_on_numbered_headings_not_on_contents_or_citations(guidance_pdf):
    (doc,) = SOURCE.parse(envelope(guidance_pdf)).documents

    assert [s.heading for s in doc.sections] == [
        "Front matter",
        "I. INTRODUCTION",
        "II. BACKGROUND",
        "III. RECOMMENDATIONS",
    ]
    sections = {s.heading: s.text for s in doc.sections}
    assert "I. INTRODUCTION ....." in sections["Front matter"]  # the contents stay put
    assert "21 CFR 320.21 requires" in sections["I. INTRODUCTION"]
    assert sections["III. RECOMMENDATIONS"].startswith("Sponsors should measure plasma")


def test_the_header_repeated_on_every_page_is_dropped(guidance_pdf):
    (doc,) = SOURCE.parse(envelope(guidance_pdf)).documents

    assert "Contains Nonbinding Recommendations" not in doc.text


def test_a_pdf_without_numbered_headings_is_split_page_by_page(plain_pdf):
    (doc,) = SOURCE.parse(plain_pdf).documents

    assert [s.heading for s in doc.sections] == ["Page 1", "Page 2"]
    assert doc.sections[1].text.startswith("Labels should state the established name")


def test_a_bare_pdf_takes_its_title_from_the_pdf_metadata(guidance_pdf):
    (doc,) = SOURCE.parse(guidance_pdf).documents

    assert doc.title == "Bioavailability Studies Submitted in NDAs or INDs"
    assert doc.external_id.startswith("sha256-")
    assert doc.published is None
    assert SOURCE.parse(guidance_pdf).documents[0].external_id == doc.external_id  # stable


def test_a_bare_pdf_without_metadata_title_uses_its_first_line():
    pdf = HTML(string="<p>Guidance for Industry: Drug Interaction Studies</p>").write_pdf()

    (doc,) = SOURCE.parse(pdf).documents

    assert doc.title == "Guidance for Industry: Drug Interaction Studies"


def test_a_pdf_locked_with_a_user_password_is_skipped_as_encrypted(guidance_pdf):
    result = SOURCE.parse(envelope(encrypted(guidance_pdf, user="secret")))

    assert result.documents == []
    assert result.skipped == 1
    assert result.problems[0].endswith("encrypted PDF")


def test_a_pdf_with_only_an_owner_password_is_read(guidance_pdf):
    result = SOURCE.parse(encrypted(guidance_pdf, user="", owner="owner"))

    assert len(result.documents) == 1
    assert "I. INTRODUCTION" in [s.heading for s in result.documents[0].sections]


def test_a_pdf_without_a_text_layer_is_skipped_as_scanned():
    scan = HTML(string='<div style="width:300px;height:300px;background:#888"></div>').write_pdf()

    result = SOURCE.parse(envelope(scan))

    assert result.documents == [] and result.skipped == 1
    assert result.problems[0].endswith("no text layer (scanned?)")


def test_an_envelope_whose_pdf_could_not_be_downloaded_is_skipped_with_the_reason():
    result = SOURCE.parse(envelope(None, error="GET https://www.fda.gov/media/1/download failed"))

    assert result.documents == [] and result.skipped == 1
    assert "no PDF" in result.problems[0] and "failed" in result.problems[0]


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        (b"", "malformed JSON"),
        (b'{"title": "x", "pdf_base64": "JVBER', "malformed JSON"),
        (b'{"title": "x"}', "no pdf_base64"),
        (b"[1, 2]", "no pdf_base64"),
        (b'{"title": "x", "pdf_base64": "not base64!"}', "not valid base64"),
        (b"%PDF-1.7 then nothing", "unreadable PDF"),
    ],
    ids=["empty", "truncated-json", "no-pdf-field", "wrong-shape", "bad-base64", "junk-pdf"],
)
def test_broken_input_gives_no_document_and_one_problem(raw, problem):
    result = SOURCE.parse(raw)

    assert result.documents == [] and result.skipped == 1
    assert problem in result.problems[0]


def test_a_truncated_pdf_is_skipped_as_unreadable(guidance_pdf):
    result = SOURCE.parse(envelope(guidance_pdf[: len(guidance_pdf) // 2]))

    assert result.documents == [] and result.skipped == 1
    assert "unreadable PDF" in result.problems[0]


def test_an_envelope_over_the_size_limit_is_not_parsed(guidance_pdf, monkeypatch):
    monkeypatch.setattr(fda_guidance, "MAX_BYTES", 1000)

    result = SOURCE.parse(envelope(guidance_pdf))

    assert result.documents == [] and result.skipped == 1


def test_split_sections_ignores_page_numbers_and_needs_two_headings():
    pages = ["1. Scope\nThis applies to tablets.\n1", "More about tablets.\n2"]

    sections = split_sections(pages)

    assert [s.heading for s in sections] == ["Page 1", "Page 2"]
    assert sections[0].text == "1. Scope\nThis applies to tablets."


def feed_row(title: str, slug: str, media: str = "", status: str = "Final") -> dict:
    pdf_link = (
        f'<a href="/media/{media}/download">PDF (137.72 KB)<span class="sr-only">PDF of '
        f"{title}</span></a>"
        if media
        else ""
    )
    return {
        "title": f'<a href="/regulatory-information/search-fda-guidance-documents/{slug}">'
        f"{title}</a>",
        "field_associated_media_2": pdf_link,
        "field_issue_datetime": "03/11/2019",
        "field_issuing_office_taxonomy": "Center for Drug Evaluation and Research",
        "term_node_tid": "Labeling, Clinical - Medical",
        "field_final_guidance_1": status,
        "field_docket_number": '<a href="https://www.regulations.gov/docket/FDA-2019-D-0001">'
        "FDA-2019-D-0001</a>",
        "field_communication_type": "Guidance Document",
        "field_center": "Center for Drug Evaluation and Research",
        "field_regulated_product_field": "Drugs &amp; Biologics",
    }


FEED = [
    feed_row("Labeling for Human Prescription Drugs", "labeling-rx", media="120958"),
    feed_row("Drug Interaction Studies &amp; Labeling", "ddi", status="Draft"),
    feed_row("Bioavailability Studies", "ba", media="999"),
]


def test_the_feed_rows_become_entries_with_absolute_urls():
    entries = parse_listing(json.dumps([*FEED, {"title": ""}, "junk"]).encode())

    assert [e.title for e in entries] == [
        "Labeling for Human Prescription Drugs",
        "Drug Interaction Studies & Labeling",
        "Bioavailability Studies",
    ]
    first = entries[0]
    assert first.page_url == (
        "https://www.fda.gov/regulatory-information/search-fda-guidance-documents/labeling-rx"
    )
    assert first.pdf_url == "https://www.fda.gov/media/120958/download"
    assert first.issued == "03/11/2019"
    assert first.status == "Final"
    assert first.topics == ["Labeling", "Clinical - Medical"]
    assert first.docket == "FDA-2019-D-0001"
    assert entries[1].pdf_url == "" and entries[1].status == "Draft"


@pytest.mark.parametrize("raw", [b"", b"{not json", b'{"rows": 1}', b"3"])
def test_a_feed_that_is_not_a_list_of_rows_is_refused(raw):
    with pytest.raises(ValueError, match="guidance feed"):
        parse_listing(raw)


def test_fetch_downloads_each_pdf_finding_missing_links_on_the_landing_page(guidance_pdf):
    def respond(url, params):
        if url == fda_guidance.FEED_URL:
            return json.dumps(FEED).encode()
        if url.endswith("/ddi"):
            return b'<html><a href="/media/555/download">Download the Final Guidance</a></html>'
        if url.endswith("/media/999/download"):
            raise FetchError(url, "HTTP 404", status=404)
        return guidance_pdf

    client = FakeClient(respond)

    pages = list(SOURCE.fetch(client, query=None, limit=None, cursor=None))

    assert [url for url, _, _ in client.calls] == [
        "https://www.fda.gov/files/api/datatables/static/search-for-guidance.json",
        "https://www.fda.gov/media/120958/download",
        "https://www.fda.gov/regulatory-information/search-fda-guidance-documents/ddi",
        "https://www.fda.gov/media/555/download",
        "https://www.fda.gov/media/999/download",
    ]
    assert all(source == "fda-guidance" for _, _, source in client.calls)
    assert [p.cursor_after for p in pages] == ["1", "2", "3"]
    first, second, third = (SOURCE.parse(p.body) for p in pages)
    assert first.documents[0].external_id == "fda-media-120958"
    assert first.documents[0].metadata["status"] == "Final"
    assert second.documents[0].external_id == "fda-media-555"
    assert second.documents[0].title == "Drug Interaction Studies & Labeling"
    assert third.documents == [] and third.skipped == 1
    assert "HTTP 404" in third.problems[0]


def test_fetch_resumes_after_the_cursor_row_and_keeps_to_the_limit(guidance_pdf):
    client = FakeClient(
        lambda url, params: json.dumps(FEED).encode() if url.endswith(".json") else guidance_pdf
    )

    pages = list(SOURCE.fetch(client, query=None, limit=1, cursor="2"))

    assert [p.cursor_after for p in pages] == ["3"]
    assert [url for url, _, _ in client.calls][1:] == ["https://www.fda.gov/media/999/download"]


def test_fetch_keeps_only_rows_whose_title_contains_the_query(guidance_pdf):
    client = FakeClient(
        lambda url, params: json.dumps(FEED).encode() if url.endswith(".json") else guidance_pdf
    )

    pages = list(SOURCE.fetch(client, query="bioavailability", limit=None, cursor=None))

    assert [json.loads(p.body)["title"] for p in pages] == ["Bioavailability Studies"]


def test_fetch_given_a_pdf_url_downloads_just_that_pdf(guidance_pdf):
    client = FakeClient(lambda url, params: guidance_pdf)
    url = "https://www.fda.gov/media/71226/download"

    (page,) = SOURCE.fetch(client, query=url, limit=None, cursor=None)

    assert [u for u, _, _ in client.calls] == [url]
    (doc,) = SOURCE.parse(page.body).documents
    assert doc.external_id == "fda-media-71226"
    assert doc.title == "Bioavailability Studies Submitted in NDAs or INDs"  # from the PDF
