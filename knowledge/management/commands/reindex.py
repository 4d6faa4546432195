"""Re-chunk and re-embed documents on demand."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from tqdm import tqdm

from knowledge.models import Chunk, Document, Source
from knowledge.services import chunk_headers_refresh, chunks_rebuild, embed_pending


class Command(BaseCommand):
    help = (
        "Refresh each chunk's header (its document's title, subject, other names and "
        "section) and embed chunks that have none or whose header changed; this is how an "
        "existing corpus gains headers. --all re-embeds everything (after changing "
        "the model); --rechunk rebuilds chunks from the stored text first (after changing "
        "the chunker). --source limits either to one source."
    )

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="re-embed every chunk")
        parser.add_argument("--rechunk", action="store_true", help="rebuild chunks first")
        parser.add_argument("--source", help="only documents of this source slug")

    def handle(self, *args, all: bool, rechunk: bool, source, **options):
        documents = Document.objects.all()
        if source:
            # A mistyped slug would otherwise re-embed nothing and report success.
            if not Source.objects.filter(slug=source).exists():
                raise CommandError(f"No source with the slug {source!r}.")
            documents = documents.filter(source__slug=source)
        show = options["verbosity"] >= 1
        if rechunk:
            for document in tqdm(documents.iterator(), total=documents.count(),
                                 desc="chunking", unit="doc", disable=not show):  # fmt: skip
                with transaction.atomic():
                    chunks_rebuild(document)
        elif all:
            Chunk.objects.filter(document__in=documents).update(embedding=None)
        if not rechunk:  # rebuilt chunks already carry fresh headers
            refreshed = chunk_headers_refresh(
                tqdm(documents.iterator(), total=documents.count(), desc="headers",
                     unit="doc", disable=not show)
            )  # fmt: skip
            if refreshed:
                self.stdout.write(f"Refreshed the header of {refreshed} chunks.")
        if all or rechunk:
            documents.update(indexed_at=None)
        pending = Chunk.objects.filter(document__in=documents, embedding__isnull=True).count()
        with tqdm(total=pending, desc="embedding", unit="chunk", disable=not show) as bar:
            done = embed_pending(
                document_ids=documents.values_list("id", flat=True), progress=bar.update
            )
        self.stdout.write(f"Embedded {done} chunks of {documents.count()} documents.")
