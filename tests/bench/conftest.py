"""Benchmarks: run with `make bench`, never in CI. Each prints its figures and writes them to
.lumen/bench/<name>.json; docs/benchmarks.md records them with the machine they ran on."""

from __future__ import annotations

import json
import os
import platform
import statistics
from pathlib import Path

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
