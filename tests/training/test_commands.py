"""The training commands read well for a new operator and fail with one clear line."""

from __future__ import annotations

import pytest
from django.core.management import call_command, load_command_class
from django.core.management.base import CommandError

from training.models import TrainingRun

COMMANDS = ("build_dataset", "train_qlora", "evaluate_model", "export_adapter")


@pytest.mark.parametrize("name", COMMANDS)
def test_help_says_what_the_command_does_and_every_option(name):
    command = load_command_class("training", name)
    text = command.create_parser("manage.py", name).format_help()
    assert command.help.split()[0] in text
    for action in command.create_parser("manage.py", name)._actions:
        if action.option_strings and action.dest not in ("help",):
            assert action.help, f"{name} {action.option_strings} has no help"


@pytest.mark.django_db
def test_training_without_a_dataset_folder_says_so_and_records_the_failure(tmp_path):
    with pytest.raises(CommandError, match=r"Dataset folder not found: .*nowhere"):
        call_command("train_qlora", "--data", str(tmp_path / "nowhere"), "--out", str(tmp_path))
    run = TrainingRun.objects.get(kind="train")
    assert run.status == "failed" and "build_dataset" in run.error and run.finished_at


@pytest.mark.django_db
def test_training_with_a_missing_model_folder_says_so(tmp_path):
    for split in ("train", "validation"):
        (tmp_path / f"{split}.jsonl").write_text("")
    with pytest.raises(CommandError, match=r"Model folder not found .*no-model"):
        call_command("train_qlora", "--model", str(tmp_path / "no-model"), "--data",
                     str(tmp_path), "--out", str(tmp_path / "out"))  # fmt: skip


def test_resume_without_checkpoints_says_so(tmp_path):
    with pytest.raises(CommandError, match="no checkpoints"):
        call_command("train_qlora", "--data", str(tmp_path), "--out", str(tmp_path), "--resume")


def test_import_file_that_does_not_exist_stops_the_build(tmp_path):
    with pytest.raises(CommandError, match="Import file not found"):
        call_command("build_dataset", "--out", str(tmp_path),
                     "--import-jsonl", str(tmp_path / "x.jsonl"))  # fmt: skip


def test_evaluation_needs_something_to_evaluate(tmp_path):
    with pytest.raises(CommandError, match="Nothing to evaluate"):
        call_command("evaluate_model", "--out", str(tmp_path / "m.json"))
    with pytest.raises(CommandError, match="Multiple-choice file not found"):
        call_command("evaluate_model", "--mcq", str(tmp_path / "missing.jsonl"))


def test_merging_needs_a_full_precision_base(tmp_path):
    with pytest.raises(CommandError, match="--merge needs --base"):
        call_command("export_adapter", "--adapter", str(tmp_path), "--out", str(tmp_path),
                     "--merge")  # fmt: skip


@pytest.mark.django_db
def test_exporting_a_folder_without_an_adapter_says_so(tmp_path):
    with pytest.raises(CommandError, match=r"adapter_config\.json missing"):
        call_command("export_adapter", "--adapter", str(tmp_path), "--out", str(tmp_path / "o"))
