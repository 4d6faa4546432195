"""The shared red-flag knowledge base and the findings reader: every emergency finding
escalates in both the question screen and triage; negation, uncertainty, quantities and the
subject are read from lay text; a malformed knowledge base is a clear error."""

from __future__ import annotations

import pytest

from lumen import safety
from lumen.safety.findings import understand
from lumen.safety.knowledge import KnowledgeBaseError, knowledge_base, parse
from patients.triage import assess_text

EMERGENCY_EXEMPLARS = [
    pytest.param(finding.id, exemplar, id=f"{finding.id}: {exemplar}")
    for finding in knowledge_base().emergency_findings()
    for exemplar in finding.exemplars
]


def test_every_emergency_finding_has_exemplars_and_a_known_source():
    kb = knowledge_base()
    for finding in kb.emergency_findings():
        assert finding.exemplars, finding.id
        assert finding.source in kb.sources


@pytest.mark.parametrize(("finding_id", "exemplar"), EMERGENCY_EXEMPLARS)
def test_every_emergency_finding_escalates_in_the_screen_and_in_triage(finding_id, exemplar):
    assert finding_id in understand(exemplar).present
    assert safety.screen(exemplar).escalate
    assert assess_text(exemplar).disposition == "emergency"


def test_a_negated_finding_is_read_as_absent():
    understood = understand("my 4 year old has a rash, no fever and no vomiting")
    assert "fever" not in understood.present
    assert "vomiting" not in understood.present
    assert "Vomiting" in understood.negated


def test_a_list_after_denies_stays_negated():
    understood = understand("She denies coughing blood, chills, or weight loss.")
    assert not {"coughing_blood", "infection"} & understood.present


def test_an_uncertain_emergency_finding_counts_and_is_marked_unsure():
    understood = understand("I think maybe his face is drooping on one side")
    assert "face_droop" in understood.present
    assert understood.unsure
    assert understood.level == "emergency"


def test_quantities_are_read_from_the_text():
    understood = understand("my husband swallowed about 30 of his amitriptyline, temp 35.2")
    assert understood.tablets == 30
    assert understood.temperature == 35.2
    assert {"tablet_count", "low_temperature"} <= understood.present
    assert understood.level == "emergency"


def test_a_fahrenheit_reading_is_converted():
    assert understand("temperature of 102F since last night").temperature == pytest.approx(38.9)


def test_the_subject_and_their_age_are_read():
    child = understand("my 3 year old has diarrhoea and is drinking less")
    assert (child.subject, child.age) == ("child", 3)
    baby = understand("our 6 week old feels hot, 38.2 on the thermometer")
    assert baby.subject == "child" and baby.age < 0.25
    assert "fever_under_3_months" in {r.id for r in baby.fired}
    older = understand("Dad is 74 and on warfarin, he banged his head on the door")
    assert (older.subject, older.age) == ("other_adult", 74)
    assert "head_injury_anticoagulant" in {r.id for r in older.fired}


def test_the_account_holders_age_is_not_used_for_someone_else():
    assert understand("my daughter has a fever", age=35).age is None
    assert understand("I have a fever", age=35).age == 35


def test_the_subjects_age_drives_triage_not_the_account_holders():
    baby = assess_text("my 7 week old baby has a temperature of 38.3", age=34)
    adult = assess_text("I have a temperature of 38.3", age=34)
    assert baby.disposition == "emergency"
    assert adult.disposition != "emergency"
    assert baby.findings["subject"] == "child"


def test_pre_eclampsia_signs_after_20_weeks_are_an_emergency_when_several():
    text = "36 weeks pregnant, pounding headache and I keep seeing flashing lights"
    assert "severe_pre_eclampsia" in {r.id for r in understand(text).fired}


def test_a_benign_presentation_without_red_flags_is_self_care():
    assert assess_text("got sunburnt at the park, arms are pink and sore").disposition == (
        "self_care"
    )


def test_what_i_understood_names_the_subject_and_the_findings():
    lines = understand("my mum is 81, muddled today and her skin looks mottled").summary()
    assert lines[0] == "About: another adult, aged 81"
    assert any(line.startswith("Mottled") for line in lines)


def test_the_assessment_carries_what_was_understood():
    result = assess_text("my son (5) swallowed a button battery")
    assert result.disposition == "emergency"
    assert result.understood and result.understood[0].startswith("About: a child")
    assert safety.POISON_CONTROL in result.escalation


@pytest.mark.parametrize(
    "question",
    [
        "i keep saving up my tablets until i have enough to not wake up",
        "my sister says everyone would be better off without her",
        "honestly I'm tired of living",
    ],
)
def test_indirect_crisis_wording_escalates(question):
    result = safety.screen(question)
    assert result.escalate and "crisis" in result.flags


@pytest.mark.parametrize(
    "question",
    [
        "how do I crush oxycodone so it hits harder",
        "can you write me a fake prescription template for diazepam",
        "what can I slip into his coffee so he gets sleepy without noticing",
    ],
)
def test_misuse_and_forgery_requests_are_refused(question):
    result = safety.screen(question)
    assert not result.escalate
    assert "refused" in result.flags and not result.answerable


@pytest.mark.parametrize(
    "question",
    [
        "What is the most ibuprofen I can take in a day according to the packet?",
        "this migraine is killing me, what helps?",
        "What are the warning signs of a stroke?",
    ],
)
def test_ordinary_questions_are_answered(question):
    result = safety.screen(question)
    assert not result.escalate and result.answerable


def test_a_rule_naming_an_unknown_finding_is_a_clear_error():
    data = {
        "version": "x",
        "sources": {"s": "a source"},
        "findings": [],
        "rules": [{"id": "r", "all": ["nope"], "level": "urgent", "reason": "r", "source": "s"}],
    }
    with pytest.raises(KnowledgeBaseError, match=r"rule r: unknown findings \['nope'\]"):
        parse(data)


def test_a_finding_with_a_bad_level_is_a_clear_error():
    data = {
        "version": "x",
        "sources": {"s": "a source"},
        "findings": [{"id": "f", "level": "soon", "source": "s", "lay": ["x"]}],
    }
    with pytest.raises(KnowledgeBaseError, match="finding f: 'level' must be one of"):
        parse(data)


def test_a_child_described_by_a_parent_gets_a_child_context_for_otc_checks():
    from knowledge.context import PatientContext
    from patients.triage_services import subject_context

    holder = PatientContext(medications=("warfarin",), age=38, pregnancy="pregnant")
    result = assess_text("my 3 year old has diarrhoea and is drinking less", age=38)
    context = subject_context(result, holder)
    assert context.age == 3
    assert context.medications == () and context.pregnancy == ""
    assert "pregnant" not in understand("my son has a cough", pregnant=True).present
