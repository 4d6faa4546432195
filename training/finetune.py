"""QLoRA fine-tuning with trl's SFTTrainer on a dataset written by `build_dataset`.

Rows become prompt/completion pairs through `lumen.generation.prompt.training_pair`, the
template serving uses, and the loss falls on the completion (the answer) only. On CPU, bf16
and gradient checkpointing are off (2.3x and 1.3x slower there, docs/ML_NOTES); on CUDA both
are on. Losses are appended to the TrainingRun as they are logged.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from training.dataset import read_split, row_prompt
from training.gguf_base import resolve_base
from training.modeling import check_model, load_model, load_tokenizer, pick_device

DEFAULT_MODEL = "BioMistral/BioMistral-7B"
DEFAULT_TARGET_MODULES = "q_proj,k_proj,v_proj,o_proj,gate_proj,up_proj,down_proj"


class DataError(ValueError):
    """The dataset folder is missing or unusable; the message is for the operator."""


@dataclass
class TrainOptions:
    model: str = DEFAULT_MODEL
    data: Path = Path("data")
    out: Path = Path("out")
    lora_r: int = 16
    lora_alpha: int = 32
    lora_dropout: float = 0.05
    target_modules: list[str] = field(default_factory=lambda: DEFAULT_TARGET_MODULES.split(","))
    epochs: float = 3.0
    lr: float = 2e-4
    batch_size: int = 4
    grad_accum: int = 4
    max_length: int = 2048
    max_steps: int = -1
    save_steps: int = 100
    eval_steps: int = 100
    logging_steps: int = 10
    resume: str | bool = False
    early_stopping_patience: int = 3
    report_to: str = "none"
    four_bit: bool = True
    seed: int = 13


@dataclass
class TrainResult:
    adapter: Path
    checkpoints: Path
    eval_loss_before: float | None
    eval_loss_after: float
    train_examples: int
    validation_examples: int
    skipped_too_long: int
    quantised: bool
    steps: int
    seconds: float
    device: str

    def metrics(self) -> dict[str, Any]:
        data = asdict(self)
        return {k: v for k, v in data.items() if k not in ("adapter", "checkpoints")}


def check_data(directory: Path) -> None:
    if not directory.is_dir():
        raise DataError(f"Dataset folder not found: {directory} (run manage.py build_dataset).")
    for split in ("train", "validation"):
        if not (directory / f"{split}.jsonl").is_file():
            raise DataError(f"{directory} has no {split}.jsonl (run manage.py build_dataset).")


def prompt_completion_rows(rows: list[dict], tokenizer=None) -> list[dict[str, str]]:
    """Dataset rows as SFT prompt/completion pairs in the serving template (the model's chat
    template where serving applies it, see `lumen.generation.prompt.model_text`)."""
    from lumen.generation.prompt import training_pair

    return [training_pair(row_prompt(row), row["output"], tokenizer) for row in rows]


def _fitting(pairs: list[dict[str, str]], tokenizer, max_length: int) -> tuple[list[dict], int]:
    """Drop pairs longer than max_length: truncating would cut the answer, the only part
    that carries loss."""
    kept = [
        p for p in pairs if len(tokenizer(p["prompt"] + p["completion"])["input_ids"]) <= max_length
    ]
    return kept, len(pairs) - len(kept)


def train(options: TrainOptions, *, on_losses=None) -> TrainResult:
    """Fine-tune and save the adapter under `options.out / "adapter"`.

    `on_losses(entries)` receives [{"step", "loss"} | {"step", "eval_loss"}] as they come."""
    check_data(options.data)
    base = resolve_base(options.model)  # a GGUF file becomes its de-quantised folder
    check_model(base)
    import torch
    from datasets import Dataset
    from peft import LoraConfig, get_peft_model, prepare_model_for_kbit_training
    from transformers import EarlyStoppingCallback, TrainerCallback
    from trl import SFTConfig, SFTTrainer

    if options.early_stopping_patience and options.save_steps % options.eval_steps:
        raise DataError(
            "--save-steps must be a multiple of --eval-steps when early stopping is on "
            "(the best checkpoint is kept by validation loss)."
        )
    device = pick_device()
    torch.manual_seed(options.seed)
    tokenizer = load_tokenizer(base)
    train_pairs, skipped_train = _fitting(
        prompt_completion_rows(read_split(options.data, "train"), tokenizer),
        tokenizer,
        options.max_length,
    )
    eval_pairs, skipped_eval = _fitting(
        prompt_completion_rows(read_split(options.data, "validation"), tokenizer),
        tokenizer,
        options.max_length,
    )
    if not train_pairs or not eval_pairs:
        raise DataError(
            f"No training or validation examples fit in --max-length {options.max_length} "
            f"tokens in {options.data}."
        )
    model, quantised = load_model(base, device=device, four_bit=options.four_bit)
    checkpointing = device.is_cuda  # off on CPU: slower there and nothing to save
    if quantised:
        model = prepare_model_for_kbit_training(model, use_gradient_checkpointing=checkpointing)
    lora = LoraConfig(
        r=options.lora_r,
        lora_alpha=options.lora_alpha,
        lora_dropout=options.lora_dropout,
        target_modules=list(options.target_modules),
        bias="none",
        task_type="CAUSAL_LM",
    )
    model = get_peft_model(model, lora)

    checkpoints = options.out / "checkpoints"
    config = SFTConfig(
        output_dir=str(checkpoints),
        num_train_epochs=options.epochs,
        max_steps=options.max_steps,
        learning_rate=options.lr,
        per_device_train_batch_size=options.batch_size,
        per_device_eval_batch_size=options.batch_size,
        gradient_accumulation_steps=options.grad_accum,
        max_length=options.max_length,
        completion_only_loss=True,
        eval_strategy="steps",
        eval_steps=options.eval_steps,
        save_strategy="steps",
        save_steps=options.save_steps,
        save_total_limit=3,
        logging_steps=options.logging_steps,
        load_best_model_at_end=bool(options.early_stopping_patience),
        metric_for_best_model="eval_loss",
        greater_is_better=False,
        bf16=device.is_cuda and device.dtype == torch.bfloat16,
        activation_checkpointing=checkpointing,
        report_to=[] if options.report_to == "none" else [options.report_to],
        seed=options.seed,
        use_cpu=not device.is_cuda,
        dataloader_pin_memory=device.is_cuda,
        warmup_steps=0,
        lr_scheduler_type="cosine",
        optim="adamw_torch",
    )

    class _Losses(TrainerCallback):
        def on_log(self, args, state, control, logs=None, **kwargs):
            entries = [
                {"step": state.global_step, key: float(logs[key])}
                for key in ("loss", "eval_loss")
                if logs and key in logs
            ]
            if entries and on_losses:
                on_losses(entries)

    callbacks: list = [_Losses()]
    if options.early_stopping_patience:
        callbacks.append(EarlyStoppingCallback(options.early_stopping_patience))
    trainer = SFTTrainer(
        model=model,
        args=config,
        train_dataset=Dataset.from_list(train_pairs),
        eval_dataset=Dataset.from_list(eval_pairs),
        processing_class=tokenizer,
        callbacks=callbacks,
    )
    started = time.perf_counter()
    before = None
    if not options.resume:  # the callback records it as step 0
        before = float(trainer.evaluate()["eval_loss"])
    resume = options.resume
    if isinstance(resume, str):
        resume = str(Path(resume))
    trainer.train(resume_from_checkpoint=resume or None)
    after = float(trainer.evaluate()["eval_loss"])
    adapter = options.out / "adapter"
    trainer.model.save_pretrained(adapter)
    tokenizer.save_pretrained(adapter)
    result = TrainResult(
        adapter=adapter,
        checkpoints=checkpoints,
        eval_loss_before=before,
        eval_loss_after=after,
        train_examples=len(train_pairs),
        validation_examples=len(eval_pairs),
        skipped_too_long=skipped_train + skipped_eval,
        quantised=quantised,
        steps=trainer.state.global_step,
        seconds=round(time.perf_counter() - started, 2),
        device=device.name,
    )
    (options.out / "training_summary.json").write_text(
        json.dumps({"base_model": options.model, **result.metrics()}, indent=2) + "\n"
    )
    return result
