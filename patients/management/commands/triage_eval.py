"""Measure the symptom checker against labelled cases: accuracy and emergencies caught."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from patients.triage import DISPOSITIONS, RuleFileError
from patients.triage.evaluation import CaseFileError, evaluate, read_cases, summarise

_SHORT = {"emergency": "emerg", "urgent": "urgent", "non_urgent": "non_urg", "self_care": "self"}


class Command(BaseCommand):
    help = (
        'Triage each case in FILE.jsonl ({"id", "text", "age"?, "sex"?, "gold"} or the Semigran '
        "vignette format) and print predictions, a confusion matrix, accuracy and emergency "
        "recall."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--json", dest="as_json", action="store_true", help="print one JSON object"
        )

    def handle(self, *args, file: Path, as_json: bool, **options):
        try:
            cases = read_cases(file)
            show = options["verbosity"] >= 1 and not as_json and len(cases) > 50
            predictions = evaluate(
                cases, progress=lambda c: tqdm(c, desc="cases", disable=not show)
            )
        except (CaseFileError, RuleFileError) as exc:
            raise CommandError(str(exc)) from None
        summary = summarise(predictions)
        if as_json:
            self.stdout.write(
                json.dumps(
                    {
                        "accuracy": summary.accuracy,
                        "emergency_recall": summary.emergency_recall,
                        "cases": [
                            {"id": p.case.id, "gold": p.case.gold, "predicted": p.predicted}
                            for p in predictions
                        ],
                    }
                )
            )
            return
        for p in predictions:
            mark = "ok  " if p.correct else "MISS"
            self.stdout.write(f"{mark} {p.case.id:>8}  gold {p.case.gold:<13} -> {p.predicted}")
        self.stdout.write("")
        self.stdout.write("Confusion matrix (rows: gold, columns: predicted)")
        header = f"{'':>14}" + "".join(f"{_SHORT[d]:>9}" for d in DISPOSITIONS)
        self.stdout.write(header)
        for gold in summary.golds:
            row = "".join(f"{summary.confusion[(gold, d)]:>9}" for d in DISPOSITIONS)
            self.stdout.write(f"{gold:>14}{row}")
        self.stdout.write("")
        self.stdout.write(f"cases {len(predictions)}  accuracy {summary.accuracy:.1%}")
        if summary.emergency_recall is None:
            self.stdout.write("emergencies triaged as emergency: no emergencies in this set")
        else:
            self.stdout.write(f"emergencies triaged as emergency: {summary.emergency_recall:.1%}")
