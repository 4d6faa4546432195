"""Retrieval at 100,000 chunks: latency of hybrid search, and recall@10 of the HNSW index
against an exact scan, in one run.

Corpus: ~3,000 real medical passages (PubMedQA abstracts, MedQA vignettes from ../shared)
embedded with all-MiniLM-L6-v2, each expanded into ~33 neighbours by a small perturbation
of its vector (cosine ~0.9 to the original), so the 100,000 vectors keep the clustered shape
of real text rather than the uniform noise that flatters or ruins an ANN index.
Queries: 200 real PubMedQA questions, none of them in the corpus.
"""

from __future__ import annotations

import json
import time

import numpy as np
import pytest
from django.db import connection

from knowledge.embeddings import embed
from knowledge.models import Document, Source
from knowledge.retrieval import search
from tests.bench.conftest import summary_ms

N_CHUNKS = 100_000
N_QUERIES = 200
NOISE = 0.035  # per-dimension sigma: perturbed vectors sit at cosine ~0.9 from their base


def _passages(shared_data) -> tuple[list[str], list[str]]:
    pubmedqa = json.loads((shared_data / "medqa" / "pubmedqa_pqal_test_set.json").read_text())
    passages, questions = [], []
    for item in pubmedqa.values():
        passages.extend(item["CONTEXTS"])
        questions.append(item["QUESTION"])
    for line in (shared_data / "medqa" / "medqa_us_4opt_test.jsonl").read_text().splitlines():
        passages.append(json.loads(line)["question"])
    return passages, questions[:N_QUERIES]


@pytest.fixture
def big_index(db, shared_data):
    passages, questions = _passages(shared_data)
    base = embed(passages, batch_size=128)
    rng = np.random.default_rng(7)
    picks = rng.integers(0, len(base), N_CHUNKS)
    vectors = base[picks] + rng.normal(0, NOISE, (N_CHUNKS, base.shape[1])).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)

    source = Source.objects.create(slug="bench", name="Benchmark corpus")
    documents = Document.objects.bulk_create(
        Document(source=source, external_id=f"bench-{i}", title=f"Bench document {i}",
                 doc_type="article", text="", content_hash="-")
        for i in range(N_CHUNKS // 100)
    )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX chunk_embedding_hnsw")  # build once, after loading
        started = time.perf_counter()
        with cursor.copy(
            "COPY knowledge_chunk (document_id, ordinal, section, text, embedding) FROM STDIN"
        ) as copy:
            for i, (pick, vector) in enumerate(zip(picks, vectors, strict=True)):
                vec = "[" + ",".join(f"{x:.6f}" for x in vector) + "]"
                copy.write_row((documents[i // 100].id, i % 100, "Abstract", passages[pick], vec))
        load_seconds = time.perf_counter() - started
        # Django's foreign keys are deferred; settle them so the index can be built in this
        # transaction.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET maintenance_work_mem = '1GB'")
        started = time.perf_counter()
        cursor.execute(
            "CREATE INDEX chunk_embedding_hnsw ON knowledge_chunk "
            "USING hnsw (embedding vector_cosine_ops) WITH (m = 16, ef_construction = 64)"
        )
        index_seconds = time.perf_counter() - started
        cursor.execute("ANALYZE knowledge_chunk")
    return {
        "questions": questions,
        "query_vectors": embed(questions),
        "load_seconds": round(load_seconds, 1),
        "index_seconds": round(index_seconds, 1),
        "real_passages": len(passages),
    }


def _top10(cursor, vector, *, exact: bool, ef_search: int = 40) -> tuple[list[int], float]:
    literal = "[" + ",".join(f"{x:.7g}" for x in vector) + "]"
    cursor.execute("SET enable_indexscan = %s", ["off" if exact else "on"])
    cursor.execute("SET hnsw.ef_search = %s", [ef_search])
    started = time.perf_counter()
    cursor.execute(
        "SELECT id FROM knowledge_chunk ORDER BY embedding <=> %s::vector LIMIT 10", [literal]
    )
    ids = [row[0] for row in cursor.fetchall()]
    return ids, time.perf_counter() - started


def test_retrieval_at_100k_chunks(big_index, record):
    figures = {"chunks": N_CHUNKS, "queries": N_QUERIES, **{
        k: big_index[k] for k in ("real_passages", "load_seconds", "index_seconds")}}  # fmt: skip
    with connection.cursor() as cursor:
        exact, exact_times = [], []
        for vector in big_index["query_vectors"]:
            ids, seconds = _top10(cursor, vector, exact=True)
            exact.append(set(ids))
            exact_times.append(seconds)
        figures["exact_scan"] = summary_ms(exact_times)
        for ef in (40, 100):
            recalls, times = [], []
            for vector, truth in zip(big_index["query_vectors"], exact, strict=True):
                ids, seconds = _top10(cursor, vector, exact=False, ef_search=ef)
                recalls.append(len(truth & set(ids)) / 10)
                times.append(seconds)
            figures[f"hnsw_ef{ef}"] = {**summary_ms(times), "recall@10": round(np.mean(recalls), 4)}
        cursor.execute("SET enable_indexscan = on")

    # What a user waits for: the whole hybrid search (embed + vector + full text + fuse).
    search(big_index["questions"][0])  # warm-up
    times = []
    for question in big_index["questions"]:
        started = time.perf_counter()
        search(question, k=5)
        times.append(time.perf_counter() - started)
    figures["hybrid_search"] = summary_ms(times)
    record("retrieval_100k", figures)
    assert figures["hnsw_ef100"]["recall@10"] >= 0.9
