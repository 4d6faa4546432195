"""Time spent in Lumen itself per question at 10,000 chunks: safety screen, retrieval,
prompt building, review and rendering the answer partial. Generation is excluded by a
generator that returns at once (what TGI takes depends on the GPU, not on Lumen)."""

from __future__ import annotations

import json
import time

import numpy as np
import pytest
from django.db import connection
from django.template.loader import render_to_string

from knowledge.answers import answer
from knowledge.embeddings import embed
from knowledge.models import Document, Source
from lumen.generation.base import Generation
from tests.bench.conftest import summary_ms

N_CHUNKS = 10_000
N_QUESTIONS = 200


class InstantGenerator:
    name = "instant"

    def generate(self, prompt, *, params=None):
        return Generation(text=f"{prompt.passages[0].text[:300]} [1]", backend="instant")


@pytest.fixture
def corpus(db, shared_data):
    items = json.loads((shared_data / "medqa" / "pubmedqa_pqal_test_set.json").read_text())
    passages = [c for item in items.values() for c in item["CONTEXTS"]]
    questions = [item["QUESTION"] for item in items.values()][:N_QUESTIONS]
    base = embed(passages, batch_size=128)
    rng = np.random.default_rng(11)
    picks = rng.integers(0, len(base), N_CHUNKS)
    vectors = base[picks] + rng.normal(0, 0.035, (N_CHUNKS, base.shape[1])).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    source = Source.objects.create(slug="bench", name="Benchmark corpus")
    documents = Document.objects.bulk_create(
        Document(source=source, external_id=f"b{i}", title=f"Study {i}", doc_type="article",
                 url=f"https://pubmed.ncbi.nlm.nih.gov/{i}/", text="", content_hash="-")
        for i in range(N_CHUNKS // 20)
    )  # fmt: skip
    with (
        connection.cursor() as cursor,
        cursor.copy(
            "COPY knowledge_chunk (document_id, ordinal, section, text, embedding) FROM STDIN"
        ) as copy,
    ):
        for i, (pick, vector) in enumerate(zip(picks, vectors, strict=True)):
            vec = "[" + ",".join(f"{x:.6f}" for x in vector) + "]"
            copy.write_row((documents[i // 20].id, i % 20, "Abstract", passages[pick], vec))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE knowledge_chunk")
    return questions


def test_time_in_lumen_per_question_at_10k_chunks(corpus, record):
    generator = InstantGenerator()
    answer(corpus[0], generator=generator)  # warm the model and the connection
    totals, stages = [], {"answer": [], "render": []}
    for question in corpus:
        started = time.perf_counter()
        result = answer(question, generator=generator)
        middle = time.perf_counter()
        render_to_string("patients/ask.html#exchange", {"exchange": [_as_message(result)]})
        done = time.perf_counter()
        stages["answer"].append(middle - started)
        stages["render"].append(done - middle)
        totals.append(done - started)
    figures = {
        "chunks": N_CHUNKS,
        "questions": len(corpus),
        "per_question": summary_ms(totals),
        "safety_retrieval_prompt_review": summary_ms(stages["answer"]),
        "render": summary_ms(stages["render"]),
    }
    record("answer_overhead_10k", figures)


def _as_message(result):
    from patients.models import Message

    return Message(
        role="assistant", text=result.text, message=result.message, escalated=result.escalated,
        citations=[{"n": i, "title": c.title, "section": c.section, "source": c.source,
                    "url": c.url} for i, c in enumerate(result.citations, start=1)],
    )  # fmt: skip
