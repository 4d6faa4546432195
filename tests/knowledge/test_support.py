"""Generated answers keep only the sentences a cited passage supports (fake TGI on loopback)."""

from __future__ import annotations

import logging

import pytest

from knowledge.answers import UNSUPPORTED_NOTICE, answer
from knowledge.support import check_support


@pytest.fixture
def model_server(small_corpus, fake_tgi, settings):
    settings.LUMEN_GENERATOR = "tgi"
    settings.LUMEN_GENERATOR_URL = fake_tgi.url
    settings.LUMEN_GENERATOR_ADAPTER_ID = "lumen-medical"
    return fake_tgi


def test_a_sentence_no_passage_supports_is_dropped(model_server, caplog):
    model_server.reply = (
        "Common side effects of ibuprofen include indigestion and heartburn [1]. "
        "Ibuprofen also cures baldness in most people within a week [1]."
    )
    with caplog.at_level(logging.INFO, logger="knowledge.support"):
        result = answer("What are the common side effects of ibuprofen?")
    assert result.backend == "tgi" and result.notice == ""
    assert "indigestion and heartburn" in result.text and "baldness" not in result.text
    assert result.support_dropped == 0.5
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert "1 of 2 generated sentences dropped" in logged and "baldness" not in logged


def test_a_draft_the_sources_do_not_support_falls_back_to_the_composer(model_server):
    model_server.reply = (
        "Ibuprofen is made from tree bark harvested in Peru [1]. Astronauts take it daily to "
        "sleep in orbit [1]. It was invented in 1802 by a famous violinist [1]."
    )
    result = answer("What are the common side effects of ibuprofen?")
    assert result.notice == UNSUPPORTED_NOTICE and result.backend == "extractive"
    assert "Peru" not in result.text and "indigestion" in result.text
    assert result.support_dropped == 1.0


def test_support_is_judged_against_the_cited_passage():
    passages = {1: "Sunburn: cool the skin and drink water.", 2: "Ibuprofen eases pain."}
    check = check_support("Cool the skin with water and drink plenty [2].", passages)
    assert check.dropped == 1 and not check.enough
    check = check_support("Cool the skin with water and drink plenty [1].", passages)
    assert check.kept == 1 and check.enough
