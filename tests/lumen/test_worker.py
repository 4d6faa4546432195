"""The django-q2 worker, with the Django ORM as broker, runs queued tasks in its own process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django_q.conf import Conf
from django_q.tasks import async_task, result

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def worker(transactional_db, tmp_path):
    """`manage.py qcluster` against the test database, as `make run` starts it."""
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@/{db['NAME']}?host={db['HOST']}",
        "LUMEN_TASKS_SYNC": "0",
        "LUMEN_WORKERS": "1",
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
    process.terminate()  # the cluster's own SIGTERM handler stops its children in order
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    log.close()


def test_a_queued_task_is_run_by_the_worker_process(worker, monkeypatch):
    monkeypatch.setattr(Conf, "SYNC", False)  # the suite runs tasks inline; not this test
    task_id = async_task("math.copysign", 2, -1)
    assert result(task_id, wait=30_000) == -2.0
