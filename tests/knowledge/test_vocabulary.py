"""Lumen's drug vocabulary: minimal records, combination products and NDF-RT rules load from
the shipped files, and the development medicine and interaction sets (tests/sets/*_dev.jsonl,
written without reading the code) are recognised and rated. Figures for docs/benchmarks.md are
printed with -s."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from knowledge.drug_names import match, near_misses
from knowledge.interactions import check_names
from knowledge.models import Drug, DrugInteraction
from knowledge.vocabulary import (
    NDFRT_SOURCE,
    STARTER_DIR,
    combination_entries,
    ndfrt_drug_entries,
    vocabulary_entries,
)

SETS = Path(__file__).resolve().parents[1] / "sets"
RANK = {"major": 0, "moderate": 1, "minor": 2, None: 3}


def _rows(name: str) -> list[dict]:
    return [json.loads(line) for line in (SETS / name).read_text().splitlines() if line.strip()]


def worst(a: str, b: str) -> str | None:
    found = check_names([a, b]).interactions
    return min((f.severity for f in found), key=RANK.__getitem__, default=None)


def test_the_vocabulary_holds_at_least_600_ingredients_each_citing_a_source(drug_database, db):
    single = Drug.objects.exclude(active_ingredients__len__gt=1)
    assert single.count() >= 600
    assert not Drug.objects.filter(references=[]).exists()
    assert all(
        ref["url"].startswith("https://")
        for refs in Drug.objects.values_list("references", flat=True)
        for ref in refs
    )


def test_every_combination_maps_to_known_ingredients(drug_database, db):
    names = set(Drug.objects.values_list("name", flat=True))
    for entry in combination_entries():
        assert len(entry.active_ingredients) >= 2, entry.name
        assert set(entry.active_ingredients) <= names, entry.name
    augmentin = match("Augmentin")
    assert augmentin.active_ingredients == ["amoxicillin", "clavulanate"]
    assert match("co-codamol").active_ingredients == ["acetaminophen", "codeine"]


def test_vocabulary_rows_name_each_drug_once_with_known_class_tags():
    names = [e.name for e in vocabulary_entries()]
    assert len(names) == len(set(names))
    tags = set(json.loads((STARTER_DIR / "classes.json").read_text()))
    for entry in vocabulary_entries() + ndfrt_drug_entries():
        assert set(entry.classes) <= tags, entry.name


def test_ndfrt_rules_carry_their_provenance_and_no_invented_mechanism(drug_database, db):
    rules = DrugInteraction.objects.filter(source__startswith=NDFRT_SOURCE)
    assert rules.count() > 2000
    assert not rules.exclude(mechanism="").exists()
    assert set(rules.values_list("severity", flat=True)) == {"major", "moderate"}


def test_a_lumen_rule_wins_over_ndfrt_for_the_same_pair(drug_database, db):
    # Both sources list warfarin + ibuprofen; the pair keeps Lumen's cited rule.
    [found] = check_names(["warfarin", "ibuprofen"]).interactions
    assert not found.rule.source.startswith(NDFRT_SOURCE)
    assert found.rule.mechanism


def test_at_least_95_percent_of_the_dev_medicine_names_are_recognised(drug_database, db):
    rows = _rows("medicines_dev.jsonl")
    missed = [r["name"] for r in rows if match(r["name"]) is None]
    print(f"\nmedicines_dev: {len(rows) - len(missed)}/{len(rows)} recognised; missed {missed}")
    assert len(missed) <= 0.05 * len(rows), missed


def test_dev_pairs_major_sensitivity_and_no_major_for_harmless_pairs(drug_database, db):
    rows = _rows("interactions_dev.jsonl")
    results = [(r, worst(r["a"], r["b"])) for r in rows]
    majors = [(r, got) for r, got in results if r["gold"] == "major"]
    flagged = [r for r, got in majors if got == "major"]
    harmless = [(r, got) for r, got in results if r["gold"] == "none"]
    false_major = [r["id"] for r, got in harmless if got == "major"]
    any_flag = [r for r, got in results if r["gold"] != "none" and got is not None]
    print(
        f"\ninteractions_dev: major flagged major {len(flagged)}/{len(majors)}; "
        f"any interaction flagged {len(any_flag)}/{sum(r['gold'] != 'none' for r in rows)}; "
        f"harmless flagged major {len(false_major)}/{len(harmless)}; "
        f"harmless flagged at all {sum(g is not None for _, g in harmless)}/{len(harmless)}"
    )
    for r, got in results:
        if got != r["gold"] and not (r["gold"] == "none" and got is None):
            print(f"  {r['id']} {r['a']} + {r['b']}: gold {r['gold']}, got {got}")
    assert len(flagged) >= 0.9 * len(majors)
    assert false_major == []


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("atorvastatin", "simvastatin", "moderate"),
        ("co-codamol", "Calpol", "major"),
        ("simvastatin", "grapefruit juice", "major"),
        ("metronidazole", "alcohol", "major"),
        ("doxycycline", "milk", "moderate"),
        ("warfarin", "spinach", "moderate"),
        ("phenelzine", "aged cheese", "major"),
        ("sertraline", "St John's wort", "major"),
    ],
)
def test_duplicate_therapy_food_and_alcohol_rules_reach_the_checker(
    drug_database, db, a, b, expected
):
    assert worst(a, b) == expected


def test_an_unknown_name_gets_near_misses_but_no_guess(drug_database, db):
    assert match("zzqx") is None
    assert "sertraline" in near_misses("sertrlaine")


def test_hundreds_of_names_are_checked_in_one_call_quickly(drug_database, db):
    import time

    names = list(Drug.objects.order_by("name").values_list("name", flat=True)[:300])
    started = time.monotonic()
    result = check_names([*names, "notadrugatall"])
    elapsed = time.monotonic() - started
    print(f"\n300 names: {len(result.interactions)} interactions in {elapsed:.1f} s")
    assert result.unknown == ["notadrugatall"]
    assert len(result.drugs) == 300
    assert elapsed < 20
