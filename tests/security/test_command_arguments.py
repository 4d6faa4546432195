"""Every Lumen management command, given bad arguments (unknown options, missing or junk
values, missing files, a folder for a file, undecodable content, unicode): a clean argparse
exit (2) or CommandError (1), never a traceback."""

from __future__ import annotations

import subprocess
import sys

import pytest
from django.core.management import get_commands, load_command_class
from django.db import connections

from tests.conftest import ROOT

LUMEN_APPS = {"knowledge", "patients", "pharma", "training", "lumen.accounts"}
MISSING = "/nonexistent/ünïcødé-😷/file.jsonl"
OK = "may-succeed"  # marks a case whose junk the command reports and skips (exit 0)


def _lumen_commands() -> dict[str, str]:
    return {name: app for name, app in get_commands().items() if app in LUMEN_APPS}


def _bad_arguments(tmp_path) -> dict[str, list[list[str]]]:
    junk = tmp_path / "junk.jsonl"
    junk.write_bytes(b"\xff\xfe\x00not json {[\n\x00\x00")
    out = str(tmp_path / "out")
    return {
        "ask": [[], ["why?", "--audience", "nobody"]],
        "check_interactions": [[]],
        "eval_retrieval": [[], [MISSING], [str(tmp_path)], [str(junk)], ["x", "--k", "many"]],
        "eval_answers": [[], [MISSING], [str(tmp_path)], [str(junk)]],
        "import_ndfrt": [["--source"], ["--source", MISSING], ["--source", str(tmp_path)]],
        "load_starter": [["surplus"]],
        "medquad_extract": [
            [],
            [MISSING],
            [str(junk)],
            [str(tmp_path)],
            [str(tmp_path), "--output"],
        ],
        "reindex": [["--source"], ["--source", "no-such-source-😷"]],
        "scrape": [
            [],
            ["no-such-source"],
            ["openfda-label", "--limit", "lots"],
            ["dailymed", "--from-file", MISSING],
            ["dailymed", "--from-file", str(junk), OK],  # reported as a skipped record
            ["drugbank", "--from-file", str(tmp_path)],
            ["medquad", "--from-file", MISSING],
            ["medquad", "--from-file", str(tmp_path), OK],  # no MedQuAD files: nothing stored
        ],
        "seed_demo": [["surplus"]],
        "create_staff": [
            [],
            ["new@lumen.example"],
            ["not-an-email", "--role", "auditor"],
            ["new@lumen.example", "--role", "janitor-😷"],
            ["new@lumen.example", "--role", "auditor", "surplus"],
        ],
        "pharma_review_reminders": [["--days", "soon"], ["--days", "-5"], ["surplus"]],
        "triage_eval": [[], [MISSING], [str(tmp_path)], [str(junk)]],
        "screen_eval": [[], [MISSING], [str(tmp_path)], [str(junk)]],
        "vapid_keys": [["surplus"]],
        "build_dataset": [[], ["--out", out, "--seed", "x"], ["--out", out, "--qa", MISSING]],
        "train_qlora": [[], ["--data", MISSING, "--out", out], ["--data", str(tmp_path)]],
        "evaluate_model": [
            ["--limit", "x"],
            ["--data", MISSING, "--model", MISSING],
            ["--mcq", str(junk), "--model", MISSING],
        ],
        "export_adapter": [[], ["--adapter", MISSING, "--out", out], ["--dtype", "int3"]],
    }


def _run(name: str, app: str, argv: list[str], capsys) -> tuple[int, str]:
    command = load_command_class(app, name)
    try:
        command.run_from_argv(["manage.py", name, *argv])
    except SystemExit as exit_:
        code = exit_.code
    else:
        code = 0
    return code, capsys.readouterr().err


def test_every_lumen_command_has_bad_arguments_listed(tmp_path):
    assert set(_lumen_commands()) == set(_bad_arguments(tmp_path))


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("name", sorted(_lumen_commands()))
def test_bad_arguments_end_in_a_clean_error_not_a_traceback(
    name, tmp_path, capsys, monkeypatch, settings
):
    # run_from_argv closes every connection when done; the test keeps its own.
    monkeypatch.setattr(connections, "close_all", lambda: None)
    app = _lumen_commands()[name]
    cases = [["--no-such-option"], ["--😷"], *_bad_arguments(tmp_path)[name]]
    for argv in cases:
        may_succeed = OK in argv
        argv = [a for a in argv if a != OK]
        code, err = _run(name, app, argv, capsys)
        assert "Traceback" not in err, (name, argv, err[-2000:])
        assert code in ((0, 1, 2) if may_succeed else (1, 2)), (name, argv, code, err[-500:])
        assert err.strip(), (name, argv, "the command says what was wrong")


def test_a_real_manage_py_process_exits_2_on_an_unknown_option():
    result = subprocess.run(
        [sys.executable, "manage.py", "scrape", "--no-such-option"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "manage.py scrape: error:" in result.stderr
