"""`manage.py eval_answers`: on-topic citations, key facts, behaviour and latency."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from knowledge.answer_evaluation import about

CASES = [
    {"q": "What are the side effects of Advil?", "audience": "patient", "entity": "ibuprofen",
     "must_mention": ["indigestion and heartburn", "nausea and stomach pain"], "expect": "answer"},
    {"q": "How do I treat a cold sore?", "audience": "patient", "entity": "cold sore",
     "must_mention": [], "expect": "abstain"},
    {"q": "I have crushing chest pain spreading to my left arm", "audience": "patient",
     "entity": "heart attack", "must_mention": [], "expect": "escalate"},
    {"q": "What does 21 CFR 211.67 say about cleaning?", "audience": "pharma",
     "entity": "21 CFR 211.67", "must_mention": ["equipment is cleaned and sanitized at appropriate intervals"],
     "expect": "answer"},
]  # fmt: skip


def _run(tmp_path, lines) -> dict:
    path = tmp_path / "set.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in lines), encoding="utf-8")
    out = StringIO()
    call_command("eval_answers", str(path), "--json", stdout=out)
    return json.loads(out.getvalue())


def test_the_figures_of_a_small_set(small_corpus, tmp_path):
    figures = _run(tmp_path, CASES)
    assert figures["questions"] == 4 and figures["answered"] == 2
    assert figures["first_citation_on_topic"] == 1.0 and figures["citations_on_topic"] == 1.0
    assert figures["key_fact_recall"] == 1.0
    assert figures["accuracy_by_expectation"] == {"answer": 1.0, "abstain": 1.0, "escalate": 1.0}
    assert 0 < figures["latency_ms_p50"] <= figures["latency_ms_p95"]
    assert figures["generated_sentences_dropped"] is None  # extractive: nothing generated


def test_a_fact_the_answer_lacks_is_counted_missing(small_corpus, tmp_path):
    case = {**CASES[0], "must_mention": ["it cures hair loss within 400 days"]}
    assert _run(tmp_path, [case])["key_fact_recall"] == 0.0


def test_citations_are_about_an_entity_by_its_names_and_identifiers(small_corpus):
    assert about("Ibuprofen: patient information", "Advil")
    assert about("21 CFR Part 211 (Subparts A to D): equipment", "21 CFR 211.67")
    assert about("High blood pressure (hypertension)", "hypertension")
    assert not about("Warfarin: patient information", "ibuprofen")


def test_a_malformed_file_is_a_clear_error(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"q": "x", "expect": "maybe"}\n', encoding="utf-8")
    with pytest.raises(CommandError, match="line 1"):
        call_command("eval_answers", str(path))
