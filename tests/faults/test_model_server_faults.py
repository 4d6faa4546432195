"""The model server down, slow or answering garbage: the patient's ask page still answers
(composed from the sources, with the fallback notice), never a 500, and the conversation
stores exactly one question and one answer."""

from __future__ import annotations

import pytest

from knowledge.answers import FALLBACK_NOTICE
from patients.models import Message
from tests.fakes.tgi_server import ADAPTER, unused_url

QUESTION = "What are the side effects of ibuprofen?"
FAULTS = ["down", "slow", "garbage"]


@pytest.fixture(params=FAULTS)
def failing_model(request, settings, fake_tgi):
    """The configured TGI server failing the way the parameter says."""
    settings.LUMEN_GENERATOR = "tgi"
    settings.LUMEN_GENERATOR_ADAPTER_ID = ADAPTER
    settings.LUMEN_GENERATOR_TIMEOUT = 0.5  # "slow" holds every request for 5 s
    if request.param == "down":
        settings.LUMEN_GENERATOR_URL = unused_url()  # connection refused
    else:
        settings.LUMEN_GENERATOR_URL = fake_tgi.url
        fake_tgi.mode = request.param
    return request.param


def _stored_once():
    asked = Message.objects.get(role=Message.Role.USER)
    reply = Message.objects.get(role=Message.Role.ASSISTANT)
    assert reply.in_reply_to_id == asked.pk
    assert reply.backend == "extractive"
    return asked, reply


def test_the_plain_form_answers_from_the_sources_with_the_notice(
    client, alice_patient, login, small_corpus, failing_model
):
    login(alice_patient)
    response = client.post("/patients/ask/", {"question": QUESTION})
    assert response.status_code == 302
    page = client.get("/patients/ask/")
    assert page.status_code == 200
    html = page.content.decode()
    assert QUESTION in html and "indigestion" in html
    assert FALLBACK_NOTICE in html
    _stored_once()


def test_the_htmx_question_and_its_stream_answer_from_the_sources_with_the_notice(
    client, alice_patient, login, small_corpus, failing_model
):
    login(alice_patient)
    posted = client.post("/patients/ask/", {"question": QUESTION}, HTTP_HX_REQUEST="true")
    assert posted.status_code == 200
    asked = Message.objects.get(role=Message.Role.USER)
    stream = client.get(f"/patients/ask/messages/{asked.uid}/stream/")
    assert stream.status_code == 200
    body = b"".join(stream.streaming_content).decode()
    assert "event: done" in body and FALLBACK_NOTICE in body and "indigestion" in body
    # A browser reconnecting after the failure gets the stored answer, not a second one.
    again = b"".join(client.get(f"/patients/ask/messages/{asked.uid}/stream/").streaming_content)
    assert b"event: done" in again
    _stored_once()
