"""The free-text recogniser: lay and clinical phrasing, negation, vitals, ages and
durations."""

from __future__ import annotations

import pytest

from patients import triage
from patients.triage import assess_text, read_age, read_duration, read_vitals


def test_crushing_chest_pain_with_sweating_is_an_emergency():
    result = assess_text("crushing chest pain and sweating for 20 minutes", age=58, sex="male")
    assert result.disposition == "emergency"
    assert result.complaints == ("chest_pain",)
    assert result.escalation.startswith("This could be a medical emergency")


@pytest.mark.parametrize(
    "text",
    [
        "A 70-year-old man presents with altered mental status since this morning.",
        "Tachypneic with SpO2 88% on room air and a productive cough.",
        "Severe abdominal pain with guarding and rebound tenderness.",
        "Headache, fever and neck stiffness in a 20 year old.",
        "A 3-week-old baby with a temperature of 38.2 C.",
        "my husband's face is drooping and his speech is slurred",
        "my lips and tongue are swelling after eating peanuts",
        "Coughing up blood and short of breath, sudden onset",
        "I'm 20 weeks pregnant and bleeding heavily",
        "Blood pressure 80/50, heart rate 135, feels faint",
    ],
)
def test_clinical_and_lay_emergencies_are_recognised(text):
    assert assess_text(text).disposition == "emergency", assess_text(text).reasons


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("runny nose and sneezing for 2 days", "self_care"),
        ("burning when I pee since yesterday", "non_urgent"),
        ("mild lower back pain after gardening", "self_care"),
        ("heartburn after spicy food", "self_care"),
        ("my ankle is swollen after I twisted it and I can't put weight on it", "urgent"),
    ],
)
def test_everyday_complaints_get_proportionate_advice(text, expected):
    assert assess_text(text, age=35).disposition == expected


def test_negated_findings_do_not_count():
    assert assess_text("headache, no stiff neck, no fever", age=30).disposition == "self_care"
    assert assess_text("cough, denies chest pain or shortness of breath", age=30).disposition == (
        "self_care"
    )
    assert assess_text("sore throat without vomiting or drooling", age=30).disposition == (
        "self_care"
    )
    # The negation ends at the comma when no list follows.
    result = assess_text("no fever, runny nose for 2 days")
    assert result.complaints == ("cold_flu",)


def test_past_history_is_not_a_current_complaint():
    result = assess_text("history of migraine; now has a mild sore throat for 2 days", age=30)
    assert "headache" not in result.complaints
    assert "sore_throat" in result.complaints


@pytest.mark.parametrize(
    ("text", "vitals"),
    [
        ("temperature 104°F", {"temperature": 40.0}),
        ("temp of 38.5 C", {"temperature": 38.5}),
        ("HR 128, RR 26, BP 150/95, SpO2 93%", {
            "heart_rate": 128, "resp_rate": 26, "systolic": 150, "diastolic": 95, "spo2": 93,
        }),
        ("pulse of 110 bpm and oxygen saturation of 91 percent", {"heart_rate": 110, "spo2": 91}),
        ("respiratory rate of 22 breaths per minute", {"resp_rate": 22}),
    ],
)  # fmt: skip
def test_vital_signs_are_read_with_units(text, vitals):
    assert read_vitals(text) == vitals


@pytest.mark.parametrize(
    ("text", "age"),
    [
        ("a 12-year-old girl", 12),
        ("58 year old man", 58),
        ("aged 70", 70),
        ("my 6 week old baby", round(42 / 365, 3)),
        ("a 3-month-old", round(90 / 365, 3)),
        ("I'm 34 and", 34),
        ("a newborn", 0.05),
    ],
)
def test_ages_are_read_from_the_text(text, age):
    assert read_age(text) == pytest.approx(age, abs=0.01)


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("for 3 days", 3),
        ("cough for 2 weeks", 14),
        ("a 7-day history of pain", 7),
        ("since yesterday", 1),
        ("for the past 20 minutes", 20 / 1440),
        ("a 34-year-old woman", None),
        ("she has smoked for 20 years and coughed for 4 days", 4),
    ],
)
def test_durations_are_read_from_the_text(text, days):
    found = read_duration(text)
    assert found == (None if days is None else pytest.approx(days))


def test_vitals_alone_drive_the_result_and_are_given_as_reasons():
    result = assess_text("feels unwell, temperature 39.6, heart rate 125, respiratory rate 26")
    assert result.disposition == "emergency"  # NEWS2 score 2 + 2 + 3 = 7
    assert any("NEWS2" in r for r in result.reasons)
    assert any("Heart rate 125" in r for r in result.reasons)


def test_the_texts_own_age_wins_over_the_callers():
    # A parent (age 35 on their profile) describing their baby.
    result = assess_text("my 6 week old baby has a fever", age=35)
    assert result.disposition == "emergency"


def test_unrecognised_text_is_not_reassured():
    result = assess_text("I feel a bit strange")
    assert result.disposition == "non_urgent"
    assert result.complaints == ()


def test_the_result_serialises_for_storage():
    data = assess_text("sore throat for 2 days", age=25).as_dict()
    assert data["disposition"] == "self_care"
    assert data["risk"] == "low"
    assert data["rules_version"] == triage.rules().version
