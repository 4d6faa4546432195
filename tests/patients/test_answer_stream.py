"""The streamed answer: server-sent events with the tokens as the model writes them, then
the reviewed answer (disclaimer, citations) that replaces them, stored once."""

from __future__ import annotations

import pytest

from knowledge.answers import FALLBACK_NOTICE
from lumen import safety
from patients import services
from patients.models import Message
from tests.fakes.tgi_server import ADAPTER


def _events(response) -> list[tuple[str, str]]:
    """Parse a text/event-stream body the way a browser's EventSource does."""
    body = b"".join(response.streaming_content).decode()
    events = []
    for block in body.split("\n\n"):
        if not block.strip():
            continue
        name, data = "message", []
        for line in block.split("\n"):
            field, _, value = line.partition(": ")
            if field == "event":
                name = value
            elif field == "data":
                data.append(value)
        events.append((name, "\n".join(data)))
    return events


def _ask(client, question: str) -> Message:
    client.post("/patients/ask/", {"question": question}, HTTP_HX_REQUEST="true")
    return Message.objects.filter(role=Message.Role.USER).latest("created_at")


def _stream(client, asked: Message):
    return client.get(f"/patients/ask/messages/{asked.uid}/stream/")


@pytest.fixture
def model_server(settings, fake_tgi):
    settings.LUMEN_GENERATOR = "tgi"
    settings.LUMEN_GENERATOR_URL = fake_tgi.url
    settings.LUMEN_GENERATOR_ADAPTER_ID = ADAPTER
    settings.LUMEN_GENERATOR_TIMEOUT = 2
    return fake_tgi


def test_the_model_tokens_stream_then_the_reviewed_answer_replaces_them(
    client, alice_patient, login, small_corpus, model_server
):
    model_server.reply = "Ibuprofen can cause indigestion [1]. Take it with food [1]."
    login(alice_patient)
    asked = _ask(client, "What are the side effects of ibuprofen?")
    response = _stream(client, asked)
    assert response["Content-Type"].startswith("text/event-stream")
    assert "no-cache" in response["Cache-Control"]  # no proxy may buffer or keep the stream
    events = _events(response)
    tokens = [data for name, data in events if name == "token"]
    assert len(tokens) > 3, "the answer should arrive in pieces"
    assert "".join(tokens).startswith("Ibuprofen can cause indigestion [1].")
    name, final = events[-1]
    assert name == "done"
    assert "indigestion" in final and safety.DISCLAIMER.split(".")[0] in final
    assert 'href="https://example.org/drug:ibuprofen"' in final
    reply = Message.objects.get(in_reply_to=asked)
    assert reply.backend == "tgi" and reply.citations
    assert f'id="m-{reply.uid}"' in final


def test_a_reconnecting_browser_gets_the_stored_answer_not_a_second_one(
    client, alice_patient, login, small_corpus
):
    login(alice_patient)
    asked = _ask(client, "What are the side effects of ibuprofen?")
    first = _events(_stream(client, asked))
    again = _events(_stream(client, asked))
    assert [name for name, _ in again] == ["done"]
    reply = Message.objects.get(role=Message.Role.ASSISTANT)
    assert f'id="m-{reply.uid}"' in first[-1][1] and f'id="m-{reply.uid}"' in again[-1][1]


def test_two_answers_racing_for_one_question_store_one(alice_patient, small_corpus):
    from knowledge.answers import answer

    asked = services.question_record(user=alice_patient, question="Is ibuprofen safe?")
    result = answer(asked.text)
    first = services.reply_record(asked=asked, result=result, user=alice_patient)
    second = services.reply_record(asked=asked, result=result, user=alice_patient)
    assert first.pk == second.pk
    assert Message.objects.filter(in_reply_to=asked).count() == 1


def test_a_model_failing_mid_stream_switches_to_the_composed_answer_with_a_notice(
    client, alice_patient, login, small_corpus, model_server
):
    model_server.mode = "error_500"  # TGI sends the error as an event after a 200
    login(alice_patient)
    asked = _ask(client, "What are the side effects of ibuprofen?")
    events = _events(_stream(client, asked))
    names = [name for name, _ in events]
    assert names[0] == "fallback" and names[-1] == "done"
    assert FALLBACK_NOTICE in events[0][1]
    assert FALLBACK_NOTICE in events[-1][1] and "indigestion" in events[-1][1]
    assert Message.objects.get(in_reply_to=asked).backend == "extractive"


def test_streamed_tokens_are_escaped(client, alice_patient, login, small_corpus, model_server):
    model_server.reply = "Ibuprofen <script>alert(1)</script> upsets the stomach [1]."
    login(alice_patient)
    asked = _ask(client, "What are the side effects of ibuprofen?")
    events = _events(_stream(client, asked))
    streamed = "".join(data for name, data in events if name == "token")
    assert "<script>" not in streamed and "&lt;script&gt;" in streamed
    assert "<script>alert" not in events[-1][1]


def test_an_emergency_is_escalated_at_once_without_calling_the_model(
    client, alice_patient, login, small_corpus, model_server
):
    login(alice_patient)
    asked = _ask(client, "crushing chest pain spreading to my left arm and sweating")
    events = _events(_stream(client, asked))
    assert [name for name, _ in events] == ["done"]
    assert 'role="alert"' in events[0][1] and "911" in events[0][1]
    assert model_server.requests == []


def test_the_page_resumes_streaming_a_question_left_unanswered(
    client, alice_patient, login, small_corpus
):
    login(alice_patient)
    asked = _ask(client, "What are the side effects of ibuprofen?")
    page = client.get("/patients/ask/").content.decode()
    assert f"/patients/ask/messages/{asked.uid}/stream/" in page
    _events(_stream(client, asked))
    page = client.get("/patients/ask/").content.decode()
    assert "sse-connect" not in page and "indigestion" in page


def test_only_the_asker_can_stream_an_answer(
    client, alice_patient, bob_patient, login, small_corpus
):
    asked = services.question_record(user=alice_patient, question="Is ibuprofen safe?")
    url = f"/patients/ask/messages/{asked.uid}/stream/"
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    login(bob_patient)
    assert client.get(url).status_code == 404
    assert not Message.objects.filter(in_reply_to=asked).exists()


def test_a_failure_inside_the_stream_ends_it_with_a_message_and_no_phi_in_the_log(
    client, alice_patient, login, small_corpus, monkeypatch, caplog
):
    def broken(**kwargs):
        raise RuntimeError("Is ibuprofen safe for my ulcer?")
        yield  # pragma: no cover

    monkeypatch.setattr(services, "question_stream", broken)
    login(alice_patient)
    asked = _ask(client, "Is ibuprofen safe for my ulcer?")
    events = _events(_stream(client, asked))
    assert [name for name, _ in events] == ["done"]
    assert "Something went wrong" in events[0][1]
    assert "ulcer" not in caplog.text and "RuntimeError" in caplog.text
