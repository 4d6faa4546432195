"""The interaction engine: pair rules, class rules expanded to the drugs given, and the
precedence between them, over the starter rules."""

from __future__ import annotations

import pytest

from knowledge.drug_names import match, resolve, suggest
from knowledge.interactions import check_names, find_interactions
from knowledge.models import Drug, DrugInteraction


@pytest.fixture
def drugs(drug_database, db):
    return {d.name: d for d in Drug.objects.all()}


def pairs(found) -> dict[frozenset[str], str]:
    return {frozenset((f.a.name, f.b.name)): f.severity for f in found}


def test_every_interacting_pair_among_many_drugs_is_returned_most_severe_first(drugs):
    found = find_interactions(
        [drugs[n] for n in ("warfarin", "ibuprofen", "sertraline", "phenelzine", "loratadine")]
    )
    got = pairs(found)
    assert got[frozenset(("warfarin", "ibuprofen"))] == "major"
    assert got[frozenset(("sertraline", "phenelzine"))] == "major"
    assert got[frozenset(("ibuprofen", "sertraline"))] == "moderate"
    assert not any("loratadine" in p for p in got)
    ranks = [{"major": 0, "moderate": 1, "minor": 2}[f.severity] for f in found]
    assert ranks == sorted(ranks)
    assert all(f.rule.mechanism and f.rule.management and f.rule.source for f in found)


@pytest.mark.parametrize(
    ("x", "y", "rule_sides"),
    [
        ("citalopram", "linezolid", {"[ssri]", "[maoi]"}),
        ("escitalopram", "levofloxacin", {"[qt_prolonging]"}),
        ("oxycodone", "diazepam", {"[opioid]", "[benzodiazepine]"}),
    ],
)
def test_class_rules_named_in_the_issue_expand_to_their_members(drugs, x, y, rule_sides):
    [found] = find_interactions([drugs[x], drugs[y]])
    assert found.severity == "major"
    assert found.is_class_rule
    assert {found.rule.side_a, found.rule.side_b} == rule_sides


@pytest.mark.parametrize("statin", ["simvastatin", "lovastatin"])
@pytest.mark.parametrize("inhibitor", ["clarithromycin", "ketoconazole", "itraconazole"])
def test_strong_cyp3a4_inhibitors_with_simvastatin_or_lovastatin_are_major(
    drugs, statin, inhibitor
):
    [found] = find_interactions([drugs[statin], drugs[inhibitor]])
    assert found.severity == "major"


def test_simvastatin_rule_covers_any_strong_cyp3a4_inhibitor_lumen_learns_about(drugs):
    newcomer = Drug.objects.create(name="newconazole", classes=["strong_cyp3a4_inhibitor"])
    [found] = find_interactions([drugs["simvastatin"], newcomer])
    assert found.severity == "major"
    assert found.rule.side_b == "[strong_cyp3a4_inhibitor]"


def test_a_pair_rule_beats_a_more_severe_class_rule(drugs):
    # atorvastatin + clarithromycin: the pair rule (moderate, dose cap) is the precise one.
    DrugInteraction.objects.create(
        class_a="statin", class_b="macrolide", severity="major",
        mechanism="m", management="m", source="test",
    )  # fmt: skip
    [found] = find_interactions([drugs["atorvastatin"], drugs["clarithromycin"]])
    assert found.severity == "moderate"
    assert not found.is_class_rule


def test_the_same_drug_twice_is_not_an_interaction(drugs):
    assert find_interactions([drugs["warfarin"], drugs["warfarin"]]) == []


def test_names_resolve_by_brand_synonym_rxcui_and_misspelling(drugs):
    assert match("Advil").name == "ibuprofen"
    assert match("5640").name == "ibuprofen"
    assert match("ibuprofan", fuzzy=False) is None
    assert match("ibuprofan").name == "ibuprofen"
    assert match("Coumadn", fuzzy=True).name == "warfarin"
    assert match("xyzzy", fuzzy=True) is None
    found, unknown = resolve(["Tylenol", "notadrug"], fuzzy=True)
    assert [d.name for d in found] == ["acetaminophen"]
    assert unknown == ["notadrug"]


def test_check_names_reports_unknown_names_and_deduplicates(drugs):
    result = check_names(["warfarin", "Coumadin", "Advil", "xyzzyq"])
    assert [d.name for d in result.drugs] == ["warfarin", "ibuprofen"]
    assert result.unknown == ["xyzzyq"]
    assert [f.as_dict()["severity"] for f in result.interactions] == ["major"]


def test_suggestions_cover_names_brands_and_synonyms(drugs):
    by_term = {term: drug.name for drug, term in suggest("adv")}
    assert by_term["advil"] == "ibuprofen"
    assert by_term["advagraf"] == "tacrolimus"
    assert "ibuprofen" in {drug.name for drug, _ in suggest("ibu")}
    assert suggest("a") == []


@pytest.mark.parametrize(("x", "y"), [("apixaban", "warfarin"), ("rivaroxaban", "dabigatran")])
def test_two_anticoagulants_together_are_major(drugs, x, y):
    [found] = find_interactions([drugs[x], drugs[y]])
    assert found.severity == "major"


def test_trimethoprim_with_potassium_is_a_moderate_interaction(drugs):
    [found] = find_interactions(
        [drugs["sulfamethoxazole-trimethoprim"], drugs["potassium chloride"]]
    )
    assert found.severity == "moderate"
