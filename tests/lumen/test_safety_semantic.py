"""Semantic matching against the knowledge base's exemplars: a finding told in words the
lexicon doesn't know is recognised; a loose match to an emergency is a "maybe" that counts in
one-shot text (with the reason shown) and is asked about in the guided path; a clause closer
to an ordinary finding, or negated, is not matched."""

from __future__ import annotations

import pytest

from lumen.safety import semantic
from lumen.safety.findings import answered, understand
from lumen.safety.knowledge import knowledge_base
from patients.triage import assess_text

# Worded unlike any lexicon pattern and any exemplar.
LOOSE = "my throat feels like its shutting after the prawns"


def test_the_model_is_installed_so_matching_is_not_silently_off():
    assert semantic.available()


def test_a_finding_the_lexicon_misses_is_recognised_by_its_meaning():
    assert "airway_swelling" not in understand(LOOSE, semantic_match=False).present
    found = {f.id: f for f in understand(LOOSE).findings}
    assert found["airway_swelling"].how == "semantic"
    assert found["airway_swelling"].score >= semantic.MAYBE
    assert found["airway_swelling"].like in knowledge_base().findings["airway_swelling"].exemplars


def test_a_loose_emergency_match_takes_the_higher_level_in_one_shot_text_and_says_why():
    understood = understand(LOOSE)
    assert understood.unsure
    assert [f.id for f in understood.to_ask] == ["airway_swelling"]
    result = assess_text(LOOSE)
    assert result.disposition == "emergency"
    assert result.unsure
    assert "wasn't sure" in result.reasons[0]
    assert any(line.startswith("Maybe swelling") for line in result.understood)


def test_an_exemplar_itself_is_a_sure_match():
    exemplar = knowledge_base().findings["thunderclap"].exemplars[-1]
    found = {f.id: f for f in understand(exemplar).findings}
    assert found["thunderclap"].confidence == "high"


def test_a_clause_closer_to_a_benign_presentation_is_not_an_emergency():
    understood = understand("lifted a box yesterday and my lower back is sore but I can walk about")
    assert not {"cauda_equina", "one_sided_weakness"} & understood.present
    assert understood.level != "emergency"


def test_a_negated_clause_is_left_to_the_lexicon():
    understood = understand("my throat doesn't feel like it is shutting")
    assert "airway_swelling" not in understood.present


def test_confirming_a_maybe_makes_it_certain_and_denying_it_drops_it():
    understood = understand(LOOSE)
    confirmed = answered(understood, confirmed={"airway_swelling"}, denied=set())
    assert not confirmed.unsure
    assert confirmed.level == "emergency"
    denied = answered(understood, confirmed=set(), denied={"airway_swelling"})
    assert "airway_swelling" not in denied.present
    assert denied.level != "emergency"


@pytest.mark.parametrize(
    ("rule_id", "exemplar"),
    [
        pytest.param(rule.id, exemplar, id=f"{rule.id}: {exemplar}")
        for rule in knowledge_base().rules
        for exemplar in rule.exemplars
    ],
)
def test_every_rule_exemplar_fires_its_rule_from_the_lexicon_alone(rule_id, exemplar):
    understood = understand(exemplar, semantic_match=False)
    assert rule_id in {r.id for r in understood.fired}


def test_multi_finding_emergency_rules_have_exemplars():
    rules = [r for r in knowledge_base().rules if r.level == "emergency" and len(r.all | r.any) > 1]
    missing = [r.id for r in rules if not r.exemplars]
    # Rules over several findings are where a lay description most easily falls through.
    assert len(missing) <= len(rules) // 2, missing
