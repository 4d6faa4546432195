"""From dataset to served adapter with a tiny Mistral model on CPU: build_dataset ->
train_qlora (4-bit NF4) -> evaluate_model -> export_adapter -> load with peft -> generate."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.training.conftest import trimmed
from training.models import TrainingRun

TRAIN_ARGS = [
    "--max-steps", "20", "--eval-steps", "10", "--save-steps", "10", "--logging-steps", "5",
    "--batch-size", "4", "--grad-accum", "1", "--lr", "1e-2", "--max-length", "768",
]  # fmt: skip
MEDQA_ITEMS = [
    {"question": "Which drug is an NSAID?", "options": {"A": "Ibuprofen", "B": "Warfarin",
     "C": "Metformin", "D": "Insulin"}, "answer_idx": "A"},
    {"question": "Which organ does hepatitis affect?", "options": {"A": "Kidney", "B": "Liver",
     "C": "Lung", "D": "Heart"}, "answer_idx": "B"},
]  # fmt: skip


@pytest.fixture(scope="module")
def data_dir(built_dataset, tmp_path_factory) -> Path:
    return trimmed(
        built_dataset, tmp_path_factory.mktemp("small"), {"train": 32, "validation": 8, "test": 4}
    )


@pytest.fixture(scope="module")
def trained(data_dir, tiny_model, tmp_path_factory, django_db_blocker) -> Path:
    out = tmp_path_factory.mktemp("run")
    with django_db_blocker.unblock():
        call_command(
            "train_qlora", "--model", str(tiny_model), "--data", str(data_dir), "--out", str(out),
            *TRAIN_ARGS, stdout=StringIO(),
        )  # fmt: skip
    return out


def test_qlora_training_on_cpu_lowers_the_validation_loss_and_records_the_run(trained):
    run = TrainingRun.objects.filter(kind="train").latest("started_at")
    assert run.status == "succeeded"
    metrics = run.metrics
    assert metrics["quantised"] is True, "the real 4-bit path, not the LoRA fallback"
    assert metrics["eval_loss_after"] < metrics["eval_loss_before"] * 0.8
    assert [e["step"] for e in run.loss_history if "loss" in e] == [5, 10, 15, 20]
    assert run.loss_history[0] == {"step": 0, "eval_loss": metrics["eval_loss_before"]}
    assert run.parameters["lora_r"] == 16 and run.parameters["max_steps"] == 20
    assert Path(run.artefacts["adapter"], "adapter_model.safetensors").is_file()
    assert sorted(p.name for p in (trained / "checkpoints").iterdir())[-1] == "checkpoint-20"


def test_evaluation_compares_base_and_adapter_on_the_test_split_and_multiple_choice(
    trained, data_dir, tiny_model, tmp_path
):
    mcq = tmp_path / "medqa.jsonl"
    mcq.write_text("".join(json.dumps(item) + "\n" for item in MEDQA_ITEMS))
    out = tmp_path / "metrics.json"
    call_command(
        "evaluate_model", "--model", str(tiny_model), "--adapter", str(trained / "adapter"),
        "--data", str(data_dir), "--mcq", str(mcq), "--max-new-tokens", "16",
        "--out", str(out), stdout=StringIO(),
    )  # fmt: skip
    results = json.loads(out.read_text())
    for variant in ("base", "adapter"):
        test = results[variant]["test_split"]
        assert test["examples"] == 4 and 0 <= test["rouge_l"] <= 1
        assert test["tokens_per_second"] > 0
        assert test["disclaimer_rate"] is not None or test["patient_answers"] == 0
        assert results[variant]["multiple_choice"]["medqa.jsonl"]["items"] == 2
    assert results["contamination"] == {"medqa.jsonl": 0}
    run = TrainingRun.objects.filter(kind="evaluate").latest("started_at")
    assert run.status == "succeeded" and "adapter_rouge_l" in run.metrics


def test_exported_adapter_loads_with_peft_and_generates_like_the_merged_model(
    trained, tiny_model, tmp_path
):
    import torch
    from peft import PeftModel
    from transformers import AutoModelForCausalLM, AutoTokenizer

    call_command(
        "export_adapter", "--adapter", str(trained / "adapter"), "--out", str(tmp_path),
        "--hub-id", "lumen/tiny-base", "--merge", "--base", str(tiny_model),
        stdout=(listing := StringIO()),
    )  # fmt: skip
    exported = tmp_path / "lumen-medical"
    assert sorted(p.name for p in exported.iterdir()) == [
        "adapter_config.json",
        "adapter_model.safetensors",
    ]
    config = json.loads((exported / "adapter_config.json").read_text())
    assert config["base_model_name_or_path"] == "lumen/tiny-base"
    printed = listing.getvalue()
    assert "LORA_ADAPTERS=lumen-medical=/adapters/lumen-medical" in printed
    assert "#2400" in printed and "--enable-lora --max-lora-rank 64" in printed

    tokenizer = AutoTokenizer.from_pretrained(tiny_model)
    base = AutoModelForCausalLM.from_pretrained(tiny_model)
    model = PeftModel.from_pretrained(base, str(exported)).eval()
    merged = AutoModelForCausalLM.from_pretrained(tmp_path / "merged").eval()
    ids = tokenizer("What is ibuprofen used for?", return_tensors="pt")
    with torch.no_grad():
        assert torch.allclose(model(**ids).logits, merged(**ids).logits, atol=1e-4)
        generated = model.generate(**ids, max_new_tokens=8, do_sample=False)
    assert generated.shape[1] == ids["input_ids"].shape[1] + 8


def test_training_resumes_from_its_latest_checkpoint(trained, data_dir, tiny_model):
    call_command(
        "train_qlora", "--model", str(tiny_model), "--data", str(data_dir), "--out", str(trained),
        "--resume", "--max-steps", "25", *TRAIN_ARGS[2:], "--early-stopping-patience", "0",
        stdout=StringIO(),
    )  # fmt: skip
    run = TrainingRun.objects.filter(kind="train").latest("started_at")
    assert run.status == "succeeded" and run.metrics["steps"] == 25
    assert run.metrics["eval_loss_before"] is None  # resumed: no fresh baseline
    assert min(e["step"] for e in run.loss_history) > 20
