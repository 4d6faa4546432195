"""Training runs (issue 7): one row per dataset build, fine-tuning, evaluation or export.

The commands in `training/management/commands/` write these rows through `training.services`;
staff read them in the admin, with the loss history drawn as a chart.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone


class TrainingRun(models.Model):
    class Kind(models.TextChoices):
        DATASET = "dataset", "Dataset build"
        TRAIN = "train", "Fine-tuning"
        EVALUATE = "evaluate", "Evaluation"
        EXPORT = "export", "Adapter export"

    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    # The command's options as given (paths, hyper-parameters), for reproducing the run.
    parameters = models.JSONField(default=dict, blank=True)
    # [{"step": int, "loss": float} | {"step": int, "eval_loss": float}, ...] in step order.
    loss_history = models.JSONField(default=list, blank=True)
    metrics = models.JSONField(default=dict, blank=True)
    # Name -> path of what the run wrote: {"train": ".../train.jsonl", "adapter": ".../"}.
    artefacts = models.JSONField(default=dict, blank=True)
    started_at = models.DateTimeField(default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="running", finished_at__isnull=True)
                | (~models.Q(status="running") & models.Q(finished_at__isnull=False)),
                name="training_run_finished_when_done",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.started_at:%Y-%m-%d %H:%M} · {self.status}"

    @property
    def duration_seconds(self) -> float | None:
        if self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()
