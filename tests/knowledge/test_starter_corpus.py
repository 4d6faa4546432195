"""The starter corpus loads idempotently and retrieval answers from it with citations."""

from __future__ import annotations

import json
import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction

from knowledge.evaluation import read_labels, run_query, summarise
from knowledge.models import Document, Drug, DrugInteraction, RegulatoryStatus
from knowledge.retrieval import search
from knowledge.starter import STARTER_DIR

STARTER = Path(__file__).resolve().parents[2] / "knowledge" / "starter"


@pytest.fixture(scope="module")
def starter(django_db_setup, django_db_blocker):
    """Load once for the module (embedding ~1,400 chunks takes most of a minute) inside a
    transaction that is rolled back afterwards, so other modules still see an empty base."""
    with django_db_blocker.unblock(), transaction.atomic():
        out = StringIO()
        call_command("load_starter", stdout=out, stderr=StringIO(), verbosity=0)
        yield out.getvalue()
        transaction.set_rollback(True)


def test_the_starter_corpus_loads_everything_it_promises(starter, db):
    assert Drug.objects.count() >= 80
    assert DrugInteraction.objects.count() >= 200
    assert Document.objects.filter(doc_type="health_topic").count() >= 40
    assert Document.objects.filter(doc_type="guidance").count() >= 30
    # Every drug with a written record has its monograph; the vocabulary's minimal records
    # (names, class, interactions) do not, and their pages say what is not known yet.
    written = {e["name"] for e in json.loads((STARTER / "drugs.json").read_text())}
    monographs = Document.objects.filter(doc_type="drug_monograph")
    assert monographs.count() == len(written) and Drug.objects.count() > len(written)
    assert RegulatoryStatus.objects.filter(region="US").count() >= 80
    assert not Document.objects.filter(indexed_at__isnull=True).exists()
    warfarin = Drug.objects.get(name="warfarin")
    assert "vitamin_k_antagonist" in warfarin.classes


def test_loading_it_again_changes_nothing(starter, db):
    counts = (Drug.objects.count(), DrugInteraction.objects.count(), Document.objects.count())
    out = StringIO()
    call_command("load_starter", stdout=out, stderr=StringIO(), verbosity=0)
    assert (Drug.objects.count(), DrugInteraction.objects.count(), Document.objects.count()) == (
        counts
    )
    assert not re.search(r"\bnew [1-9]", out.getvalue()), out.getvalue()
    assert "chunks embedded 0" in out.getvalue()


def test_retrieval_answers_from_the_starter_corpus_with_citations(starter, db):
    result = search("how can I tell if someone is having a stroke", k=3)
    assert result.found
    top = result.passages[0].citation
    assert top.doc_type == "health_topic"
    assert "stroke" in top.title.lower()
    assert top.url.startswith("https://")

    pharma = search(
        "cleaning validation acceptance limits", k=5, filters={"doc_types": ["guidance"]}
    )
    assert pharma.found
    assert all(p.citation.doc_type == "guidance" for p in pharma.passages)


def test_the_shipped_labelled_queries_are_answered_well(starter, db):
    labels = read_labels(STARTER_DIR / "retrieval_queries.jsonl")
    assert len(labels) >= 60
    figures = summarise([run_query(q) for q in labels])
    # Floors well under the measured figures (docs/benchmarks.md): a regression, not noise.
    assert figures["recall@10"] >= 0.85
    assert figures["mrr"] >= 0.7
