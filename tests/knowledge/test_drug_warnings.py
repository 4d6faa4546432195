"""Warnings for one patient's drugs: allergy cross-reactivity, interactions with their own
medicines, conditions (tolerant wording), pregnancy and age, over the starter data."""

from __future__ import annotations

import json

import pytest

from knowledge.context import PatientContext
from knowledge.drug_warnings import RULES_FILE, Warning, condition_keys, warnings_for
from knowledge.models import Drug


@pytest.fixture
def drugs(drug_database, db):
    return {d.name: d for d in Drug.objects.all()}


def kinds(drugs, name: str, context: PatientContext) -> list[tuple[str, str]]:
    drug = drugs[name]
    return [(w.kind, w.severity) for w in warnings_for([drug], context)[drug.id]]


def test_every_drug_is_a_key_and_no_profile_means_no_warnings(drugs):
    result = warnings_for([drugs["ibuprofen"], drugs["loratadine"]], PatientContext())
    assert result == {drugs["ibuprofen"].id: [], drugs["loratadine"].id: []}


@pytest.mark.parametrize(
    ("allergy", "drug", "severity"),
    [
        ("penicillin", "amoxicillin", "major"),
        ("Penicillins (rash)", "amoxicillin", "major"),
        ("PCN", "amoxicillin", "major"),
        ("NSAIDs", "ibuprofen", "major"),
        ("NSAIDs", "naproxen", "major"),
        ("aspirin", "ibuprofen", "major"),
        ("Aspirin-exacerbated respiratory disease", "naproxen", "major"),
        ("NSAIDs", "celecoxib", "moderate"),
        ("sulfa drugs", "sulfamethoxazole-trimethoprim", "major"),
        ("Bactrim", "sulfamethoxazole-trimethoprim", "major"),
    ],
)
def test_an_allergy_warns_about_drugs_that_cross_react(drugs, allergy, drug, severity):
    assert ("allergy", severity) in kinds(drugs, drug, PatientContext(allergies=(allergy,)))


def test_penicillin_allergy_is_a_caution_for_cephalosporins(drug_database, db):
    cephalexin = Drug.objects.get(name="cephalexin")
    [warning] = warnings_for([cephalexin], PatientContext(allergies=("penicillin",)))[cephalexin.id]
    assert (warning.kind, warning.severity) == ("allergy", "moderate")
    assert "cross-reactivity" in warning.text


def test_an_allergy_to_the_drug_itself_is_one_direct_warning(drugs):
    context = PatientContext(allergies=("Advil", "NSAIDs"))
    assert kinds(drugs, "ibuprofen", context) == [("allergy", "major")]
    [warning] = warnings_for([drugs["ibuprofen"]], context)[drugs["ibuprofen"].id]
    assert "Advil" in warning.text


def test_unrelated_allergies_do_not_warn(drugs):
    context = PatientContext(allergies=("penicillin", "peanuts", "latex"))
    assert kinds(drugs, "ibuprofen", context) == []
    assert kinds(drugs, "azithromycin", context) == []


def test_interactions_with_the_patients_own_medicines_are_warnings(drugs):
    context = PatientContext(medications=("Coumadin 5 mg",))
    [warning] = warnings_for([drugs["ibuprofen"]], context)[drugs["ibuprofen"].id]
    assert (warning.kind, warning.severity) == ("interaction", "major")
    assert warning.text.startswith("With your warfarin:")
    assert warning.source


def test_a_misspelt_medicine_on_the_profile_still_warns(drugs):
    # The profile recognises "Coumadn" as warfarin (fuzzy match), so warnings must too.
    found = warnings_for([drugs["ibuprofen"]], PatientContext(medications=("Coumadn",)))
    assert [(w.kind, w.severity) for w in found[drugs["ibuprofen"].id]] == [
        ("interaction", "major")
    ]


def test_interactions_among_the_candidates_themselves_are_not_warnings(drugs):
    result = warnings_for([drugs["ibuprofen"], drugs["naproxen"]], PatientContext())
    assert result[drugs["ibuprofen"].id] == []


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("CKD", "kidney_disease"),
        ("chronic kidney disease stage 3", "kidney_disease"),
        ("Renal failure", "severe_kidney_disease"),
        ("kidney_disease", "kidney_disease"),
        ("CHF", "heart_failure"),
        ("high blood pressure", "hypertension"),
        ("HTN", "hypertension"),
        ("stomach ulcer", "peptic_ulcer"),
        ("Asthma (mild)", "asthma"),
    ],
)
def test_condition_wording_is_matched_tolerantly(text, key):
    assert key in condition_keys(text)


def test_kidney_stones_are_not_kidney_disease():
    assert "kidney_disease" not in condition_keys("kidney stones")


@pytest.mark.parametrize(
    ("condition", "drug", "severity"),
    [
        ("CKD", "ibuprofen", "major"),
        ("heart failure", "naproxen", "major"),
        ("peptic ulcer", "ibuprofen", "major"),
        ("asthma", "ibuprofen", "moderate"),
        ("asthma", "propranolol", "major"),
        ("hypertension", "pseudoephedrine", "moderate"),
        ("CKD stage 3", "metformin", "moderate"),
        ("end-stage renal disease on dialysis", "metformin", "major"),
        ("myasthenia gravis", "ciprofloxacin", "major"),
    ],
)
def test_conditions_warn_about_drugs_that_can_harm(drugs, condition, drug, severity):
    assert kinds(drugs, drug, PatientContext(conditions=(condition,))) == [("condition", severity)]


def test_a_narrower_rule_replaces_the_broader_one(drugs):
    # "renal failure" is both kidney disease and severe kidney disease: one metformin warning.
    assert kinds(drugs, "metformin", PatientContext(conditions=("renal failure",))) == [
        ("condition", "major")
    ]
    assert kinds(drugs, "ibuprofen", PatientContext(conditions=("heart failure",))) == [
        ("condition", "major")
    ]


def test_pregnancy_uses_class_rules_then_the_drugs_own_warning(drugs):
    pregnant = PatientContext(pregnancy="pregnant")
    [nsaid] = warnings_for([drugs["ibuprofen"]], pregnant)[drugs["ibuprofen"].id]
    assert (nsaid.kind, nsaid.severity) == ("pregnancy", "major")
    assert "20 weeks" in nsaid.text
    assert kinds(drugs, "lisinopril", pregnant) == [("pregnancy", "major")]
    [label] = warnings_for([drugs["acetaminophen"]], pregnant)[drugs["acetaminophen"].id]
    assert (label.severity, label.text) == ("minor", drugs["acetaminophen"].pregnancy_warning)
    assert kinds(drugs, "ibuprofen", PatientContext(pregnancy="no")) == []


@pytest.mark.parametrize(
    ("drug", "age", "expected"),
    [
        ("aspirin", 12, [("age", "major")]),
        ("aspirin", 15, [("age", "major")]),
        ("aspirin", 16, []),
        ("bismuth subsalicylate", 10, [("age", "major")]),
        ("codeine", 8, [("age", "major")]),
        ("diphenhydramine", 70, [("age", "moderate")]),
        ("diphenhydramine", 40, []),
    ],
)
def test_age_rules(drugs, drug, age, expected):
    assert kinds(drugs, drug, PatientContext(age=age)) == expected


def test_warnings_are_most_severe_first_and_typed(drugs):
    context = PatientContext(
        conditions=("asthma",), medications=("warfarin",), pregnancy="pregnant", age=30
    )
    found = warnings_for([drugs["ibuprofen"]], context)[drugs["ibuprofen"].id]
    assert all(isinstance(w, Warning) for w in found)
    assert [w.severity for w in found] == ["major", "major", "moderate"]
    assert {w.kind for w in found} == {"interaction", "pregnancy", "condition"}


def test_every_rule_cites_an_https_source_and_names_known_conditions_and_groups():
    data = json.loads(RULES_FILE.read_text())
    assert isinstance(data["version"], int)
    all_rules = [
        *data["allergy_rules"], *data["condition_rules"],
        *data["pregnancy_rules"], *data["age_rules"],
    ]  # fmt: skip
    assert len({r["id"] for r in all_rules}) == len(all_rules)
    for rule in all_rules:
        assert rule["source"].strip() and rule["source_url"].startswith("https://"), rule["id"]
        assert rule["severity"] in ("major", "moderate", "minor"), rule["id"]
    for rule in data["condition_rules"]:
        assert rule["condition"] in data["conditions"], rule["id"]
    for rule in data["allergy_rules"]:
        assert {rule["allergy"], rule["drugs"], rule.get("except", rule["drugs"])} <= set(
            data["groups"]
        ), rule["id"]
