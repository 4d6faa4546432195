"""Fixtures for the training tests: the starter corpus in the database, built datasets, and a
tiny Mistral-architecture model with its own tokenizer (built once per session, offline)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import transaction


@pytest.fixture(scope="module")
def starter_corpus(django_db_setup, django_db_blocker):
    """The whole starter corpus (documents with chunks, drugs, interaction rules), loaded once
    per module inside a transaction rolled back afterwards. Nothing is embedded."""
    from knowledge.starter import load

    with django_db_blocker.unblock(), transaction.atomic():
        load()
        yield
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def built_dataset(starter_corpus, django_db_blocker, tmp_path_factory) -> Path:
    from training.dataset import build

    out = tmp_path_factory.mktemp("dataset")
    with django_db_blocker.unblock():
        build(out=out, seed=13)
    return out


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory) -> Path:
    """A tiny pre-trained Mistral model + tokenizer folder (~10 s, once per session)."""
    from tests.training.tiny_model import build_tiny_model

    return build_tiny_model(tmp_path_factory.mktemp("tiny-mistral"))


def trimmed(source: Path, out: Path, sizes: dict[str, int]) -> Path:
    """A copy of a dataset folder with the first N rows of each split (a quick run)."""
    out.mkdir(parents=True, exist_ok=True)
    for split, size in sizes.items():
        lines = (source / f"{split}.jsonl").read_text().splitlines()[:size]
        (out / f"{split}.jsonl").write_text("\n".join(lines) + "\n")
    return out
