"""Writes to training runs: start, record losses, finish or fail (each a conditional update,
so a finished run is never reopened or finished twice)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from training.models import TrainingRun


class RunAlreadyFinished(RuntimeError):
    pass


def run_start(*, kind: str, parameters: dict[str, Any]) -> TrainingRun:
    run = TrainingRun(kind=kind, parameters=_jsonable(parameters))
    run.full_clean()
    run.save()
    return run


def run_record_losses(*, run: TrainingRun, entries: list[dict[str, float]]) -> None:
    """Append loss entries ({"step", "loss"} or {"step", "eval_loss"}) to a running run."""
    if not entries:
        return
    with transaction.atomic():
        locked = TrainingRun.objects.select_for_update().get(pk=run.pk)
        if locked.status != TrainingRun.Status.RUNNING:
            raise RunAlreadyFinished(f"Training run {run.uid} is {locked.status}.")
        locked.loss_history = [*locked.loss_history, *entries]
        locked.save(update_fields=["loss_history"])
    run.loss_history = locked.loss_history


def run_finish(
    *,
    run: TrainingRun,
    metrics: dict[str, Any] | None = None,
    artefacts: dict[str, str] | None = None,
) -> TrainingRun:
    return _close(
        run=run,
        status=TrainingRun.Status.SUCCEEDED,
        metrics=_jsonable(metrics or {}),
        artefacts={k: str(v) for k, v in (artefacts or {}).items()},
        error="",
    )


def run_fail(*, run: TrainingRun, error: str, metrics: dict[str, Any] | None = None) -> TrainingRun:
    return _close(
        run=run,
        status=TrainingRun.Status.FAILED,
        metrics=_jsonable(metrics or {}),
        artefacts=None,
        error=error[:5000],
    )


def _close(*, run, status, metrics, artefacts, error) -> TrainingRun:
    fields: dict[str, Any] = {"status": status, "finished_at": timezone.now(), "error": error}
    if metrics:
        fields["metrics"] = metrics
    if artefacts is not None:
        fields["artefacts"] = artefacts
    updated = TrainingRun.objects.filter(pk=run.pk, status=TrainingRun.Status.RUNNING).update(
        **fields
    )
    if updated != 1:
        raise RunAlreadyFinished(f"Training run {run.uid} was already finished.")
    run.refresh_from_db()
    return run


def _jsonable(value: Any) -> Any:
    """Paths and tuples from argparse as plain JSON values."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


__all__ = ["RunAlreadyFinished", "run_fail", "run_finish", "run_record_losses", "run_start"]
