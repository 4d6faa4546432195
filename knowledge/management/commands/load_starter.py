"""Load Lumen's starter corpus: drugs, interactions, health topics, guidance summaries."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand
from tqdm import tqdm

from knowledge import starter
from knowledge.ingestion import corpus_enqueue
from knowledge.services import embed_pending


class Command(BaseCommand):
    help = (
        "Load (or refresh) the starter corpus shipped in knowledge/starter/ and embed it. "
        "Idempotent: unchanged records are left alone, so running it again is cheap. Then "
        "queues the MedQuAD corpus for the task worker (LUMEN_CORPUS_AUTOLOAD) and returns."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-embed",
            action="store_true",
            help="Store records and chunks only; the task worker (or `reindex`) embeds later.",
        )

    def handle(self, *args, no_embed: bool, **options):
        with tqdm(total=starter.record_total(), desc="starter corpus", unit="rec",
                  disable=options["verbosity"] < 1) as bar:  # fmt: skip
            counts = starter.load(progress=bar.update)
        embedded = 0 if no_embed else embed_pending()
        summary = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in sorted(counts.items()))
        self.stdout.write(f"Starter corpus: {summary}; chunks embedded {embedded}.")
        if settings.LUMEN_CORPUS_AUTOLOAD:
            self._queue_corpus()

    def _queue_corpus(self) -> None:
        try:
            outcome = corpus_enqueue()
        except (OSError, ValueError) as exc:  # a missing extract must not stop `make run`
            self.stderr.write(f"MedQuAD corpus not queued: {exc}")
            return
        self.stdout.write(
            {
                "done": "MedQuAD corpus: already ingested.",
                "busy": "MedQuAD corpus: background ingestion is running.",
                "queued": "MedQuAD corpus: queued; the task worker ingests it in the background "
                "(progress: /healthz, admin > Sources > medquad).",
            }[outcome]
        )
