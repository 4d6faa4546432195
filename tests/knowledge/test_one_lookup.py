"""One lookup everywhere: the checker, the profile, triage's OTC options, the drug search
pages, the autocomplete and the answers' drug recognition resolve the same names (brands,
UK names, salts, combinations, misspellings) to the same drug."""

from __future__ import annotations

import pytest

from knowledge.drug_lookup import search_drugs
from knowledge.drug_names import match, mentioned_drugs, resolve, suggest
from knowledge.interactions import check_names

NAMES = [
    ("Lipitor", "atorvastatin"),
    ("atorvastatin calcium", "atorvastatin"),
    ("Istin", "amlodipine"),
    ("co-codamol", "acetaminophen-codeine"),
    ("Augmentin", "amoxicillin-clavulanate"),
    ("Vimovo", "naproxen-esomeprazole"),
    ("Calpol", "acetaminophen"),
    ("GTN spray", "nitroglycerin"),
    ("semaglutide", "semaglutide"),
    ("Wegovy", "semaglutide"),
    ("cefalexin", "cephalexin"),
    ("sodium valproate", "valproate"),
    ("St John's wort", "st john's wort"),
    ("grapefruit juice", "grapefruit juice"),
    ("metfromin", "metformin"),
    ("sertralin", "sertraline"),
]
MISSPELT = {"metfromin", "sertralin"}


@pytest.mark.parametrize(("name", "expected"), NAMES)
def test_every_entry_point_resolves_the_name_to_the_same_drug(drug_database, db, name, expected):
    assert match(name).name == expected  # profile and checker page
    [drug], unknown = resolve([name])  # triage OTC options, answers' profile medicines
    assert (drug.name, unknown) == (expected, [])
    assert [d.name for d in check_names([name]).drugs] == [expected]  # check_interactions
    assert expected in [d.name for d, _ in suggest(name)]  # drug search and autocomplete
    if name not in MISSPELT:  # free text is matched exactly, never guessed
        assert expected in [d.name for d in search_drugs(name)[:30]]  # pharma drug search
        assert [d.name for d in mentioned_drugs(f"Can I take {name} with food?")] == [expected]


def test_an_unknown_name_is_unknown_everywhere(drug_database, db):
    assert match("Zorblaxin") is None
    assert resolve(["Zorblaxin"]) == ([], ["Zorblaxin"])
    assert check_names(["Zorblaxin"]).unknown == ["Zorblaxin"]
    assert suggest("Zorblaxin") == []
    assert not search_drugs("Zorblaxin").exists()
