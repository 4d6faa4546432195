"""A failing background task is run again and succeeds; the embedding task is idempotent, so
an attempt that died half way and the retry after it leave every chunk stored once and
embedded."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest
from django.db import connection
from django_q.conf import Conf
from django_q.models import OrmQ, Task
from django_q.tasks import async_task

from knowledge import embeddings, services
from knowledge.models import Chunk, Document
from knowledge.tasks import embed_documents
from tests.conftest import ROOT


@pytest.fixture
def quick_retry_worker(transactional_db, tmp_path) -> Iterator[subprocess.Popen]:
    """`manage.py qcluster` that hands a failed task back after 3 s instead of 11 minutes."""
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@/{db['NAME']}?host={db['HOST']}",
        "LUMEN_TASKS_SYNC": "0",
        "LUMEN_WORKERS": "1",
        "LUMEN_TASK_TIMEOUT": "2",
        "LUMEN_TASK_RETRY": "3",
    }
    log = (tmp_path / "qcluster.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "manage.py", "qcluster"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    yield process
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    log.close()


def test_a_task_that_fails_once_is_run_again_by_the_worker_and_succeeds(
    quick_retry_worker, monkeypatch, tmp_path
):
    monkeypatch.setattr(Conf, "SYNC", False)  # the suite runs tasks inline; not this test
    marker = tmp_path / "attempts"
    task_id = async_task("tests.faults.flaky_tasks.fail_once", str(marker))

    deadline = time.monotonic() + 40
    while not Task.objects.filter(id=task_id, success=True).exists():
        assert time.monotonic() < deadline, (tmp_path / "qcluster.log").read_text()[-3000:]
        time.sleep(0.25)

    task = Task.objects.get(id=task_id)
    assert task.result == "succeeded on attempt 2"
    assert task.attempt_count == 2
    assert marker.read_text() == "2"
    assert not OrmQ.objects.exists()  # acknowledged: it will not run a third time


@pytest.fixture
def unembedded_corpus(small_corpus):
    """The small corpus with its chunks waiting for embeddings, as just after an ingest."""
    Chunk.objects.update(embedding=None)
    Document.objects.update(indexed_at=None)
    return list(Document.objects.values_list("id", flat=True))


def _chunks() -> list[tuple[int, int, str]]:
    return list(Chunk.objects.order_by("id").values_list("id", "document_id", "text"))


def test_an_embedding_attempt_that_died_half_way_is_completed_by_the_retry_without_duplicates(
    unembedded_corpus, monkeypatch
):
    before = _chunks()
    monkeypatch.setitem(services.embed_pending.__kwdefaults__, "batch_size", 2)
    real_embed, calls = embeddings.embed, 0

    def dies_on_the_second_batch(texts, **kwargs):
        nonlocal calls
        calls += 1
        if calls == 2:
            raise MemoryError("worker killed")
        return real_embed(texts, **kwargs)

    monkeypatch.setattr(embeddings, "embed", dies_on_the_second_batch)
    with pytest.raises(MemoryError):
        embed_documents(unembedded_corpus)
    assert Chunk.objects.filter(embedding__isnull=False).count() == 2  # the first batch
    assert Document.objects.filter(indexed_at__isnull=True).exists()

    monkeypatch.setattr(embeddings, "embed", real_embed)
    assert embed_documents(unembedded_corpus) == len(before) - 2  # the retry
    assert _chunks() == before  # no chunk added, lost or rewritten
    assert not Chunk.objects.filter(embedding__isnull=True).exists()
    assert not Document.objects.filter(indexed_at__isnull=True).exists()


def test_running_the_embedding_task_twice_changes_nothing_the_second_time(unembedded_corpus):
    first = embed_documents(unembedded_corpus)
    vectors = {c.id: list(c.embedding) for c in Chunk.objects.all()}
    assert first == len(vectors) > 0

    assert embed_documents(unembedded_corpus) == 0
    assert {c.id: list(c.embedding) for c in Chunk.objects.all()} == vectors
