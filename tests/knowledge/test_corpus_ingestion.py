"""The MedQuAD extract is ingested in the background: `load_starter` only queues it, the task
works in committed batches (a stopped worker resumes, never restarts), an ingested extract is
not ingested twice, and progress is visible to staff and to /healthz."""

from __future__ import annotations

import json
from io import StringIO
from itertools import islice
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django_q.conf import Conf
from django_q.models import OrmQ
from django_q.tasks import async_task

from knowledge import ingestion
from knowledge.corpus_extract import extract_records, extract_write
from knowledge.ingestion import corpus_enqueue, corpus_ingest_step, corpus_progress
from knowledge.models import Chunk, Document, Source

TASK = "knowledge.tasks.ingest_corpus"


@pytest.fixture(scope="module")
def five_records() -> list:
    """Five short real documents from the shipped extract (short: embedding stays quick)."""
    records = islice(extract_records(Path(settings.LUMEN_MEDQUAD_EXTRACT)), 400)
    return sorted(records, key=lambda r: len(r.text))[:5]


@pytest.fixture
def extract(five_records, tmp_path, settings) -> Path:
    path = tmp_path / "medquad.jsonl.xz"
    extract_write(five_records, path, origin="test")
    settings.LUMEN_MEDQUAD_EXTRACT = path
    return path


def medquad_documents():
    return Document.objects.filter(source__slug="medquad")


def state() -> dict:
    return Source.objects.get(slug="medquad").last_summary["corpus"]


def test_before_anything_is_queued_progress_says_not_started(db):
    assert corpus_progress() == {"corpus": "medquad", "state": "not started"}


def test_load_starter_queues_the_corpus_and_returns_without_ingesting_it(
    db, extract, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.LUMEN_CORPUS_AUTOLOAD = True
    monkeypatch.setattr(Conf, "SYNC", False)  # as under `make run`: the worker runs it later
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_starter", "--no-embed", stdout=out, stderr=StringIO(), verbosity=0)
    assert "MedQuAD corpus: queued" in out.getvalue()
    (queued,) = OrmQ.objects.all()
    assert queued.func() == TASK
    assert not medquad_documents().exists()
    progress = corpus_progress()
    assert progress["state"] == "queued"
    assert (progress["documents_done"], progress["documents_total"]) == (0, 5)


def test_the_task_ingests_and_embeds_everything_in_steps_that_queue_each_other(
    db, extract, monkeypatch
):
    monkeypatch.setattr(ingestion, "BATCH_DOCUMENTS", 2)
    monkeypatch.setattr(ingestion, "STEP_SECONDS", 0)  # one batch per step: three steps
    steps = []
    monkeypatch.setattr(
        ingestion,
        "embed_pending",
        lambda real=ingestion.embed_pending, **kw: steps.append(1) or real(**kw),
    )
    async_task(TASK, str(extract))  # tasks run inline in tests, continuations too
    assert len(steps) == 3
    assert medquad_documents().count() == 5
    assert not medquad_documents().filter(indexed_at__isnull=True).exists()
    chunks = Chunk.objects.filter(document__source__slug="medquad")
    assert not chunks.filter(embedding__isnull=True).exists()
    progress = corpus_progress()
    assert progress["state"] == "done"
    assert (progress["documents_done"], progress["documents_total"]) == (5, 5)
    assert progress["percent"] == 100.0
    assert progress["chunks_embedded"] == chunks.count()
    assert progress["started_at"] <= progress["finished_at"]
    json.dumps(progress)  # fit for /healthz as it is


def test_an_interrupted_step_resumes_after_the_last_committed_batch(db, extract, monkeypatch):
    real_embed, calls = ingestion.embed_pending, []

    def embed_then_die(**kwargs):
        calls.append(1)
        if len(calls) == 2:  # the worker is stopped in the middle of the second batch
            raise KeyboardInterrupt
        return real_embed(**kwargs)

    monkeypatch.setattr(ingestion, "embed_pending", embed_then_die)
    with pytest.raises(KeyboardInterrupt):
        corpus_ingest_step(batch_size=2, seconds=600)
    assert medquad_documents().count() == 2  # the second batch was rolled back whole
    assert (state()["state"], state()["documents_done"]) == ("running", 2)

    assert corpus_ingest_step(batch_size=2, seconds=600) is False  # ran to the end
    assert medquad_documents().count() == 5
    assert (state()["state"], state()["documents_done"]) == ("done", 5)
    assert (state()["new"], state()["unchanged"]) == (5, 0)  # the first two were not redone
    assert not Chunk.objects.filter(embedding__isnull=True).exists()


def test_an_extract_ingested_at_the_same_hash_is_not_queued_again(
    db, extract, five_records, django_capture_on_commit_callbacks, monkeypatch
):
    corpus_ingest_step()
    finished = state()
    with django_capture_on_commit_callbacks(execute=True) as queued:
        assert corpus_enqueue() == "done"
    assert queued == []
    assert corpus_ingest_step() is False
    assert state() == finished

    # A regenerated extract (new hash) is ingested again: same documents, nothing duplicated.
    extract_write(five_records, extract, origin="a newer MedQuAD revision")
    monkeypatch.setattr(Conf, "SYNC", False)
    with django_capture_on_commit_callbacks(execute=True):
        assert corpus_enqueue() == "queued"
    assert OrmQ.objects.count() == 1
    corpus_ingest_step()
    assert medquad_documents().count() == 5
    assert (state()["state"], state()["unchanged"], state()["new"]) == ("done", 5, 0)


def test_staff_see_the_progress_in_the_admin(db, extract, staff_user, login):
    corpus_ingest_step(batch_size=2, seconds=0)
    response = login(staff_user).get("/admin/knowledge/source/")
    assert response.status_code == 200
    assert "running: 2 / 5 documents (40.0%)" in response.content.decode()


def test_a_missing_extract_does_not_stop_load_starter(db, settings, tmp_path):
    settings.LUMEN_CORPUS_AUTOLOAD = True
    settings.LUMEN_MEDQUAD_EXTRACT = tmp_path / "missing.jsonl.xz"
    err = StringIO()
    call_command("load_starter", "--no-embed", stdout=StringIO(), stderr=err, verbosity=0)
    assert "MedQuAD corpus not queued" in err.getvalue()
    assert corpus_progress()["state"] == "not started"


def test_a_batch_of_long_documents_is_cut_short_by_its_characters(db, extract, monkeypatch):
    monkeypatch.setattr(ingestion, "BATCH_CHARACTERS", 1)  # every document is "long"
    assert corpus_ingest_step(batch_size=25, seconds=0) is True
    assert (state()["documents_done"], medquad_documents().count()) == (1, 1)


def test_healthz_shows_the_progress_to_monitors_and_never_fails_on_it(
    db, extract, client, settings
):
    settings.LUMEN_HEALTHZ_TOKEN = "monitor-token-for-corpus"
    auth = {"HTTP_AUTHORIZATION": "Bearer monitor-token-for-corpus"}
    before = client.get("/healthz", **auth).json()["checks"]["corpus"]
    assert before["ok"] and before["critical"] is False and before["detail"] == "not started"

    async_task(TASK, str(extract))
    after = client.get("/healthz", **auth)
    assert after.status_code == 200
    assert after.json()["checks"]["corpus"]["detail"].startswith("done: 5 / 5 documents")
    assert "checks" not in client.get("/healthz").json()  # anonymous: the status only
