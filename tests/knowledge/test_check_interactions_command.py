"""`manage.py check_interactions`: the same engine as the patient page, readable or JSON."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command


def run(*args: str) -> str:
    out = StringIO()
    call_command("check_interactions", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_the_table_lists_every_pair_with_severity_mechanism_management_and_source(
    drug_database, db
):
    text = run("warfarin", "Advil", "sertraline")
    assert "Checked: warfarin, ibuprofen, sertraline" in text
    assert "MAJOR" in text and "warfarin + ibuprofen" in text
    assert "MODERATE" in text
    for label in ("Why:", "What to do:", "Source:"):
        assert label in text
    assert "https://dailymed.nlm.nih.gov" in text


def test_json_prints_exactly_unknown_and_interactions(drug_database, db):
    payload = json.loads(run("Coumadin", "ibuprofin", "5640", "notadrug", "--json"))
    assert set(payload) == {"unknown", "interactions"}
    assert payload["unknown"] == ["notadrug"]
    [pair] = payload["interactions"]
    assert {"a", "b", "severity", "mechanism", "management", "source"} <= set(pair)
    assert {pair["a"], pair["b"]} == {"warfarin", "ibuprofen"}
    assert pair["severity"] == "major"


def test_unknown_names_are_listed(drug_database, db):
    text = run("warfarin", "aspirin", "unobtainium")
    assert "Not recognised: unobtainium" in text


def test_no_interactions_says_so_without_claiming_safety(drug_database, db):
    assert "does not prove" in run("loratadine", "acetaminophen")


@pytest.mark.parametrize("args", [("warfarin",), ("warfarin", "Coumadin"), ("nothing", "nada")])
def test_fewer_than_two_known_drugs_is_a_clear_error(drug_database, db, args):
    with pytest.raises(CommandError, match="at least two recognised drugs"):
        run(*args)


def test_json_with_fewer_than_two_drugs_still_prints_the_shape(drug_database, db):
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("check_interactions", "warfarin", "zzz", "--json", stdout=out)
    assert json.loads(out.getvalue()) == {"unknown": ["zzz"], "interactions": []}
