"""Protocol execution pages: start an execution of an approved protocol, record a result per
acceptance criterion with evidence, assess the deviations failing results raise, sign, and
download the executed report and evidence.

Every lookup goes through the user's own organisation: another organisation's execution,
deviation or evidence file is a 404."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import F
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from lumen.accounts.decorators import role_required
from lumen.accounts.roles import Role
from lumen.lib.uploads import CappedMemoryUpload
from pharma import esign
from pharma import execution as service
from pharma.criteria import result_rows
from pharma.models import Deviation, Evidence, Execution, ExecutionSignature, Revision
from pharma.selectors import organisation_document, organisation_for


class _CappedUpload(CappedMemoryUpload):
    """Evidence files: up to MAX_EVIDENCE_FILES of MAX_EVIDENCE_BYTES each are kept."""

    max_files = service.MAX_EVIDENCE_FILES

    def limit_bytes(self) -> int:
        return service.MAX_EVIDENCE_BYTES


def _execution_for(request: HttpRequest, uid) -> Execution:
    organisation = organisation_for(request.user)
    if organisation is None:
        raise Http404("No organisation")
    return get_object_or_404(
        Execution.objects.select_related("revision__document__organisation"),
        uid=uid,
        revision__document__organisation=organisation,
    )


def _back(execution: Execution) -> HttpResponse:
    return redirect("pharma:execution_detail", uid=execution.uid)


@role_required(Role.PHARMA)
@require_POST
def execution_start(request: HttpRequest, uid, number: int) -> HttpResponse:
    document = organisation_document(organisation_for(request.user), uid)
    if document is None:
        raise Http404("No such document.")
    revision = get_object_or_404(Revision, document=document, number=number)
    try:
        execution = service.execution_start(revision=revision, user=request.user)
    except service.ExecutionError as exc:
        messages.error(request, str(exc))
        return redirect("pharma:document_revision", uid=document.uid, number=number)
    messages.success(request, f"Execution {execution.record_id} started.")
    return _back(execution)


@role_required(Role.PHARMA)
def execution_detail(request: HttpRequest, uid) -> HttpResponse:
    execution = _execution_for(request, uid)
    results = {
        r.criterion: r
        for r in execution.results.select_related("deviation").prefetch_related("evidence")
    }
    rows = result_rows(execution.criteria, results)
    return render(
        request,
        "pharma/executions/detail.html",
        {
            "execution": execution,
            "document": execution.revision.document,
            "rows": rows,
            "deviations": Deviation.objects.filter(result__execution=execution).select_related(
                "result"
            ),
            "signatures": execution.signatures.all(),
            "meanings": ExecutionSignature.Meaning.choices,
            "first_signature": esign.first_in_session(request.session),
            "max_files": service.MAX_EVIDENCE_FILES,
            "max_mb": service.MAX_EVIDENCE_BYTES // (1024 * 1024),
        },
    )


@csrf_exempt  # the upload handler must be set before CSRF reads the body; checked below
@role_required(Role.PHARMA)
@require_POST
def result_record(request: HttpRequest, uid, key: str) -> HttpResponse:
    request.upload_handlers = [_CappedUpload(request)]
    return _result_record(request, uid, key)


@csrf_protect
def _result_record(request: HttpRequest, uid, key: str) -> HttpResponse:
    execution = _execution_for(request, uid)
    # "met" answers a stated requirement, "visually_clean" a visual check: both yes or no.
    clean = request.POST.get("met") or request.POST.get("visually_clean", "")
    try:
        result = service.result_record(
            execution=execution,
            user=request.user,
            criterion_key=key,
            value=request.POST.get("value", ""),
            condition=request.POST.get("condition", ""),
            visually_clean={"yes": True, "no": False}.get(clean),
            observation=request.POST.get("observation", ""),
            files=request.FILES.getlist("evidence"),
        )
    except service.ExecutionError as exc:
        messages.error(request, str(exc))
    else:
        if result.passed:
            messages.success(request, "Result recorded: pass.")
        else:
            messages.warning(
                request,
                f"Result recorded: FAIL. Deviation {result.deviation.number} was raised; "
                "assess its impact below.",
            )
    return _back(execution)


@role_required(Role.PHARMA)
def deviation_list(request: HttpRequest) -> HttpResponse:
    """The organisation's deviation register: open (not yet assessed) first, newest first."""
    organisation = organisation_for(request.user)
    if organisation is None:
        raise Http404("No organisation")
    deviations = (
        Deviation.objects.filter(organisation=organisation)
        .select_related("result__execution")
        .order_by(F("assessed_at").asc(nulls_first=True), "-raised_at")
    )
    return render(request, "pharma/executions/deviations.html", {"deviations": deviations})


@role_required(Role.PHARMA)
@require_POST
def deviation_assess(request: HttpRequest, uid) -> HttpResponse:
    organisation = organisation_for(request.user)
    deviation = get_object_or_404(
        Deviation.objects.select_related("result__execution"), uid=uid, organisation=organisation
    )
    try:
        service.deviation_assess(
            deviation=deviation,
            user=request.user,
            impact_assessment=request.POST.get("impact_assessment", ""),
            capa_reference=request.POST.get("capa_reference", ""),
            change_control_reference=request.POST.get("change_control_reference", ""),
        )
    except service.ExecutionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Deviation {deviation.number} assessed.")
    return _back(deviation.result.execution)


@role_required(Role.PHARMA)
@require_POST
def execution_sign(request: HttpRequest, uid) -> HttpResponse:
    execution = _execution_for(request, uid)
    first = esign.first_in_session(request.session)
    try:
        signature = service.execution_sign(
            execution=execution,
            user=request.user,
            password=request.POST.get("password", ""),
            meaning=request.POST.get("meaning", ""),
            user_id=request.POST.get("user_id", "") if first else None,
        )
    except service.ExecutionError as exc:
        messages.error(request, str(exc))
    else:
        esign.mark_signed(request.session)
        messages.success(
            request,
            f"Signed {execution.record_id} as {signature.get_meaning_display().lower()}.",
        )
    return _back(execution)


@role_required(Role.PHARMA)
def execution_pdf(request: HttpRequest, uid) -> HttpResponse:
    from pharma.execution_pdf import execution_pdf as render_pdf

    execution = _execution_for(request, uid)
    response = HttpResponse(render_pdf(execution), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{execution.record_id}.pdf"'
    return response


@role_required(Role.PHARMA)
def evidence_download(request: HttpRequest, uid) -> HttpResponse:
    organisation = organisation_for(request.user)
    evidence = get_object_or_404(
        Evidence, uid=uid, result__execution__revision__document__organisation=organisation
    )
    response = HttpResponse(bytes(evidence.data), content_type=evidence.content_type)
    # Always a download, never rendered in the site's origin.
    response["Content-Disposition"] = f'attachment; filename="{evidence.name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
