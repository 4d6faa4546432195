"""Executing an approved protocol: the acceptance criteria it sets, a result recorded against
each (with evidence files), pass or fail judged against the limit, a deviation raised from
every failing result, and the signatures that complete and approve the executed record.

The criteria and their limits are copied into the execution when it starts (`criteria_for`
reads them through `frozen_limits`), so a later change to the organisation's settings, the
rules or the code changes nothing in an execution already under way or done. Results,
deviations and signatures are appended, never edited; every state change is a conditional
update whose row count is checked.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from decimal import ROUND_DOWN, Decimal, InvalidOperation
from typing import Protocol

from django.db import transaction
from django.utils import timezone

from lumen.accounts.models import User
from pharma import calculators as calc
from pharma import workflow
from pharma.criteria import ConditionError, check, judge
from pharma.criteria import limit as criterion_limit
from pharma.documents import frozen_results
from pharma.esign import SignatureRefused, confirm_signer
from pharma.models import (
    Deviation,
    DocumentStatus,
    Evidence,
    Execution,
    ExecutionSignature,
    ExecutionStatus,
    Organisation,
    QADocument,
    QARole,
    Revision,
    StepResult,
)

Meaning = ExecutionSignature.Meaning

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
MAX_EVIDENCE_FILES = 5
# Evidence types, decided by the file's first bytes, never by its name or declared type.
EVIDENCE_TYPES = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)
MAX_RESULT = Decimal("1e12")
_PLAIN_NUMBER = re.compile(r"\d+(\.\d+)?")


class ExecutionError(Exception):
    """The action is not allowed now or the input is wrong; the message is safe to show."""


class Upload(Protocol):
    name: str
    size: int | None

    def read(self, size: int = -1) -> bytes: ...


# --- the limits a protocol sets --------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class FrozenLimit:
    """A limit as the approved revision stored it (pharma.documents.frozen_results)."""

    title: str
    result: calc.Quantity
    recovery_percent: Decimal | None = None

    @property
    def unit(self) -> str:
        return self.result.unit

    @property
    def value(self) -> Decimal:
        return self.result.value


def frozen_limits(revision: Revision) -> dict:
    """The acceptance limits fixed when `revision` was approved, as numbers with units:
    ``{"maco": FrozenLimit, "swab": FrozenLimit | None, "rinse": FrozenLimit | None}``, or
    ``{"error": message}``.

    They are read from the results stored at approval (the same numbers the approved PDF
    prints, worst case of the product matrix included), never worked out again: a later
    change to the organisation's settings, the rules or the code changes no limit.
    """
    results = frozen_results(revision)
    if not results:
        return {"error": "Only an approved protocol can be executed: its limits are fixed "
                "when it is approved."}  # fmt: skip
    maco = results.get("maco_worst_case") or results.get("maco")
    if maco is None:
        return {"error": "The approved protocol sets no carry-over limit (MACO), so there "
                "is nothing to judge results against."}  # fmt: skip
    recovery = ((revision.content or {}).get("analytics") or {}).get("recovery_pct")
    recovery = None if recovery in ("", None) else Decimal(str(recovery))

    def limit(key: str) -> FrozenLimit | None:
        found = results.get(key)
        if found is None:
            return None
        quantity = calc.Quantity(key, key, found["value"], found["unit"], exact=False,
                                 rounding=ROUND_DOWN)  # fmt: skip
        return FrozenLimit(found["title"], quantity, recovery)

    return {"maco": limit("maco_worst_case" if "maco_worst_case" in results else "maco"),
            "swab": limit("swab_limit"), "rinse": limit("rinse_limit")}  # fmt: skip


def _printed(calculation: FrozenLimit) -> str:
    """The limit as the protocol prints it (rounded down), without its unit: results are
    judged against what the approved document says."""
    return dataclasses.replace(calculation.result, unit="").display().replace(",", "")


def _recovery_note(limit: FrozenLimit) -> str:
    if limit.recovery_percent is None:
        return "; applies to recovery-corrected results"
    return f"; recovery {limit.recovery_percent.normalize():f} % applied: compare the amount as measured"


def criteria_for(revision: Revision) -> list[dict]:
    """The acceptance criteria an execution of `revision` records results against: those
    frozen with it when it was approved (pharma/criteria.py), whatever its kind."""
    if revision.status != DocumentStatus.APPROVED or not revision.frozen:
        raise ExecutionError("Only an approved protocol revision can be executed.")
    frozen = revision.frozen.get("criteria")
    if frozen is None:
        # Approved before criteria were frozen with the revision: a cleaning protocol's
        # limits are still read from its frozen results.
        frozen = _criteria_before_freezing(revision)
    if not frozen:
        raise ExecutionError(
            "This document sets no acceptance criteria (limits or pass/fail checks), so there "
            "is nothing to execute against."
        )
    return frozen


def _criteria_before_freezing(revision: Revision) -> list[dict]:
    if revision.document.kind != "cleaning_validation":
        return []
    limits = frozen_limits(revision)
    if "error" in limits:
        raise ExecutionError(limits["error"])
    content = revision.content or {}
    criteria = []
    locations = (content.get("sampling") or {}).get("locations") or []
    for n, row in enumerate(locations, start=1):
        place = str(row.get("location") or f"Location {n}")
        if row.get("equipment_id"):
            place += f" ({row['equipment_id']})"
        method = row.get("method") or "Swab"
        key = f"{method.lower()}-{n}"
        if method == "Visual":
            criteria.append(check(key, f"Visual inspection at {place}", "Visually clean",
                                  visual=True))  # fmt: skip
            continue
        limit = limits["swab"] if method == "Swab" else limits["rinse"]
        if limit is None:
            raise ExecutionError(
                f"The protocol samples {place} by {method.lower()} but sets no "
                f"{method.lower()} limit (fill in the areas or rinse volume)."
            )
        basis = (
            f"{limit.title}, from governing MACO {limits['maco'].result.display()} "
            f"({limits['maco'].title}){_recovery_note(limit)}"
        )
        criteria.append(
            criterion_limit(key, f"{method} at {place}", _printed(limit), limit.unit, basis)
        )
    visual = str((content.get("acceptance") or {}).get("visual") or "").strip()
    if visual:
        criteria.append(check("visual", "Equipment visually clean", visual[:300], visual=True))
    return criteria


# --- reading what the executor enters --------------------------------------------------------


def parse_result(raw: str) -> Decimal:
    """A measured amount as a plain decimal with a point ("0.85", "12"). A comma is refused
    rather than guessed: "0,012" could be twelve thousandths or twelve."""
    text = (raw or "").strip()
    if not text:
        raise ExecutionError("Enter the measured value.")
    if "," in text:
        raise ExecutionError(
            f"“{text[:20]}” has a comma: write the value with a decimal point and no "
            "thousands separator (for example 0.012 or 1250)."
        )
    if not _PLAIN_NUMBER.fullmatch(text):
        raise ExecutionError(f"“{text[:20]}” is not a number (for example 0.85 or 12).")
    try:
        value = Decimal(text)
    except InvalidOperation as exc:  # pragma: no cover - the pattern admits only decimals
        raise ExecutionError("Enter the measured value as a number.") from exc
    if value >= MAX_RESULT:
        raise ExecutionError("That value is implausibly large; check the units.")
    if value.as_tuple().exponent < -6:
        raise ExecutionError("Give the value with at most six decimal places.")
    return value


def _condition(by: dict, raw: str) -> Decimal:
    """The condition a limit depends on (the water's temperature), read like a result."""
    if not (raw or "").strip():
        raise ExecutionError(
            f"Enter the {by['label'].lower()} ({by['unit']}): the limit depends on it."
        )
    try:
        return parse_result(raw)
    except ExecutionError as exc:
        raise ExecutionError(f"{by['label']}: {exc}") from exc


def _evidence(upload: Upload) -> tuple[str, str, bytes]:
    """(safe name, type, bytes) of an evidence file, or ExecutionError."""
    if upload.size is not None and upload.size > MAX_EVIDENCE_BYTES:
        raise ExecutionError(_too_big())
    data = upload.read(MAX_EVIDENCE_BYTES + 1)
    if len(data) > MAX_EVIDENCE_BYTES:
        raise ExecutionError(_too_big())
    if not data:
        raise ExecutionError("The evidence file is empty.")
    content_type = next((t for magic, t in EVIDENCE_TYPES if data.startswith(magic)), None)
    if content_type is None:
        raise ExecutionError("Evidence must be a PDF, PNG or JPEG file.")
    base = re.split(r"[\\/]", upload.name or "")[-1]
    name = re.sub(r"[^\w.\- ]", "_", base).strip(" .")[:120] or "evidence"
    return name, content_type, data


def _too_big() -> str:
    return f"An evidence file may be at most {MAX_EVIDENCE_BYTES // (1024 * 1024)} MB."


# --- writes ----------------------------------------------------------------------------------


def execution_start(*, revision: Revision, user: User) -> Execution:
    """Start executing an approved protocol revision, with its criteria copied in."""
    if revision.status != DocumentStatus.APPROVED:
        raise ExecutionError("Only an approved protocol revision can be executed.")
    criteria = criteria_for(revision)
    with transaction.atomic():
        document = QADocument.objects.select_for_update().get(pk=revision.document_id)
        count = Execution.objects.filter(revision__document=document).count()
        return Execution.objects.create(
            revision=revision,
            record_id=f"{document.number}-R{revision.number}-EX{count + 1:02d}",
            criteria=criteria,
            started_by=user,
        )


def _refuse_nul(*texts: str) -> None:
    # PostgreSQL text cannot hold U+0000: refuse it with a message, as Django's forms do.
    if any("\x00" in (text or "") for text in texts):
        raise ExecutionError("Null characters are not allowed.")


def criterion(execution: Execution, key: str) -> dict:
    found = next((c for c in execution.criteria if c["key"] == key), None)
    if found is None:
        raise ExecutionError("Choose one of the protocol's acceptance criteria.")
    return found


def result_record(
    *,
    execution: Execution,
    user: User,
    criterion_key: str,
    value: str = "",
    condition: str = "",
    visually_clean: bool | None = None,
    observation: str = "",
    files: list[Upload] | tuple = (),
) -> StepResult:
    """Record the result for one criterion, judged against its frozen limit: a measured
    amount for a limit (with the condition the limit depends on, such as the water's
    temperature, where it has one), met or not for a check (`visually_clean`: clean or not
    for a visual check). A failing result raises a deviation in the same transaction."""
    spec = criterion(execution, criterion_key)
    _refuse_nul(value, condition, observation)
    observation = " ".join((observation or "").split())[:1000]
    measured_at = None
    if spec["type"] == "limit":
        amount = parse_result(value)
        if spec.get("by"):
            measured_at = _condition(spec["by"], condition)
        try:
            passed, verdict = judge(spec, amount, measured_at)
        except ConditionError as exc:
            raise ExecutionError(str(exc)) from exc
    else:
        if visually_clean is None:
            raise ExecutionError(
                "Say whether the surface was visually clean."
                if spec["type"] == "visual"
                else "Say whether the requirement was met."
            )
        amount, passed = None, visually_clean
        if spec["type"] == "visual":
            verdict = "visibly not clean" if not passed else "visually clean"
        else:
            verdict = "not met" if not passed else "met"
    if len(files) > MAX_EVIDENCE_FILES:
        raise ExecutionError(f"Attach at most {MAX_EVIDENCE_FILES} evidence files per result.")
    evidence = [_evidence(upload) for upload in files]
    with transaction.atomic():
        execution = Execution.objects.select_for_update().get(pk=execution.pk)
        if execution.status != ExecutionStatus.IN_PROGRESS:
            raise ExecutionError("This execution is completed; results can no longer be added.")
        if execution.results.filter(criterion=criterion_key).exists():
            raise ExecutionError(
                "A result is already recorded for this criterion. Results are never "
                "overwritten: record the discrepancy in the deviation or a new execution."
            )
        result = StepResult.objects.create(
            execution=execution,
            criterion=criterion_key,
            value=amount,
            condition=measured_at,
            observation=observation,
            passed=passed,
            recorded_by=user,
            recorded_by_name=user.name or user.email,
        )
        for name, content_type, data in evidence:
            Evidence.objects.create(
                result=result,
                name=name,
                content_type=content_type,
                size=len(data),
                sha256=hashlib.sha256(data).hexdigest(),
                data=data,
            )
        if not passed:
            _deviation_raise(execution, result, f"{spec['label']}: {verdict}. {observation}")
    return result


def _deviation_raise(execution: Execution, result: StepResult, description: str) -> Deviation:
    organisation = Organisation.objects.select_for_update().get(
        pk=execution.revision.document.organisation_id
    )
    numbers = Deviation.objects.filter(organisation=organisation).values_list("number", flat=True)
    used = [int(n.split("-")[1]) for n in numbers if re.fullmatch(r"DEV-\d+", n)]
    return Deviation.objects.create(
        organisation=organisation,
        number=f"DEV-{max(used, default=0) + 1:04d}",
        result=result,
        description=f"Raised from {execution.record_id}. {description}".strip(),
    )


def deviation_assess(
    *,
    deviation: Deviation,
    user: User,
    impact_assessment: str,
    capa_reference: str = "",
    change_control_reference: str = "",
) -> Deviation:
    """Record the impact assessment of a deviation once, with the CAPA and change-control
    records it leads to (a reference to a CAPA is required: a failing cleaning result needs
    a corrective action)."""
    _refuse_nul(impact_assessment, capa_reference, change_control_reference)
    impact = (impact_assessment or "").strip()
    capa = " ".join((capa_reference or "").split())[:60]
    change = " ".join((change_control_reference or "").split())[:60]
    if len(impact) < 20:
        raise ExecutionError("Describe the impact on product quality and patient safety.")
    if not capa:
        raise ExecutionError("Give the CAPA record raised for this deviation.")
    changed = Deviation.objects.filter(pk=deviation.pk, assessed_at__isnull=True).update(
        impact_assessment=impact[:5000],
        capa_reference=capa,
        change_control_reference=change,
        assessed_by=user,
        assessed_at=timezone.now(),
    )
    if not changed:
        raise ExecutionError("This deviation has already been assessed.")
    deviation.refresh_from_db()
    return deviation


def execution_sign(
    *, execution: Execution, user: User, password: str, meaning: str, user_id: str | None = None
) -> ExecutionSignature:
    """Sign the executed record. "Performed" completes it: every criterion has a result and
    every deviation is assessed. "Approved" is given by someone other than the performer and
    makes it final; its report PDF is then issued once and kept."""
    if meaning not in Meaning.values:
        raise ExecutionError("Choose what your signature means.")
    try:
        confirm_signer(
            user=user, password=password, action="execution signature failed", user_id=user_id
        )
    except SignatureRefused as exc:
        raise ExecutionError(str(exc)) from exc
    with transaction.atomic():
        execution = Execution.objects.select_for_update().get(pk=execution.pk)
        now = timezone.now()
        if meaning == Meaning.PERFORMED:
            recorded = set(execution.results.values_list("criterion", flat=True))
            missing = [c["label"] for c in execution.criteria if c["key"] not in recorded]
            if missing:
                raise ExecutionError(
                    f"Record every result before signing ({len(missing)} missing)."
                )
            if Deviation.objects.filter(
                result__execution=execution, assessed_at__isnull=True
            ).exists():
                raise ExecutionError("Assess every deviation before signing the execution.")
            source, target, field = (
                ExecutionStatus.IN_PROGRESS,
                ExecutionStatus.COMPLETED,
                "completed_at",
            )
        else:
            performer = execution.signatures.filter(meaning=Meaning.PERFORMED).first()
            if performer is not None and performer.signer_id == user.pk:
                raise ExecutionError(
                    "The person who performed the execution cannot also approve it."
                )
            source, target, field = (
                ExecutionStatus.COMPLETED,
                ExecutionStatus.APPROVED,
                "approved_at",
            )
        if not Execution.objects.filter(pk=execution.pk, status=source).update(
            status=target, **{field: now}
        ):
            raise ExecutionError(
                f"A {execution.get_status_display().lower()} execution cannot be signed as "
                f"{Meaning(meaning).label.lower()}."
            )
        signature = ExecutionSignature.objects.create(
            execution=execution,
            signer=user,
            signer_name=user.name or user.email,
            meaning=meaning,
            roles=sorted(
                workflow.roles_of(user, execution.revision.document.organisation),
                key=QARole.values.index,
            ),
        )
    return signature


def execution_issue_pdf(*, execution: Execution, pdf: bytes) -> bytes:
    """Keep the first report PDF of an approved execution; later downloads get those bytes."""
    Execution.objects.filter(
        pk=execution.pk, status=ExecutionStatus.APPROVED, pdf_sha256=""
    ).update(pdf=pdf, pdf_sha256=hashlib.sha256(pdf).hexdigest())
    execution.refresh_from_db(fields=["pdf", "pdf_sha256"])
    return bytes(execution.pdf) if execution.pdf is not None else pdf
