"""What reading an upload in a limited child process costs (pharma.upload_process): the same
normal files read in process and in the child, 20 runs each after a warm-up, so the
difference is the process's overhead (start Python, import pypdf, pipe the bytes and the
JSON back). Then how long the pathological files take to be refused with the default limits."""

from __future__ import annotations

import resource
import time

from django.conf import settings

from pharma import compliance
from pharma.upload_process import read_in_child
from pharma.upload_text import UploadTooComplex, passages_from_bytes
from tests.bench.conftest import summary_ms
from tests.pharma.compliance_files import (
    COMPLETE_CV,
    docx_from_text,
    inflated_docx,
    pdf_from_text,
    shared_content_pdf,
)

RUNS = 20


def _timed(read, runs: int = RUNS) -> tuple[list[float], float]:
    """Wall seconds of each run, and the mean CPU seconds per run (this process's and its
    children's: robust to other load on the machine, unlike the wall time)."""
    read()  # warm-up: imports, page cache
    samples = []
    cpu_before = _cpu()
    for _ in range(runs):
        started = time.perf_counter()
        read()
        samples.append(time.perf_counter() - started)
    return samples, (_cpu() - cpu_before) / runs


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def test_reading_in_the_child_process(record):
    limits = compliance.reading_limits()
    files = {
        "text (1 page)": (COMPLETE_CV.encode(), ""),
        "docx (1 page)": (docx_from_text(COMPLETE_CV), "docx"),
        "pdf (1 page)": (pdf_from_text(COMPLETE_CV), "pdf"),
        "pdf (20 pages)": (pdf_from_text("\n\n".join([COMPLETE_CV] * 20)), "pdf"),
    }
    figures = {}
    for label, (data, claimed) in files.items():
        wall, cpu = _timed(lambda d=data, c=claimed: passages_from_bytes(d, c))
        child_wall, child_cpu = _timed(lambda d=data, c=claimed: read_in_child(d, c, limits))
        in_process, in_child = summary_ms(wall), summary_ms(child_wall)
        figures[label] = {
            "kib": round(len(data) / 1024, 1),
            "in_process": {**in_process, "cpu_ms": round(cpu * 1000, 1)},
            "in_child": {**in_child, "cpu_ms": round(child_cpu * 1000, 1)},
            "overhead_p50_ms": round(in_child["p50_ms"] - in_process["p50_ms"], 1),
            "overhead_cpu_ms": round((child_cpu - cpu) * 1000, 1),
        }

    refusals = {
        "finding pdf (pre-check)": (shared_content_pdf(), "pdf"),
        "pdf past the pre-check (CPU limit)": (shared_content_pdf(operators=50_000), "pdf"),
        "inflated docx (paragraph cap)": (inflated_docx(), "docx"),
    }
    for label, (data, claimed) in refusals.items():
        started = time.perf_counter()
        try:
            read_in_child(data, claimed, limits)
        except UploadTooComplex as refused:
            reason = refused.reason
        figures[label] = {
            "kib": round(len(data) / 1024, 1),
            "refused_after_s": round(time.perf_counter() - started, 2),
            "reason": reason,
        }
    figures["limits"] = {
        "cpu_s": settings.LUMEN_COMPLIANCE_CPU_SECONDS,
        "memory_mb": settings.LUMEN_COMPLIANCE_MEMORY_MB,
        "wall_s": settings.LUMEN_COMPLIANCE_WALL_SECONDS,
    }
    record("upload_reading", figures)
    assert figures["pdf (1 page)"]["in_child"]["p50_ms"] < 2000
