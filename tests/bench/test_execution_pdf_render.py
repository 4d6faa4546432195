"""Executed report render time (issue 16): a protocol with 30 swab locations, every result
recorded, one in five failing with its deviation assessed, one evidence file per result;
median of five renders after a warm-up."""

from __future__ import annotations

import io
import time

from pypdf import PdfReader

from pharma import execution
from pharma.execution_pdf import render_execution
from pharma.models import Deviation
from tests.bench.conftest import summary_ms
from tests.pharma.protocols import approved_protocol, protocol_content

RUNS = 5
LOCATIONS = 30
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


class _File:
    def __init__(self, name: str, data: bytes) -> None:
        self.name, self.size, self._data = name, len(data), data

    def read(self, size: int = -1) -> bytes:
        return self._data


def test_executed_report_render_time(acme, acme_signer, record):
    content = protocol_content()
    content["sampling"]["locations"] = [
        {"location": f"Point {n}", "equipment_id": "GR-01", "method": "Swab", "area_cm2": 25}
        for n in range(1, LOCATIONS + 1)
    ]
    revision = approved_protocol(acme, acme_signer, acme_signer, content=content)
    run = execution.execution_start(revision=revision, user=acme_signer)
    for n, criterion in enumerate(run.criteria):
        failing = n % 5 == 4
        execution.result_record(
            execution=run, user=acme_signer, criterion_key=criterion["key"],
            value="450" if failing else "12", visually_clean=True,
            observation="Residue at the weld" if failing else "",
            files=[_File(f"{criterion['key']}.png", PNG)],
        )  # fmt: skip
    for deviation in Deviation.objects.all():
        execution.deviation_assess(
            deviation=deviation, user=acme_signer,
            impact_assessment="Next batch on hold until re-cleaned and re-sampled.",
            capa_reference="CAPA-1", change_control_reference="CC-1",
        )  # fmt: skip
    render_execution(run)  # warm-up
    samples, pdf = [], b""
    for _ in range(RUNS):
        started = time.perf_counter()
        pdf = render_execution(run)
        samples.append(time.perf_counter() - started)
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    figures = {**summary_ms(samples), "pages": pages, "kib": round(len(pdf) / 1024),
               "criteria": len(run.criteria), "deviations": Deviation.objects.count()}  # fmt: skip
    record("execution_pdf_render", figures)
    assert pages >= 2
