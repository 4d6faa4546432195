"""Measure retrieval against labelled queries: recall@5, recall@10, MRR."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from knowledge.evaluation import LabelsError, read_labels, run_query, summarise


class Command(BaseCommand):
    help = (
        'Read FILE.jsonl lines {"query": ..., "relevant": [external ids]} (optionally '
        '"filters"), run each through hybrid retrieval, and print recall@5, recall@10 and MRR. '
        "The starter set is knowledge/starter/retrieval_queries.jsonl."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--json", dest="as_json", action="store_true", help="print one JSON object"
        )
        parser.add_argument("--misses", action="store_true", help="list queries missed in top 10")

    def handle(self, *args, file: Path, as_json: bool, misses: bool, **options):
        try:
            labels = read_labels(file)
        except LabelsError as exc:
            raise CommandError(str(exc)) from None
        show = options["verbosity"] >= 1 and not as_json
        outcomes = [run_query(q) for q in tqdm(labels, desc="queries", disable=not show)]
        figures = summarise(outcomes)
        if as_json:
            self.stdout.write(json.dumps(figures))
            return
        self.stdout.write(
            f"queries {figures['queries']}  recall@5 {figures['recall@5']:.3f}  "
            f"recall@10 {figures['recall@10']:.3f}  MRR {figures['mrr']:.3f}"
        )
        if misses:
            for outcome in outcomes:
                if outcome.recall_at(10) < 1:
                    self.stdout.write(f"  miss: {outcome.query!r} -> {outcome.ranked[:5]}")
