"""Triage and the question screen agree on emergencies: what one engine's own test cases
escalate, the other escalates too, and both know every emergency finding and rule of the
shared knowledge base. The check is the existing cases, so nothing either engine caught
before is lost in the other."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lumen import safety
from lumen.safety.findings import understand
from lumen.safety.knowledge import knowledge_base
from patients.triage import assess_text
from tests.lumen.test_safety import EMERGENCY, ROWS

TRIAGE_CASES = Path(__file__).resolve().parents[1] / "patients" / "triage_cases.jsonl"

# (question, audience, flags, escalate, answerable): the patient emergencies presented as a
# statement (a question about one, "can X cause chest pain?", is the screen's business alone).
SCREEN_EMERGENCIES = [
    pytest.param(row.values[0], id=row.id)
    for row in ROWS
    if row.values[1] == "patient" and row.values[2] == EMERGENCY and "?" not in row.values[0]
]
TRIAGE_EMERGENCIES = [
    pytest.param(case["text"], case.get("age"), id=case["id"])
    for case in map(json.loads, TRIAGE_CASES.read_text().splitlines())
    if case["gold"] == "emergency"
]
assert len(SCREEN_EMERGENCIES) >= 20 and len(TRIAGE_EMERGENCIES) >= 8  # never an empty check

RULE_EXEMPLARS = [
    pytest.param(rule.id, exemplar, id=f"{rule.id}: {exemplar}")
    for rule in knowledge_base().rules
    if rule.level == "emergency"
    for exemplar in rule.exemplars
]


@pytest.mark.parametrize("text", SCREEN_EMERGENCIES)
def test_what_the_screen_escalates_triage_calls_an_emergency(text):
    assert assess_text(text).disposition == "emergency"


@pytest.mark.parametrize(("text", "age"), TRIAGE_EMERGENCIES)
def test_what_triage_calls_an_emergency_the_screen_escalates(text, age):
    assert safety.screen(text).escalate


@pytest.mark.parametrize(("rule_id", "exemplar"), RULE_EXEMPLARS)
def test_every_emergency_rule_escalates_in_both(rule_id, exemplar):
    assert safety.screen(exemplar).escalate
    assert assess_text(exemplar).disposition == "emergency"


ALL_SCREEN_EMERGENCIES = [
    pytest.param(row.values[0], id=row.id)
    for row in ROWS
    if row.values[1] == "patient" and row.values[2] == EMERGENCY
]


@pytest.mark.parametrize("text", ALL_SCREEN_EMERGENCIES)
def test_the_knowledge_base_alone_knows_every_emergency_of_the_screen_table(text):
    # The screen once had its own regex emergency rules beside the knowledge base; this keeps
    # their test table recognised by the knowledge base's lexicon alone (no semantic match).
    assert understand(text, semantic_match=False).level == "emergency"
