"""Patient Q&A pages: answers with citations and disclaimer, history kept encrypted and
private, feedback, medicines on the profile, and every URL refused to other people."""

from __future__ import annotations

from django.db import connection

from knowledge.models import FlaggedQuestion
from lumen import safety
from patients.models import Medication, Message


def test_a_patient_asks_and_sees_a_cited_answer_with_the_disclaimer(
    client, alice_patient, login, small_corpus
):
    login(alice_patient)
    response = client.post(
        "/patients/ask/", {"question": "What are the side effects of ibuprofen?"}
    )
    assert response.status_code == 302
    page = client.get("/patients/ask/").content.decode()
    assert "What are the side effects of ibuprofen?" in page
    assert "indigestion" in page
    assert 'href="https://example.org/drug:ibuprofen"' in page
    assert safety.DISCLAIMER.split(".")[0] in page


def test_an_htmx_question_returns_the_question_and_a_placeholder_that_streams_its_answer(
    client, alice_patient, login, small_corpus
):
    login(alice_patient)
    response = client.post(
        "/patients/ask/", {"question": "How do I soothe sunburn?"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    html = response.content.decode()
    asked = Message.objects.get()
    assert "<html" not in html
    assert "How do I soothe sunburn?" in html
    assert f'sse-connect="/patients/ask/messages/{asked.uid}/stream/"' in html
    assert 'aria-busy="true"' in html


def test_an_empty_or_oversized_question_is_a_form_error(client, alice_patient, login, small_corpus):
    login(alice_patient)
    for question in ("", "x" * 1001):
        response = client.post("/patients/ask/", {"question": question})
        assert response.status_code == 200
        assert "errorlist" in response.content.decode()
    assert not Message.objects.exists()


def test_the_conversation_is_encrypted_at_rest(client, alice_patient, login, small_corpus):
    login(alice_patient)
    client.post("/patients/ask/", {"question": "What are the side effects of ibuprofen?"})
    with connection.cursor() as cursor:
        cursor.execute("SELECT text FROM patients_message")
        stored = [row[0] for row in cursor.fetchall()]
    assert stored and all(value.startswith("gAAAAA") for value in stored)
    assert not any("ibuprofen" in value for value in stored)


def test_an_emergency_is_shown_first_and_queued_for_review(
    client, alice_patient, login, small_corpus
):
    login(alice_patient)
    client.post("/patients/ask/", {"question": "my face is drooping and I can't lift my arm"})
    page = client.get("/patients/ask/").content.decode()
    assert 'role="alert"' in page and "911" in page
    flagged = FlaggedQuestion.objects.get()
    assert flagged.user == alice_patient and "emergency" in flagged.flags
    assert flagged.reply == Message.objects.get(role=Message.Role.ASSISTANT)  # for the reviewer


def test_a_patient_on_warfarin_asking_about_ibuprofen_is_told_of_the_interaction(
    client, alice_patient, login, small_corpus
):
    login(alice_patient)
    client.post("/patients/medications/", {"name": "Coumadin"})
    assert Medication.objects.get().drug.name == "warfarin"
    client.post("/patients/ask/", {"question": "Is ibuprofen OK for my back pain?"})
    page = client.get("/patients/ask/").content.decode()
    assert "For you:" in page and "major interaction" in page


def test_feedback_is_stored_on_the_answer(client, alice_patient, login, small_corpus):
    login(alice_patient)
    client.post("/patients/ask/", {"question": "How do I soothe sunburn?"})
    reply = Message.objects.get(role="assistant")
    response = client.post(
        f"/patients/ask/messages/{reply.uid}/feedback/", {"value": "down"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    reply.refresh_from_db()
    assert reply.feedback == -1
    assert (
        client.post(f"/patients/ask/messages/{reply.uid}/feedback/", {"value": "meh"}).status_code
        == 400
    )


def test_nobody_else_can_see_or_touch_a_patients_conversation(
    client, alice_patient, bob_patient, acme_qa, login, small_corpus
):
    login(alice_patient)
    client.post("/patients/ask/", {"question": "How do I soothe sunburn?"})
    client.post("/patients/medications/", {"name": "warfarin"})
    reply = Message.objects.get(role="assistant")
    medication = Medication.objects.get()
    client.logout()

    login(bob_patient)
    assert "sunburn" not in client.get("/patients/ask/").content.decode()
    assert (
        client.post(f"/patients/ask/messages/{reply.uid}/feedback/", {"value": "up"}).status_code
        == 404
    )
    assert client.post(f"/patients/medications/{medication.uid}/remove/").status_code == 404
    assert Medication.objects.filter(pk=medication.pk).exists()
    client.logout()

    login(acme_qa)
    assert client.get("/patients/ask/").status_code == 403
    client.logout()
    response = client.get("/patients/ask/")
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")
