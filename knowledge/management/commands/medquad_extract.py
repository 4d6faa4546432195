"""Regenerate the shipped MedQuAD extract from a checkout of the MedQuAD repository."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from knowledge.corpus_extract import extract_write
from knowledge.sources.medquad import SOURCE

MAX_PROBLEMS_SHOWN = 10


class Command(BaseCommand):
    help = (
        "Parse a MedQuAD checkout (e.g. ../shared/data/medquad) into the compact extract that "
        "make run ingests in the background (operators only; the product never reads DIR)."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path, help="the MedQuAD checkout")
        parser.add_argument(
            "--output",
            type=Path,
            default=None,
            help="where to write it (default: LUMEN_MEDQUAD_EXTRACT, the shipped file)",
        )

    def handle(self, *args, directory: Path, output: Path | None, **options):
        if not directory.is_dir():
            raise CommandError(f"Cannot read {directory}: not a directory.")
        output = output or Path(settings.LUMEN_MEDQUAD_EXTRACT)
        try:
            result = SOURCE.parse_path(directory)
        except OSError as exc:
            raise CommandError(
                f"Cannot read {exc.filename or directory}: {exc.strerror}."
            ) from None
        if not result.documents:
            raise CommandError(f"No MedQuAD documents found under {directory}.")
        commit = directory / "COMMIT.txt"
        revision = commit.read_text().split()[0] if commit.is_file() else "unknown revision"
        header = extract_write(
            result.documents, output, origin=f"https://github.com/abachaa/MedQuAD@{revision}"
        )
        for problem in result.problems[:MAX_PROBLEMS_SHOWN]:
            self.stderr.write(f"  skipped: {problem}")
        if len(result.problems) > MAX_PROBLEMS_SHOWN:
            self.stderr.write(f"  ... and {len(result.problems) - MAX_PROBLEMS_SHOWN} more")
        size = output.stat().st_size
        self.stdout.write(
            f"{output}: {header['documents']} documents, {header['sections']} answers, "
            f"{size / 1_000_000:.1f} MB ({result.skipped} files skipped)."
        )
