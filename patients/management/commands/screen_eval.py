"""Measure the question screen against labelled questions: escalations, refusals, answers."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lumen.safety.evaluation import OUTCOMES, QuestionFileError, evaluate, read_questions


class Command(BaseCommand):
    help = (
        'Screen each question in FILE.jsonl ({"q", "audience"?, "expect": escalate|refuse|answer})'
        " and print the outcomes, a confusion matrix, accuracy and recall per outcome."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--json", dest="as_json", action="store_true", help="print one JSON object"
        )

    def handle(self, *args, file: Path, as_json: bool, **options):
        try:
            figures = evaluate(read_questions(file))
        except QuestionFileError as exc:
            raise CommandError(str(exc)) from None
        if as_json:
            self.stdout.write(json.dumps(figures))
            return
        for case in figures["cases"]:
            mark = "ok  " if case["expect"] == case["predicted"] else "MISS"
            self.stdout.write(
                f"{mark} {case['id']:>8}  expect {case['expect']:<9} -> {case['predicted']}"
            )
        self.stdout.write("")
        self.stdout.write("Confusion matrix (rows: expected, columns: screened)")
        self.stdout.write(f"{'':>10}" + "".join(f"{o:>10}" for o in OUTCOMES))
        for expect in OUTCOMES:
            row = figures["confusion"][expect]
            self.stdout.write(f"{expect:>10}" + "".join(f"{row[o]:>10}" for o in OUTCOMES))
        self.stdout.write("")
        self.stdout.write(f"accuracy {figures['accuracy']:.1%}")
        for key in ("escalate_recall", "refuse_recall", "answered_ok"):
            if figures[key] is not None:
                self.stdout.write(f"{key.replace('_', ' ')} {figures[key]:.1%}")
        self.stdout.write(f"answers blocked {figures['answers_blocked']}")
