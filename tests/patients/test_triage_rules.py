"""The triage rule base: it loads, validates, covers the common complaints with red flags,
and the guided assessment applies red flags, modifiers and reassuring features."""

from __future__ import annotations

import json

import pytest
import yaml

from lumen.safety import DISCLAIMER
from patients import triage
from tests.conftest import ROOT

STARTER_DRUGS = json.loads((ROOT / "knowledge" / "starter" / "drugs.json").read_text())


def _raw_rules() -> dict:
    return yaml.safe_load(triage.RULES_PATH.read_text())


def test_the_rule_file_is_versioned_and_covers_at_least_forty_complaints():
    rules = triage.load_rules()
    assert rules.version
    assert len(rules.complaints) >= 40
    for needed in (
        "chest_pain", "headache", "abdominal_pain", "fever_adult", "fever_child", "cough",
        "shortness_of_breath", "back_pain", "urinary", "rash", "sore_throat", "dizziness",
        "vomiting_diarrhoea", "eye_problem", "ear_pain", "head_injury", "burn", "bite_sting",
        "mental_health_crisis", "pregnancy_bleeding", "palpitations", "fainting", "confusion",
        "weakness_numbness", "allergic_reaction", "testicular_pain", "nosebleed", "toothache",
        "joint_pain", "constipation", "heartburn", "insomnia", "anxiety", "cold_flu",
        "painful_swallowing", "blood_in_stool", "blood_in_urine", "leg_swelling", "seizure",
        "poisoning_overdose", "vaginal_discharge",
    ):  # fmt: skip
        assert needed in rules.complaints, needed


def test_every_complaint_has_red_flags_and_advice():
    for complaint in triage.load_rules().complaints.values():
        assert complaint.red_flags, complaint.id
        assert all(f.reason for f in complaint.red_flags), complaint.id
        # Every complaint knows a sign that means "don't manage this at home".
        assert any(f.disposition != "self_care" for f in complaint.red_flags), complaint.id
        assert complaint.self_care or complaint.default != "self_care", complaint.id
    # And the general red flags (breathing, collapse, confusion...) apply to every complaint.
    general = {f.disposition for f in triage.load_rules().general_flags}
    assert "emergency" in general


def test_otc_options_are_drugs_in_lumens_drug_database():
    known = set()
    for drug in STARTER_DRUGS:
        known |= {drug["name"].lower(), *(s.lower() for s in drug.get("synonyms", []))}
    for complaint in triage.load_rules().complaints.values():
        for name in complaint.otc:
            assert name.lower() in known, (complaint.id, name)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.pop("version"), "missing 'version'"),
        (lambda d: d["complaints"][0].pop("red_flags"), "missing 'red_flags'"),
        (lambda d: d["complaints"][0].update(red_flags=[]), "at least one red flag"),
        (lambda d: d["complaints"][0].update(default="soon"), "disposition 'soon'"),
        (
            lambda d: d["complaints"][0]["red_flags"][0].update(patterns=["(unclosed"]),
            "invalid pattern",
        ),
        (lambda d: d["complaints"][1].update(id=d["complaints"][0]["id"]), "unique"),
        (lambda d: d["complaints"][0]["red_flags"][0].update(colour="red"), "unknown keys"),
    ],
)
def test_a_malformed_rule_file_gives_a_clear_error(tmp_path, change, message):
    data = _raw_rules()
    change(data)
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(triage.RuleFileError, match=message) as error:
        triage.load_rules(path)
    assert str(path) in str(error.value)


def test_a_missing_or_unparseable_rule_file_gives_a_clear_error(tmp_path):
    with pytest.raises(triage.RuleFileError, match="Cannot read triage rules"):
        triage.load_rules(tmp_path / "nope.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: [unclosed\n")
    with pytest.raises(triage.RuleFileError, match="not valid YAML"):
        triage.load_rules(bad)


def test_a_ticked_red_flag_makes_chest_pain_an_emergency_with_the_numbers_first():
    result = triage.assess(
        "chest_pain", {"flags": ["cardiac_character"], "severity": 6}, age=58, sex="male"
    )
    assert result.disposition == "emergency"
    assert result.risk == "high"
    assert result.escalation.startswith("This could be a medical emergency. Call 911")
    assert any("heart attack" in r for r in result.reasons)
    assert result.otc == ()  # nothing to try at home in an emergency
    assert result.disclaimer == DISCLAIMER


def test_a_mild_short_headache_without_red_flags_is_self_care_with_otc_options():
    result = triage.assess(
        "headache", {"onset": "gradual", "duration_days": 1, "severity": 3, "flags": []}, age=30
    )
    assert result.disposition == "self_care"
    assert result.risk == "low"
    assert "acetaminophen" in result.otc
    assert result.self_care
    assert result.escalation == ""


def test_fever_in_a_baby_under_three_months_is_an_emergency():
    result = triage.assess("fever_child", {"flags": []}, age=0.1)
    assert result.disposition == "emergency"
    older = triage.assess("fever_child", {"flags": [], "duration_days": 1}, age=4)
    assert older.disposition == "self_care"


def test_abdominal_pain_in_pregnancy_is_at_least_urgent():
    plain = triage.assess("abdominal_pain", {"severity": 4, "flags": []}, age=30, sex="female")
    pregnant = triage.assess(
        "abdominal_pain", {"severity": 4, "flags": []}, age=30, sex="female", pregnancy="pregnant"
    )
    assert plain.disposition == "non_urgent"
    assert pregnant.disposition == "urgent"
    assert any("pregnancy" in r for r in pregnant.reasons)


def test_a_long_duration_raises_self_care_to_seeing_a_doctor():
    short = triage.assess("cough", {"duration_days": 7, "flags": []}, age=40)
    long = triage.assess("cough", {"duration_days": 28, "flags": []}, age=40)
    assert (short.disposition, long.disposition) == ("self_care", "non_urgent")


def test_general_red_flags_can_be_ticked_for_any_complaint():
    result = triage.assess("sore_throat", {"flags": ["severe_breathing"]}, age=30)
    assert result.disposition == "emergency"


def test_a_crisis_shows_crisis_lines_and_poisoning_shows_poison_control():
    crisis = triage.assess("mental_health_crisis", {"flags": ["mh_plan"]})
    assert crisis.disposition == "emergency"
    assert "988" in crisis.escalation
    poison = triage.assess("poisoning_overdose", {"flags": []})
    assert "Poison" in poison.escalation


def test_unknown_complaints_and_findings_are_refused():
    with pytest.raises(triage.UnknownComplaint):
        triage.assess("elbow_itch", {})
    with pytest.raises(ValueError, match="Unknown findings"):
        triage.assess("headache", {"flags": ["made_up"]})
    with pytest.raises(ValueError, match="Severity"):
        triage.assess("headache", {"severity": 11})


def test_questions_list_warning_signs_before_other_symptoms():
    asked = triage.questions("headache")
    assert asked["warning_signs"][0].disposition == "emergency"
    assert all(f.disposition in ("urgent", "emergency") for f in asked["warning_signs"])
    assert all(f.disposition == "non_urgent" for f in asked["other_symptoms"])
    assert asked["general_signs"]
