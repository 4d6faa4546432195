"""gunicorn reads this file from its working directory; tunables stay in GUNICORN_CMD_ARGS."""

from __future__ import annotations


def post_worker_init(worker) -> None:
    """Load the embedding model before the worker takes requests: otherwise the first question
    each worker answers waits for it (~10 s here; a 44 s p99 under load, docs/benchmarks.md)."""
    from knowledge.embeddings import model

    model()
