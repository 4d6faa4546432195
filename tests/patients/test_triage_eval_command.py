"""manage.py triage_eval: per-case predictions, confusion matrix, accuracy and emergency recall
as text or one JSON object; bad input is a clear error. The Semigran vignettes and Lumen's own
lay-language cases run here with floors."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.conftest import ROOT

OWN_CASES = ROOT / "tests" / "patients" / "triage_cases.jsonl"


def _run(*args) -> str:
    out = StringIO()
    call_command("triage_eval", *map(str, args), stdout=out)
    return out.getvalue()


def _write(tmp_path, *lines: str):
    path = tmp_path / "cases.jsonl"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_text_output_lists_cases_a_confusion_matrix_and_the_figures(tmp_path):
    path = _write(
        tmp_path,
        '{"id": "a", "text": "crushing chest pain and sweating", "age": 60, "gold": "emergency"}',
        '{"id": "b", "text": "runny nose and sneezing for 2 days", "gold": "self_care"}',
        '{"id": "c", "text": "burning when I pee", "sex": "female", "gold": "non_emergency"}',
    )
    output = _run(path)
    assert "ok          a  gold emergency     -> emergency" in output
    assert "Confusion matrix (rows: gold, columns: predicted)" in output
    assert "accuracy 100.0%" in output
    assert "emergencies triaged as emergency: 100.0%" in output


def test_json_output_is_exactly_one_object(tmp_path):
    path = _write(
        tmp_path,
        '{"id": "a", "text": "crushing chest pain and sweating", "gold": "emergency"}',
        '{"id": "b", "text": "runny nose and sneezing for 2 days", "gold": "urgent"}',
    )
    data = json.loads(_run(path, "--json"))
    assert data == {
        "accuracy": 0.5,
        "emergency_recall": 1.0,
        "cases": [
            {"id": "a", "gold": "emergency", "predicted": "emergency"},
            {"id": "b", "gold": "urgent", "predicted": "self_care"},
        ],
    }


def test_the_semigran_format_is_read_with_line_numbers_as_ids(tmp_path):
    path = _write(
        tmp_path,
        '{"urgency_level": "sc", "correct_diagnosis": "x", "case_description": '
        '"A 30-year-old man with a runny nose and sneezing for 2 days."}',
    )
    data = json.loads(_run(path, "--json"))
    assert data["cases"] == [{"id": "1", "gold": "self_care", "predicted": "self_care"}]
    assert data["emergency_recall"] is None


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (["not json"], "line 1: not valid JSON"),
        (['{"text": "cough"}'], "line 1: 'gold' must be one of"),
        (['{"text": "", "gold": "urgent"}'], "needs a non-empty 'text'"),
        (['{"text": "cough", "gold": "urgent"}', "[1, 2]"], "line 2: expected a JSON object"),
        (['{"urgency_level": "xx", "case_description": "cough"}'], "urgency_level must be"),
        (['{"text": "cough", "gold": "urgent", "age": "old"}'], "'age' must be a number"),
        ([""], "has no cases"),
    ],
)
def test_bad_lines_are_a_clear_command_error(tmp_path, lines, message):
    with pytest.raises(CommandError, match=message):
        _run(_write(tmp_path, *lines))


def test_a_missing_file_is_a_clear_command_error(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        _run(tmp_path / "missing.jsonl")


def test_semigran_vignettes_meet_the_recorded_floors(shared_data):
    data = json.loads(_run(shared_data / "triage" / "semigran_45_vignettes.jsonl", "--json"))
    assert len(data["cases"]) == 45
    # Recorded in docs/benchmarks.md: 91.1% overall, 15/15 emergencies. Issue 14's floor is
    # 90% and 15/15; the 'see a GP when symptoms last three weeks or get worse' rules moved
    # two self-care vignettes to non-urgent (measurement only: never tuned on this set).
    assert data["emergency_recall"] >= 1.0
    assert data["accuracy"] >= 0.90


def test_lumens_own_lay_language_cases_meet_their_floors():
    data = json.loads(_run(OWN_CASES, "--json"))
    assert len(data["cases"]) >= 30
    assert data["emergency_recall"] >= 1.0
    assert data["accuracy"] >= 0.96
