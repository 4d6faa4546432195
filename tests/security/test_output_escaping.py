"""Script planted everywhere a user or a source can put text (a knowledge document's title,
text and URL; medicine, condition, allergy and diary fields; a question; a QA document's
title and fields) is shown escaped on every page that shows it, never as a live tag, and a
`javascript:` URL never becomes a link. The JSON and PDF exports still work."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from django.utils import timezone

from knowledge.models import Document
from knowledge.services import document_upsert, embed_pending, source_ensure
from knowledge.sources.base import DocumentRecord, Section
from patients import services
from patients.models import Allergy, Condition, Medication, Profile, SymptomEntry
from pharma import documents

SCRIPT = "<script>alert(1)</script>"
IMG = '<img src=x onerror="alert(1)">'
JS_URL = "javascript:alert(1)"
PAYLOAD = f"ibuprofen {SCRIPT} {IMG}"
LIVE = ("<script>alert", "<img src=x", 'href="javascript:', "href='javascript:")


def assert_escaped(response, where: str) -> str:
    assert response.status_code == 200, (where, response.status_code)
    page = response.content.decode()
    for tag in LIVE:
        assert tag not in page, f"{where}: {tag!r} reached the page unescaped"
    return page


@pytest.fixture
def planted_source(db):
    """A scraped document whose every field is hostile, about ibuprofen so that it is
    retrieved and cited. Its `javascript:` URL is written past validation (document_upsert
    refuses it): the pages must not rely on every importer validating."""
    source = source_ensure(slug="hostile", name=f"Hostile {SCRIPT}")
    document, _ = document_upsert(
        source=source,
        record=DocumentRecord(
            external_id="hostile:1",
            title=f"Ibuprofen side effects {SCRIPT}",
            doc_type="drug_monograph",
            region="INTL",
            authority="<b>NLM</b>",
            url="https://example.org/hostile",
            sections=[
                Section(
                    f"Side effects {IMG}",
                    "Common side effects of ibuprofen include indigestion and heartburn. "
                    f"Take ibuprofen with food {SCRIPT}. Stop if you see blood {IMG}.",
                )
            ],
        ),
    )
    Document.objects.filter(pk=document.pk).update(url=JS_URL)
    embed_pending()


def test_a_hostile_source_is_escaped_in_the_patients_answer_and_never_linked(
    client, alice_patient, login, planted_source
):
    login(alice_patient)
    client.post(reverse("patients:ask"), {"question": "What are the side effects of ibuprofen?"})
    page = assert_escaped(client.get(reverse("patients:ask")), "ask")
    assert "Ibuprofen side effects &lt;script&gt;" in page  # cited, as text
    assert JS_URL not in page  # not a link, not anywhere


def test_a_hostile_source_is_escaped_in_the_regulatory_assistant(
    client, acme_qa, login, planted_source
):
    login(acme_qa)
    response = client.post(
        reverse("pharma:assistant"), {"question": "What are the side effects of ibuprofen?"}
    )
    assert_escaped(response, "assistant")


def test_a_patients_own_hostile_entries_are_escaped_everywhere_and_export_cleanly(
    client, alice_patient, login, drug_database
):
    login(alice_patient)
    profile = Profile.objects.create(user=alice_patient)
    medication = Medication.objects.create(profile=profile, name=PAYLOAD)
    Condition.objects.create(profile=profile, name=PAYLOAD)
    Allergy.objects.create(profile=profile, substance=PAYLOAD, reaction=PAYLOAD)
    SymptomEntry.objects.create(
        profile=profile, symptom=PAYLOAD, severity=5, notes=PAYLOAD, recorded_at=timezone.now()
    )
    medication.schedules.create(time_of_day=timezone.now().time(), dose=PAYLOAD)
    services.question_record(user=alice_patient, question=f"Is {PAYLOAD} safe?")
    client.post(reverse("patients:triage_describe"), {"text": f"headache {PAYLOAD}"})
    for name in ("home", "diary", "schedules", "doses", "ask", "my_data", "triage_history"):
        assert_escaped(client.get(reverse(f"patients:{name}")), name)
    assert_escaped(
        client.post(reverse("patients:interactions"), {"drug": [PAYLOAD], "include_mine": "on"}),
        "interactions",
    )
    assert_escaped(
        client.get(reverse("patients:drug_suggest"), {"drug": PAYLOAD}), "drug suggestions"
    )
    assert_escaped(
        client.get(reverse("patients:interaction_row"), {"name": PAYLOAD}), "interaction row"
    )
    exported = json.loads(client.get(reverse("patients:export_json")).content)
    assert json.dumps(PAYLOAD)[1:-1] in json.dumps(exported)  # data, exactly as entered
    pdf = client.get(reverse("patients:export_pdf"))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_a_hostile_qa_document_is_escaped_on_every_page_and_in_its_pdf(
    client, acme, acme_qa, login
):
    login(acme_qa)
    protocol = documents.document_create(
        organisation=acme, user=acme_qa, kind="cleaning_validation", title=PAYLOAD
    )
    response = client.post(
        reverse("pharma:document_edit", args=[protocol.uid]),
        {
            "f-purpose-objective": PAYLOAD,
            "t-products-products-0-name": PAYLOAD,
            "reason": PAYLOAD,
        },
    )
    assert response.status_code == 302
    for name in ("document_detail", "document_edit", "document_sign"):
        assert_escaped(client.get(reverse(f"pharma:{name}", args=[protocol.uid])), name)
    for name in ("documents", "compliance", "home"):
        assert_escaped(client.get(reverse(f"pharma:{name}")), name)
    assert_escaped(
        client.post(
            reverse("pharma:compliance"), {"document": str(protocol.uid), "kind": protocol.kind}
        ),
        "compliance report",
    )
    pdf = client.get(reverse("pharma:document_pdf", args=[protocol.uid]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://example.org/a", "https://example.org/a"),
        ("http://example.org/a", "http://example.org/a"),
        (JS_URL, ""),
        ("JaVaScRiPt:alert(1)", ""),
        (" javascript:alert(1)", ""),
        ("data:text/html,<script>alert(1)</script>", ""),
        ("vbscript:msgbox", ""),
        ("//evil.example/x", ""),
        ("", ""),
        (None, ""),
        ("http://[::1", ""),
    ],
)
def test_only_web_addresses_become_source_links(url, shown):
    from knowledge.templatetags.sources import http_url

    assert http_url(url) == shown
