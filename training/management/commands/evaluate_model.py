"""manage.py evaluate_model: base model against its LoRA adapter, on the test split and on
multiple-choice sets."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from training.finetune import DEFAULT_MODEL
from training.management.commands.build_dataset import options_for_run
from training.modeling import ModelError
from training.models import TrainingRun
from training.services import run_fail, run_finish, run_start


class Command(BaseCommand):
    help = (
        "Compare a base model with its LoRA adapter: ROUGE-L, disclaimer and citation rates "
        "and tokens/second on the dataset's test split, and accuracy on multiple-choice sets "
        "(MedQA JSONL or PubMedQA JSON) scored by option log-likelihood; writes metrics JSON "
        "and records a training run."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--model",
            default=DEFAULT_MODEL,
            help="Base model: a local folder, a Hugging Face id, a .gguf file or `smollm2` "
            f"({DEFAULT_MODEL}).",
        )
        parser.add_argument(
            "--adapter",
            type=Path,
            help="LoRA adapter folder from train_qlora (without it only the base is scored).",
        )
        parser.add_argument(
            "--data", type=Path, help="Dataset folder from build_dataset (its test.jsonl)."
        )
        parser.add_argument(
            "--mcq",
            action="append",
            default=[],
            type=Path,
            metavar="FILE",
            help="Multiple-choice set: MedQA-style JSONL (question, options, answer_idx) or "
            "PubMedQA JSON. Repeatable.",
        )
        parser.add_argument(
            "--limit", type=int, help="Score at most N items of each set (a quick look)."
        )
        parser.add_argument(
            "--max-new-tokens",
            type=int,
            default=256,
            help="Longest generated answer on the test split (256).",
        )
        parser.add_argument(
            "--4bit",
            dest="four_bit",
            action="store_true",
            help="Load the base in 4-bit NF4 (for GPUs too small for bf16).",
        )
        parser.add_argument(
            "--out",
            type=Path,
            default=Path("metrics.json"),
            help="Where to write the metrics (metrics.json).",
        )

    def handle(self, *args, **options) -> None:
        from tqdm import tqdm

        from training.evaluation import EvaluationDataError, evaluate, headline

        if options["data"] is None and not options["mcq"]:
            raise CommandError("Nothing to evaluate: give --data, --mcq or both.")
        if options["data"] is not None and not options["data"].is_dir():
            raise CommandError(f"Dataset folder not found: {options['data']}")
        for path in options["mcq"]:
            if not path.is_file():
                raise CommandError(f"Multiple-choice file not found: {path}")
        run = run_start(kind=TrainingRun.Kind.EVALUATE, parameters=options_for_run(options))
        try:
            results = evaluate(
                base=options["model"],
                adapter=options["adapter"],
                data=options["data"],
                mcq_files=options["mcq"],
                limit=options["limit"],
                max_new_tokens=options["max_new_tokens"],
                four_bit=options["four_bit"],
                progress_factory=lambda total: tqdm(
                    total=total, desc="Evaluating", unit="item", file=self.stderr, leave=False
                ),
            )
        except (EvaluationDataError, ModelError) as exc:
            run_fail(run=run, error=str(exc))
            raise CommandError(str(exc)) from exc
        except BaseException as exc:
            run_fail(run=run, error=repr(exc))
            raise
        options["out"].parent.mkdir(parents=True, exist_ok=True)
        options["out"].write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
        flat = headline(results)
        run_finish(run=run, metrics=flat, artefacts={"metrics": options["out"]})
        for key, value in flat.items():
            self.stdout.write(f"  {key:<40} {value}")
        for name, count in (results.get("contamination") or {}).items():
            if count:
                self.stdout.write(
                    self.style.WARNING(f"  {name}: {count} questions are also in train.jsonl")
                )
        self.stdout.write(f"Wrote {options['out']} (training run {run.uid}).")
