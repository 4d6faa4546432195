"""A real task worker (`manage.py qcluster`) ingests the queued MedQuAD extract; killed in the
middle, it loses at most the batch it was on, and the next run continues from there instead
of starting over."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from itertools import islice
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django_q.conf import Conf

from knowledge.corpus_extract import extract_records, extract_write
from knowledge.ingestion import BATCH_DOCUMENTS, corpus_enqueue, corpus_progress
from knowledge.models import Document, Source
from tests.conftest import ROOT

DOCUMENTS = 4 * BATCH_DOCUMENTS


def _worker(log: Path) -> subprocess.Popen:
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@/{db['NAME']}?host={db['HOST']}",
        "LUMEN_TASKS_SYNC": "0",
        "LUMEN_WORKERS": "1",
    }
    with log.open("a") as out:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(
            [sys.executable, "manage.py", "qcluster"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def _stop(process: subprocess.Popen, sig: int) -> None:
    os.killpg(process.pid, sig)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:  # qcluster's own shutdown can be slow on a busy machine
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def _wait_for(condition, log: Path, seconds: float = 240) -> dict:
    deadline = time.monotonic() + seconds
    while not condition(progress := corpus_progress()):
        assert time.monotonic() < deadline, (progress, log.read_text()[-3000:])
        time.sleep(0.2)
    return progress


@pytest.fixture
def extract(tmp_path) -> Path:
    """The shortest documents among the first 800 of the shipped extract (quick to embed)."""
    records = islice(extract_records(Path(settings.LUMEN_MEDQUAD_EXTRACT)), 800)
    path = tmp_path / "medquad.jsonl.xz"
    extract_write(sorted(records, key=lambda r: len(r.text))[:DOCUMENTS], path, origin="test")
    return path


def test_a_killed_worker_resumes_from_its_last_batch(
    transactional_db, extract, tmp_path, monkeypatch
):
    log = tmp_path / "qcluster.log"
    monkeypatch.setattr(Conf, "SYNC", False)  # the suite runs tasks inline; not this test
    assert corpus_enqueue(path=extract) == "queued"
    worker = _worker(log)
    try:
        killed_at = _wait_for(lambda p: p.get("documents_done", 0) >= BATCH_DOCUMENTS, log)
    finally:
        _stop(worker, signal.SIGKILL)  # no chance to finish the batch it is on
    assert killed_at["state"] == "running"
    assert killed_at["documents_done"] < DOCUMENTS
    documents = Document.objects.filter(source__slug="medquad")
    assert documents.count() == corpus_progress()["documents_done"]  # whole batches only

    # What the next `make run` does. The killed worker's connection may still hold the lock
    # for a moment ("busy"): a step is queued either way.
    assert corpus_enqueue(path=extract) in {"queued", "busy"}
    worker = _worker(log)
    try:
        final = _wait_for(lambda p: p["state"] == "done", log)
    finally:
        _stop(worker, signal.SIGTERM)
    assert final["documents_done"] == final["documents_total"] == DOCUMENTS
    assert documents.count() == DOCUMENTS
    assert not documents.filter(indexed_at__isnull=True).exists()
    state = Source.objects.get(slug="medquad").last_summary["corpus"]
    assert (state["new"], state["unchanged"]) == (DOCUMENTS, 0)  # nothing redone or restarted
