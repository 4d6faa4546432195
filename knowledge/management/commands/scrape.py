"""Fetch a public source (or ingest a saved response) into the knowledge base."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from tqdm import tqdm

from knowledge import sources
from knowledge.services import ingest, source_ensure
from knowledge.sources.base import ParseResult
from knowledge.tasks import enqueue_embedding

SUMMARY_KEYS = ("fetched", "new", "updated", "unchanged", "skipped", "failed")
MAX_PROBLEMS_SHOWN = 10
FILE_BATCH = 100  # documents stored (and their embedding queued) at a time from --from-file


class Command(BaseCommand):
    help = (
        "Scrape SOURCE into the knowledge base, politely (rate limits, retries, robots.txt), "
        "keeping raw responses on disk and resuming an interrupted run where it stopped. "
        "--from-file ingests a saved raw response instead, with no network."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", choices=list(sources.MODULES), help="which source")
        parser.add_argument("--query", help="what to search for (a drug, a topic, a term)")
        parser.add_argument("--limit", type=int, help="stop after about this many records")
        parser.add_argument(
            "--from-file", type=Path, metavar="PATH", help="ingest a saved raw response"
        )
        parser.add_argument(
            "--restart", action="store_true", help="ignore a saved checkpoint; start over"
        )

    def handle(self, *args, source: str, query, limit, from_file, restart, **options):
        if limit is not None and limit < 1:
            raise CommandError("--limit must be a positive number.")
        adapter = sources.get(source)
        src = source_ensure(
            slug=adapter.slug, name=adapter.name, url=adapter.url, description=adapter.description
        )
        show_progress = options["verbosity"] >= 1
        totals: Counter = Counter()
        problems: list[str] = []
        if from_file:
            self._from_file(adapter, src, from_file, limit, totals, problems, show_progress)
        else:
            self._fetch(adapter, src, query, limit, restart, totals, problems, show_progress)
        src.refresh_from_db(fields=["last_summary"])  # keep what others record there meanwhile
        src.last_run_at = timezone.now()
        src.last_summary = {**src.last_summary, **{k: totals[k] for k in SUMMARY_KEYS}}
        src.save(update_fields=["last_run_at", "last_summary"])
        self._report(source, totals, problems)

    def _from_file(self, adapter, src, path: Path, limit, totals, problems, show) -> None:
        # Sources with huge downloads (DrugBank's 1.5 GB XML) stream from disk, and sources
        # published as a folder of files (MedQuAD) read it whole: both through `parse_path`.
        parse_path = getattr(adapter, "parse_path", None)
        if not (path.is_file() or (parse_path and path.is_dir())):
            raise CommandError(f"Cannot read {path}: no such file.")
        try:
            result = parse_path(path) if parse_path else adapter.parse(path.read_bytes())
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror or exc}.") from None
        if limit:
            result.documents = result.documents[:limit]
            result.drugs = result.drugs[:limit]
            result.interactions = result.interactions[:limit]
        problems.extend(result.problems)
        # Documents go in batches so the bar moves and each batch's embedding is queued as soon
        # as it is stored; drugs and interaction rules (interactions need the drugs) go first.
        documents, result.documents = result.documents, []
        batches = [result] + [
            ParseResult(documents=documents[i : i + FILE_BATCH])
            for i in range(0, len(documents), FILE_BATCH)
        ]
        with tqdm(desc=adapter.slug, unit="rec", total=result.record_count + len(documents),
                  disable=not show) as bar:  # fmt: skip
            for batch in batches:
                counts, changed = ingest(source=src, result=batch)
                totals.update(counts)
                enqueue_embedding(changed)
                bar.update(batch.record_count)

    def _fetch(self, adapter, src, query, limit, restart, totals, problems, show) -> None:
        from knowledge.sources.checkpoint import Checkpoint
        from knowledge.sources.http import FetchError, PoliteClient

        checkpoint = Checkpoint(adapter.slug, query)  # loads any saved progress
        if restart or checkpoint.complete:
            checkpoint.reset()  # a finished run starts over; an interrupted one resumes
        if checkpoint.cursor:
            self.stdout.write(f"Resuming {adapter.slug} after checkpoint {checkpoint.cursor!r}.")
        bar = tqdm(desc=adapter.slug, unit="rec", total=limit, disable=not show)
        try:
            with PoliteClient() as client:
                pages = adapter.fetch(client, query=query, limit=limit, cursor=checkpoint.cursor)
                for page in pages:
                    result = adapter.parse(page.body)
                    counts, changed = ingest(source=src, result=result)
                    enqueue_embedding(changed)
                    totals.update(counts)
                    problems.extend(result.problems)
                    checkpoint.advance(page.cursor_after, dict(counts))
                    bar.update(result.record_count)
                    if limit and totals["fetched"] >= limit:
                        break
            checkpoint.done()
        except (FetchError, ValueError) as exc:
            self._report(adapter.slug, totals, problems)
            raise CommandError(
                f"{exc}\nProgress is saved: run the same command again to resume."
            ) from None
        except KeyboardInterrupt:
            self._report(adapter.slug, totals, problems)
            self.stderr.write("Interrupted. Progress is saved: run the same command to resume.")
            sys.exit(130)
        finally:
            bar.close()

    def _report(self, slug: str, totals: Counter, problems: list[str]) -> None:
        for problem in problems[:MAX_PROBLEMS_SHOWN]:
            self.stderr.write(f"  skipped: {problem}")
        if len(problems) > MAX_PROBLEMS_SHOWN:
            self.stderr.write(f"  ... and {len(problems) - MAX_PROBLEMS_SHOWN} more")
        summary = ", ".join(f"{key} {totals[key]}" for key in SUMMARY_KEYS)
        self.stdout.write(f"{slug}: {summary}")
