"""Measure answers against labelled questions: on-topic citations, key facts, abstention."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from knowledge.answer_evaluation import AnswerSetError, read_cases, run_case, summarise
from knowledge.answers import answer


class Command(BaseCommand):
    help = (
        'Read FILE.jsonl lines {"q", "audience", "entity", "must_mention": [...], "expect": '
        "answer|abstain|escalate}, answer each through the full pipeline, and print the "
        "on-topic rate, key-fact recall, abstention accuracy and warm latency p50/p95."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--json", dest="as_json", action="store_true", help="print one JSON object"
        )
        parser.add_argument("--misses", action="store_true", help="list questions that missed")

    def handle(self, *args, file: Path, as_json: bool, misses: bool, **options):
        try:
            cases = read_cases(file)
        except AnswerSetError as exc:
            raise CommandError(str(exc)) from None
        answer(cases[0].question, audience=cases[0].audience)  # warm: model and caches loaded
        show = options["verbosity"] >= 1 and not as_json
        outcomes = [run_case(c) for c in tqdm(cases, desc="questions", disable=not show)]
        figures = summarise(outcomes)
        if as_json:
            self.stdout.write(json.dumps(figures))
            return
        for key, value in figures.items():
            self.stdout.write(f"{key}: {value}")
        if misses:
            for o in outcomes:
                if o.behaved != o.case.expect or (o.on_topic and not all(o.on_topic)):
                    titles = [c.title for c in o.result.citations][:3]
                    self.stdout.write(
                        f"  {o.case.expect}->{o.behaved} {o.case.question!r} "
                        f"[{o.case.entity}] {o.result.subjects} {titles}"
                    )
