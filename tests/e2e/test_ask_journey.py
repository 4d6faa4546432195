import re

import pytest
from playwright.sync_api import expect

from lumen import safety
from tests.conftest import PASSWORD

pytestmark = pytest.mark.e2e


def test_a_patient_asks_a_question_and_sees_a_cited_answer_with_the_disclaimer(
    phone, alice_patient, small_corpus
):
    page = phone
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(alice_patient.email)
    page.get_by_label("Password:", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.get_by_role("link", name="Ask", exact=True).click()
    expect(page).to_have_url(re.compile(r"/patients/ask/$"))

    page.get_by_label("Your question").fill("What are the common side effects of ibuprofen?")
    page.get_by_role("button", name="Ask").click()

    answer = page.locator(".msg-lumen").last
    expect(answer).to_contain_text("indigestion")
    expect(answer).to_contain_text(safety.DISCLAIMER.split(".")[0])
    source = answer.get_by_role("link", name="Ibuprofen: patient information").first
    expect(source).to_have_attribute("href", "https://example.org/drug:ibuprofen")
    # htmx appended the exchange in place and cleared the box for the next question.
    expect(page.get_by_label("Your question")).to_have_value("")
    answer.get_by_role("button", name="Helpful", exact=True).click()
    expect(answer).to_contain_text("Thanks for the feedback")


def test_the_answer_streams_into_the_page_before_the_reviewed_answer_replaces_it(
    desktop, alice_patient, small_corpus, settings, fake_tgi
):
    settings.LUMEN_GENERATOR = "tgi"
    settings.LUMEN_GENERATOR_URL = fake_tgi.url
    settings.LUMEN_GENERATOR_ADAPTER_ID = "lumen-medical"
    fake_tgi.reply = "Ibuprofen can cause indigestion and heartburn [1]."
    page = desktop
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(alice_patient.email)
    page.get_by_label("Password:", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.goto("/patients/ask/")
    # Record every text the streaming area shows, before the final swap removes it.
    page.evaluate(
        """() => {
        window.streamed = [];
        new MutationObserver(() => {
            const live = document.querySelector('.answer.streaming');
            if (live && live.textContent) window.streamed.push(live.textContent);
        }).observe(document.body, {childList: true, subtree: true, characterData: true});
    }"""
    )
    page.get_by_label("Your question").fill("What are the side effects of ibuprofen?")
    page.get_by_role("button", name="Ask").focus()
    page.keyboard.press("Enter")

    answer = page.locator(".msg-lumen").last
    expect(answer).to_contain_text("indigestion and heartburn")
    expect(answer).to_contain_text(safety.DISCLAIMER.split(".")[0])
    expect(page.locator(".msg-pending")).to_have_count(0)
    streamed = page.evaluate("window.streamed")
    assert len(streamed) > 1, "tokens should have appeared one after another"
    assert streamed[0] != streamed[-1] and streamed[-1].startswith("Ibuprofen can cause")


def test_an_answer_names_its_subject_and_warns_a_patient_of_their_penicillin_allergy(
    phone, alice_patient, small_corpus
):
    from knowledge.services import document_upsert, drug_upsert, embed_pending, source_ensure
    from knowledge.sources.base import DocumentRecord, DrugRecord, Section
    from patients.models import Allergy, Profile

    drug_upsert(record=DrugRecord(name="amoxicillin", brand_names=["Amoxil"]))
    document_upsert(
        source=source_ensure(slug="lumen-starter", name="Lumen starter corpus"),
        record=DocumentRecord(
            external_id="drug:amoxicillin", title="Amoxicillin: patient information",
            doc_type="drug_monograph", url="https://example.org/drug:amoxicillin",
            metadata={"drug": "amoxicillin"},
            sections=[Section("Uses", "Treats bacterial infections such as ear and chest "
                              "infections."),
                      Section("Common side effects", "Diarrhoea, nausea and rash.")],
        ),
    )  # fmt: skip
    embed_pending()
    profile, _ = Profile.objects.get_or_create(user=alice_patient)
    Allergy.objects.create(profile=profile, substance="penicillin")

    page = phone
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(alice_patient.email)
    page.get_by_label("Password:", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.goto("/patients/ask/")
    page.get_by_label("Your question").fill("Is amoxicillin safe for me?")
    page.get_by_role("button", name="Ask").click()

    answer = page.locator(".msg-lumen").last
    expect(answer).to_contain_text("Amoxicillin: warnings")
    expect(answer.locator(".alert-warning")).to_contain_text("For you")
    expect(answer.locator(".alert-warning")).to_contain_text("penicillin allergy")
    expect(
        answer.get_by_role("link", name="Amoxicillin: patient information").first
    ).to_be_visible()
