"""Training runs in the admin: read-only records of what the commands did, with the loss
history drawn as inline SVG charts (training loss and validation loss)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.contrib import admin
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from lumen.lib.charts import line_chart
from training.models import TrainingRun

# line_chart spaces points by time; a step becomes that many seconds after this origin so the
# x axis is the step number.
_ORIGIN = datetime(2000, 1, 1, tzinfo=UTC)


def _step_label(moment: datetime) -> str:
    return f"step {int((moment - _ORIGIN).total_seconds())}"


def loss_charts(history: list[dict]) -> SafeString:
    """One chart per series present in the history (training loss, validation loss)."""
    charts = []
    for key, title in (("loss", "Training loss"), ("eval_loss", "Validation loss")):
        points = [
            (_ORIGIN + timedelta(seconds=int(entry["step"])), float(entry[key]))
            for entry in history
            if key in entry and entry[key] is not None
        ]
        if not points:
            continue
        top = max(y for _, y in points)
        charts.append(
            line_chart(
                points,
                title=title,
                desc=f"{title} by training step: {points[0][1]:.3f} at step "
                f"{_step_label(points[0][0])[5:]}, {points[-1][1]:.3f} at the last step.",
                y_min=0,
                y_max=round(top * 1.1 + 1e-9, 2) or 1,
                x_label=_step_label,
            )
        )
    if not charts:
        return format_html("<p>{}</p>", "No losses recorded.")
    return format_html_join("", "{}", ((chart,) for chart in charts))


@admin.register(TrainingRun)
class TrainingRunAdmin(admin.ModelAdmin):
    list_display = ("started_at", "kind", "status", "duration", "headline")
    list_filter = ("kind", "status")
    date_hierarchy = "started_at"
    search_fields = ("error",)
    readonly_fields = (
        "uid",
        "kind",
        "status",
        "started_at",
        "finished_at",
        "duration",
        "loss_chart",
        "parameters",
        "metrics",
        "artefacts",
        "loss_history",
        "error",
    )
    fieldsets = (
        (None, {"fields": ("uid", "kind", "status", "started_at", "finished_at", "duration")}),
        ("Loss", {"fields": ("loss_chart",)}),
        ("Details", {"fields": ("parameters", "metrics", "artefacts", "error", "loss_history")}),
    )

    def has_add_permission(self, request) -> bool:
        return False  # rows come from the manage.py commands only

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="duration")
    def duration(self, run: TrainingRun) -> str:
        seconds = run.duration_seconds
        return "—" if seconds is None else f"{seconds:.1f} s"

    @admin.display(description="result")
    def headline(self, run: TrainingRun) -> str:
        metrics = run.metrics or {}
        for key in ("eval_loss_after", "adapter_rouge_l", "examples"):
            if key in metrics:
                return f"{key} = {metrics[key]}"
        return run.error[:80]

    @admin.display(description="loss chart")
    def loss_chart(self, run: TrainingRun) -> SafeString:
        return loss_charts(run.loss_history or [])
