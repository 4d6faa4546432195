"""The ask page opens at the latest exchanges and the question box (older ones a page away),
its thumbs are inline SVG with names, and citations name their publisher."""

from __future__ import annotations

import re

import pytest

from patients.models import Conversation, Message
from patients.selectors import EXCHANGES_PER_PAGE


@pytest.fixture
def long_conversation(alice_patient):
    conversation = Conversation.objects.create(user=alice_patient)
    for i in range(1, 13):  # 12 exchanges
        asked = Message.objects.create(
            conversation=conversation, role=Message.Role.USER, text=f"Question number {i}?"
        )
        Message.objects.create(
            conversation=conversation, role=Message.Role.ASSISTANT, in_reply_to=asked,
            text=f"Answer number {i}.",
            citations=[{"n": 1, "title": "Shingles", "section": "", "url": "https://www.nhs.uk/",
                        "source": "Lumen starter corpus"}],
        )  # fmt: skip
    return conversation


def _questions(html: str) -> list[int]:
    return [int(n) for n in re.findall(r"Question number (\d+)\?", html)]


def test_the_page_opens_with_the_latest_exchanges_and_pages_back_to_earlier_ones(
    client, alice_patient, login, long_conversation
):
    login(alice_patient)
    latest = client.get("/patients/ask/").content.decode()
    assert _questions(latest) == list(range(8, 13))  # oldest first, the newest last
    assert len(_questions(latest)) == EXCHANGES_PER_PAGE
    assert "Answer number 12." in latest and "Answer number 7." not in latest
    assert 'href="?page=2">Show earlier questions (7)' in latest
    assert 'href="#id_question">Go to the question box' in latest
    # The box comes after the latest answer.
    assert latest.index("Answer number 12.") < latest.index('id="ask-form"')

    earlier = client.get("/patients/ask/?page=2").content.decode()
    assert _questions(earlier) == list(range(3, 8))
    assert 'href="?page=3"' in earlier and 'href="?page=1">Show later questions' in earlier
    assert _questions(client.get("/patients/ask/?page=3").content.decode()) == [1, 2]
    # Nonsense page numbers give the nearest page, never an error.
    assert _questions(client.get("/patients/ask/?page=abc").content.decode()) == list(range(8, 13))
    assert _questions(client.get("/patients/ask/?page=99").content.decode()) == [1, 2]


def test_a_plain_post_returns_to_the_question_box(client, alice_patient, login, small_corpus):
    login(alice_patient)
    response = client.post(
        "/patients/ask/", {"question": "What are the side effects of ibuprofen?"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/patients/ask/#ask-form"


def test_the_thumbs_are_named_inline_svg_icons_not_emoji(
    client, alice_patient, login, long_conversation
):
    login(alice_patient)
    html = client.get("/patients/ask/").content.decode()
    assert "👍" not in html and "👎" not in html
    buttons = re.findall(r'<button[^>]*class="link thumb"[^>]*>(.*?)</button>', html, re.S)
    assert len(buttons) == 2 * EXCHANGES_PER_PAGE
    assert all(b.strip().startswith('<svg aria-hidden="true"') for b in buttons)
    assert html.count('aria-label="Helpful"') == html.count('aria-label="Not helpful"') == 5


def test_an_answer_stored_with_the_old_source_name_reads_lumen_editorial(
    client, alice_patient, login, long_conversation
):
    login(alice_patient)
    html = client.get("/patients/ask/").content.decode()
    assert "Lumen starter corpus" not in html
    assert "— Lumen editorial</span>" in html
