"""pharma.upload_process: uploads are parsed in a child process under CPU, memory and
wall-clock limits, and a file that hits one is refused as too complex, never a hung thread.

The files are built here (tests/pharma/compliance_files.py): the security test's PDF (15
pages sharing one content stream of operators: 126 s of CPU before this) and a DOCX that
inflates to 24 MB. How long the child takes is measured in tests/bench, not asserted here:
these tests assert which limit stopped it.
"""

from __future__ import annotations

import subprocess
import sys

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pharma import compliance
from pharma.upload_process import Limits, read_in_child
from pharma.upload_text import (
    MAX_PASSAGES,
    TOO_COMPLEX,
    ComplianceInputError,
    UploadTooComplex,
    passages_from_bytes,
)
from tests.conftest import ROOT
from tests.pharma.compliance_files import (
    COMPLETE_CV,
    docx_from_text,
    inflated_docx,
    pdf_from_text,
    shared_content_pdf,
)

MB = 1024 * 1024


def too_complex(data: bytes, name: str) -> UploadTooComplex:
    with pytest.raises(ComplianceInputError) as caught:
        compliance.extract_text(SimpleUploadedFile(name, data))
    assert str(caught.value) == TOO_COMPLEX
    assert "too complex to read" in TOO_COMPLEX
    return caught.value


def test_the_pdf_from_the_security_finding_is_refused_as_too_complex():
    # 15 pages, one shared 2.4 MB stream of "() Tj": about 6 KB on the wire.
    refused = too_complex(shared_content_pdf(pages=15, operators=400_000), "finding.pdf")
    assert refused.reason == "pdf-content"  # counted before parsing: refused at once


def test_a_pdf_under_the_content_budget_is_still_stopped_by_the_cpu_limit(settings):
    # 15 x 300 KB of operators passes the pre-check but costs seconds of CPU to parse.
    settings.LUMEN_COMPLIANCE_CPU_SECONDS = 1
    refused = too_complex(shared_content_pdf(pages=15, operators=50_000), "slow.pdf")
    assert refused.reason == "cpu"  # the child was killed by SIGXCPU / SIGKILL


def test_a_child_that_runs_past_the_wall_clock_limit_is_killed():
    limits = Limits(cpu_seconds=60, memory_bytes=512 * MB, wall_seconds=0.5)
    with pytest.raises(UploadTooComplex) as caught:
        read_in_child(shared_content_pdf(pages=15, operators=50_000), "pdf", limits)
    assert caught.value.reason == "wall"


def test_a_child_out_of_memory_is_refused_as_too_complex(settings):
    # 24 MB of runs outside any paragraph: every element is kept until the end.
    settings.LUMEN_COMPLIANCE_MEMORY_MB = 128
    bomb = inflated_docx(unit="<w:r><w:t>x</w:t></w:r>")
    assert too_complex(bomb, "runs.docx").reason == "memory"


def test_a_huge_inflated_docx_is_refused_as_too_complex():
    # Under the 25 MB inflation cap, but 700,000 paragraphs: 16 s to parse and check before.
    refused = too_complex(inflated_docx(), "inflated.docx")
    assert refused.reason == "passages"  # streamed and stopped at MAX_PASSAGES


def test_a_text_file_with_more_paragraphs_than_can_be_checked_is_refused():
    assert too_complex(b"x\n\n" * (MAX_PASSAGES + 1), "many.txt").reason == "passages"
    assert len(compliance.extract_text(SimpleUploadedFile("ok.txt", b"x\n\n" * MAX_PASSAGES)))


@pytest.mark.parametrize(
    ("name", "claimed", "build"),
    [
        ("protocol.txt", "", lambda: COMPLETE_CV.encode()),
        ("protocol.pdf", "pdf", lambda: pdf_from_text(COMPLETE_CV)),
        ("protocol.docx", "docx", lambda: docx_from_text(COMPLETE_CV)),
    ],
)
def test_a_normal_file_read_in_the_child_gives_the_passages_read_in_process(name, claimed, build):
    data = build()
    in_child = compliance.extract_text(SimpleUploadedFile(name, data))
    assert in_child == passages_from_bytes(data, claimed)
    assert len(in_child) >= 1 and "cleaning" in " ".join(p.text for p in in_child).lower()


def test_refusals_in_the_child_reach_the_caller_with_their_message():
    limits = compliance.reading_limits()
    with pytest.raises(ComplianceInputError) as caught:
        read_in_child(b"plain text", "pdf", limits)
    assert str(caught.value) == "The file is named .pdf but its content is not a PDF."
    assert not isinstance(caught.value, UploadTooComplex)


def test_the_reader_imports_no_django():
    # The child parses hostile bytes with pypdf and the standard library only: no settings,
    # no database connection, no keys are loaded where a parser bug could reach them.
    probe = (
        "import sys, pharma.upload_process; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        env={"PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.strip() == "[]"


def test_a_reader_that_crashes_is_a_refusal_logged_without_the_files_text(
    monkeypatch, tmp_path, caplog
):
    # The failure mode only: an interpreter that dies with a traceback and says nothing.
    crashing = tmp_path / "python"
    crashing.write_text(
        "#!/bin/sh\ncat > /dev/null\necho 'Traceback: KeyError /Root' >&2\nexit 1\n"
    )
    crashing.chmod(0o755)
    monkeypatch.setattr(sys, "executable", str(crashing))
    with pytest.raises(ComplianceInputError) as caught:
        read_in_child(b"Secret protocol text", "", compliance.reading_limits())
    assert str(caught.value) == "The file could not be read; it may be damaged."
    assert not isinstance(caught.value, UploadTooComplex)
    assert "exit 1" in caplog.text and "KeyError /Root" in caplog.text
    assert "Secret protocol text" not in caplog.text
