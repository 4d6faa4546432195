"""manage.py build_dataset: instruction examples from the knowledge base, split for training."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from training.dataset import NEAR_DUPLICATE_THRESHOLD, ImportFileError, build
from training.models import TrainingRun
from training.services import run_fail, run_finish, run_start


class Command(BaseCommand):
    help = (
        "Build the fine-tuning dataset from the knowledge base in the database (health topics, "
        "drug labels and drug database, interaction rules, guidance, triage red flags) plus any "
        "imported JSONL sets; writes train/validation/test.jsonl and statistics.json to --out."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", required=True, type=Path, help="Folder to write into.")
        parser.add_argument(
            "--import-jsonl",
            action="append",
            default=[],
            type=Path,
            metavar="FILE",
            help="A local JSONL set to add: MedQA-style multiple choice (question, options, "
            "answer_idx), instruction/input/output, or question/answer. Repeatable.",
        )
        parser.add_argument(
            "--import-category",
            action="append",
            default=[],
            metavar="NAME",
            help="Category name of each --import-jsonl file, in the same order "
            "(default: the file name).",
        )
        parser.add_argument(
            "--seed", type=int, default=13, help="Seed for the split and shuffles (13)."
        )
        parser.add_argument(
            "--near-duplicate-threshold",
            type=float,
            default=NEAR_DUPLICATE_THRESHOLD,
            help=f"Word-shingle Jaccard similarity at which two examples count as near "
            f"duplicates ({NEAR_DUPLICATE_THRESHOLD}).",
        )

    def handle(self, *args, **options) -> None:
        from tqdm import tqdm

        files, names = options["import_jsonl"], options["import_category"]
        if len(names) > len(files):
            raise CommandError("More --import-category names than --import-jsonl files.")
        imports = []
        for index, path in enumerate(files):
            if not path.is_file():
                raise CommandError(f"Import file not found: {path}")
            imports.append((path, names[index] if index < len(names) else path.stem))
        if not 0 < options["near_duplicate_threshold"] <= 1:
            raise CommandError("--near-duplicate-threshold must be in (0, 1].")
        run = run_start(kind=TrainingRun.Kind.DATASET, parameters=options_for_run(options))
        bar = tqdm(desc="Collecting examples", unit="ex", file=self.stderr, leave=False)
        try:
            result = build(
                out=options["out"],
                seed=options["seed"],
                imports=imports,
                near_threshold=options["near_duplicate_threshold"],
                progress=bar.update,
            )
        except ImportFileError as exc:
            run_fail(run=run, error=str(exc))
            raise CommandError(str(exc)) from exc
        except Exception as exc:
            run_fail(run=run, error=repr(exc))
            raise
        finally:
            bar.close()
        stats = result.statistics
        run_finish(
            run=run,
            metrics={
                "examples": stats["examples"],
                "splits": result.counts,
                "by_category": stats["by_category"],
                "duplicates_removed": stats["duplicates_removed"],
            },
            artefacts=result.files,
        )
        removed = stats["duplicates_removed"]
        self.stdout.write(
            f"{stats['examples']} examples ({removed['exact']} exact and {removed['near']} near "
            f"duplicates removed): "
            + ", ".join(f"{split} {n}" for split, n in result.counts.items())
        )
        for category, count in stats["by_category"].items():
            self.stdout.write(f"  {category:<20} {count}")
        for name, note in stats["notes"].items():
            if note.startswith("skipped"):
                self.stdout.write(f"  ({name} {note})")
        self.stdout.write(f"Wrote {options['out']} (training run {run.uid}).")


def options_for_run(options: dict) -> dict:
    """The command's own options, without Django's verbosity and colour flags."""
    common = {"verbosity", "settings", "pythonpath", "traceback", "no_color", "force_color",
              "skip_checks"}  # fmt: skip
    return {k: v for k, v in options.items() if k not in common}
