"""Lumen's own time per question with entity-grounded answers, warm, on the starter corpus:
understanding, grounded retrieval, the extractive composer and review (everything but a
language model). Questions are the answer development set (tests/sets/answers_dev.jsonl).
Target: p95 under 300 ms."""

from __future__ import annotations

import time

import pytest

from knowledge.answer_evaluation import read_cases
from knowledge.answers import answer
from knowledge.services import embed_pending
from knowledge.starter import load
from tests.bench.conftest import summary_ms
from tests.conftest import ROOT

DEV_SET = ROOT / "tests" / "sets" / "answers_dev.jsonl"


@pytest.fixture
def starter(db):
    load()
    embed_pending()


def test_time_per_grounded_answer_on_the_starter_corpus(starter, record):
    cases = read_cases(DEV_SET)
    answer(cases[0].question, audience=cases[0].audience)  # warm the model and caches
    seconds = []
    for case in cases:
        started = time.perf_counter()
        answer(case.question, audience=case.audience)
        seconds.append(time.perf_counter() - started)
    figures = {"questions": len(cases), "per_question": summary_ms(seconds)}
    record("grounded_answer_latency", figures)
    assert figures["per_question"]["p95_ms"] < 300
