"""SmolLM2-135M on llama.cpp (2 threads, loopback) through Lumen's whole answer pipeline:
time to first token and tokens per second as the patient page streams them, and the share of
generated sentences the support check drops because their cited passages do not back them.

The questions are about the small test corpus (tests/corpus.py) and were written with it in
view: in-sample for retrieval, but nothing was tuned on the model's answers."""

from __future__ import annotations

import statistics
import time

from knowledge.answers import answer_stream
from lumen.generation import Params, get_generator

QUESTIONS = [
    ("What are the common side effects of ibuprofen?", "patient"),
    ("What is ibuprofen used for?", "patient"),
    ("Is ibuprofen dangerous for older adults?", "patient"),
    ("Can I take ibuprofen with warfarin?", "patient"),
    ("How should I look after sunburn?", "patient"),
    ("What helps sunburned skin heal?", "patient"),
    ("What does Annex 15 say about cleaning validation limits?", "pharma"),
    ("How often must equipment be cleaned under 21 CFR 211?", "pharma"),
]
PARAMS = Params(max_new_tokens=128, temperature=0.0, timeout=120.0)


def test_streamed_answers_from_smollm2_through_lumen(smollm2, small_corpus, settings, record):
    settings.LUMEN_GENERATOR = "openai"
    settings.LUMEN_GENERATOR_URL = smollm2.url
    generator = get_generator()
    list(answer_stream(*QUESTIONS[0], generator=generator, params=PARAMS))  # warm up
    first_token, rates, dropped, backends = [], [], [], []
    for question, audience in QUESTIONS:
        started = time.perf_counter()
        first = None
        pieces = 0
        final = None
        for event in answer_stream(question, audience=audience, generator=generator, params=PARAMS):
            if event.kind == "token" and first is None:
                first = time.perf_counter()
            pieces += event.kind == "token"
            if event.kind == "answer":
                final = event.answer
        ended = time.perf_counter()
        assert final is not None and first is not None
        first_token.append(first - started)
        # One streamed piece is one token on llama.cpp's server.
        rates.append(pieces / max(ended - first, 1e-6))
        if final.support_dropped is not None:
            dropped.append(final.support_dropped)
        backends.append(final.backend)
    figures = {
        "questions": len(QUESTIONS),
        "time_to_first_token_ms": {
            "p50": round(statistics.median(first_token) * 1000),
            "max": round(max(first_token) * 1000),
        },
        "tokens_per_second": {
            "p50": round(statistics.median(rates), 1),
            "min": round(min(rates), 1),
        },
        "support_dropped_share": {
            "mean": round(statistics.mean(dropped), 3) if dropped else None,
            "per_question": dropped,
        },
        "answered_by_model": backends.count("openai"),
        "fell_back_to_composer": backends.count("extractive"),
    }
    record("local_llm", figures)
    assert figures["tokens_per_second"]["p50"] > 1
