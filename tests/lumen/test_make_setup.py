"""`make run` on a fresh clone: every step says what it does and how long it has taken, pip's
progress is visible, and Ctrl-C says the embedded database keeps running and how to stop it."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
STEP = re.compile(r"^==> \[\d+s\] ", re.MULTILINE)

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="needs GNU make")


def test_install_announces_each_step_and_shows_pip_progress(tmp_path):
    # -n prints the commands without running them; -B as if nothing were installed yet.
    out = subprocess.run(
        ["make", "-n", "-B", "install", f"VENV={tmp_path / 'venv'}"],
        cwd=ROOT, capture_output=True, text=True, check=True, timeout=30,
    ).stdout  # fmt: skip
    pip_lines = [line for line in out.splitlines() if "pip install" in line]
    assert len(pip_lines) == 3
    assert not any("--quiet" in line or " -q" in line for line in pip_lines)
    assert "first run: about 5 minutes" in out
    assert "Installing torch" in out


def test_ctrl_c_stops_the_servers_and_says_how_to_stop_the_database(tmp_path):
    procfile = tmp_path / "Procfile"
    procfile.write_text("web: sleep 60\n")
    run = subprocess.Popen(
        ["make", "--no-print-directory", "serve", f"PROCFILE={procfile}"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True,  # its own process group, like a terminal's foreground job
    )  # fmt: skip
    try:
        time.sleep(3)  # honcho has started the process
        os.killpg(run.pid, signal.SIGINT)  # what Ctrl-C sends
        out, _ = run.communicate(timeout=30)
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
    assert STEP.search(out), out
    assert "http://127.0.0.1:8000" in out
    assert "SIGINT received" in out  # honcho stopped the web server and the worker
    assert "embedded database is still running" in out
    assert "make db-stop" in out
    assert "Error" not in out  # a clean stop, not a failed recipe
