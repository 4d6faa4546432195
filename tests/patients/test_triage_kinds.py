"""Triage by kind of presentation: same-day findings, 'see a GP' when symptoms persist or
don't improve, and benign presentations kept at self-care. Wordings here are not those of
the evaluation sets."""

from __future__ import annotations

import pytest

from patients.triage import assess_text

CASES = [
    # same day
    ("my 2 year old has had diarrhoea since yesterday and hardly any wet nappies", "urgent"),
    ("been throwing up all night and I can't keep water down", "urgent"),
    ("I fell off my bike and can't put any weight on my foot", "urgent"),
    ("my 7 year old has a temperature of 38.6 and has started limping", "urgent"),
    # see a GP
    ("I've had a cough for 5 weeks now, no other problems", "non_urgent"),
    ("my son's eczema keeps getting worse even with the cream from the pharmacy", "non_urgent"),
    # self-care
    (
        "my 4 year old has a temperature of 38.2 but is eating, drinking and playing normally",
        "self_care",
    ),
    ("a splinter in my thumb, I can see the end", "self_care"),
    ("mosquito bites on my legs, itchy, not spreading", "self_care"),
    # long-standing, but self-care is working: stays self-care
    ("dry skin on my hands for months, the emollient helps a lot", "self_care"),
]


@pytest.mark.parametrize(("text", "level"), CASES)
def test_each_kind_of_presentation_gets_its_level(text, level):
    assert assess_text(text).disposition == level


def test_an_emergency_stays_an_emergency_however_long_it_has_lasted():
    text = "I've had a cough for 4 weeks and today my lips have gone blue"
    assert assess_text(text).disposition == "emergency"
