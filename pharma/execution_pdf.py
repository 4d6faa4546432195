"""The executed report as PDF (WeasyPrint): record ID and controlled-copy mark on every page,
the criteria with their frozen limits, results, pass or fail, evidence (name and SHA-256),
deviations and signatures. An approved execution's report is issued once and kept with its
SHA-256; before approval it renders fresh, marked uncontrolled."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone

from pharma import execution as service
from pharma.criteria import result_rows
from pharma.models import Deviation, Execution, ExecutionStatus


def render_execution(execution: Execution) -> bytes:
    from weasyprint import HTML  # heavy import, only when a PDF is asked for

    results = {
        r.criterion: r
        for r in execution.results.select_related("deviation").prefetch_related("evidence")
    }
    html = render_to_string(
        "pharma/executions/pdf.html",
        {
            "execution": execution,
            "revision": execution.revision,
            "document": execution.revision.document,
            "organisation": execution.revision.document.organisation,
            "rows": result_rows(execution.criteria, results),
            "deviations": Deviation.objects.filter(result__execution=execution),
            "signatures": execution.signatures.all(),
            "controlled": execution.status == ExecutionStatus.APPROVED,
            "rendered_at": timezone.now(),
        },
    )
    return HTML(string=html).write_pdf()


def execution_pdf(execution: Execution) -> bytes:
    if execution.status == ExecutionStatus.APPROVED and execution.pdf_sha256:
        return bytes(execution.pdf)
    pdf = render_execution(execution)
    if execution.status == ExecutionStatus.APPROVED:
        pdf = service.execution_issue_pdf(execution=execution, pdf=pdf)
    return pdf
