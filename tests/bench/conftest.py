"""Benchmarks: run with `make bench`, never in CI. Each prints its figures and writes them to
.lumen/bench/<name>.json; docs/benchmarks.md records them with the machine they ran on."""

from __future__ import annotations

import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from tests.conftest import ROOT

OUT = ROOT / ".lumen" / "bench"


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def machine() -> str:
    return f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, {platform.python_version()}"


@pytest.fixture
def record():
    def _record(name: str, figures: dict) -> Path:
        OUT.mkdir(parents=True, exist_ok=True)
        path = OUT / f"{name}.json"
        path.write_text(json.dumps({"machine": machine(), **figures}, indent=2))
        print(f"\n{name}: {json.dumps(figures, indent=2)}")
        return path

    return _record


def summary_ms(samples: list[float]) -> dict[str, float]:
    ms = [s * 1000 for s in samples]
    return {
        "p50_ms": round(percentile(ms, 50), 2),
        "p95_ms": round(percentile(ms, 95), 2),
        "mean_ms": round(statistics.fmean(ms), 2),
    }


@contextmanager
def gunicorn(env: dict[str, str], log: Path, *, workers: str, threads: str) -> Iterator[str]:
    """A production-like gunicorn (gthread, the Dockerfile's arguments) on a free loopback
    port, started with `env`; yields its base URL once /healthz answers."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "lumen.wsgi", "-k", "gthread", "-w", workers,
             "--threads", threads, "-b", f"127.0.0.1:{port}", "--timeout", "90",
             "--keep-alive", "5"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        try:
            while True:
                try:
                    if httpx.get(f"{base}/healthz", timeout=5).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                assert time.monotonic() < deadline and process.poll() is None, (
                    f"gunicorn did not start; see {log}"
                )
                time.sleep(0.5)
            yield base
        finally:
            process.terminate()
            process.wait(timeout=30)
