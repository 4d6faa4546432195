"""The starter corpus documents (health topics, guidance summaries) and the labelled retrieval set.

Pure data checks: JSON only, no database. They guard what the loader and retrieval rely on
(ids, regions, doc types, section headings) and the editorial rules for patient text.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest

STARTER = Path(__file__).resolve().parents[2] / "knowledge" / "starter"

REQUIRED_KEYS = {
    "external_id",
    "title",
    "doc_type",
    "region",
    "authority",
    "url",
    "published",
    "sections",
    "references",
}
REGIONS = {"US", "EU", "UK", "INTL"}
TOPIC_AUTHORITIES = {"NLM", "NHS", "CDC", "WHO"}
# EudraLex Volume 4 (EU GMP) is published by the European Commission: authority "EC".
# ISO is a standards body, not a regulator, and is labelled as such.
GUIDANCE_AUTHORITIES = {"FDA", "EMA", "MHRA", "ICH", "PIC/S", "USP", "WHO", "EC", "ISO"}
EMERGENCY_NUMBER = re.compile(r"\b(911|999|112)\b")
# Prescription-style dosing never belongs in patient topics.
DOSING = re.compile(
    r"\b\d+(?:[.,]\d+)?\s?(?:mg|mcg|µg|micrograms?|milligrams?|ml|mL|IU|units?)\b"
    r"|\b\d+\s?(?:tablets?|capsules?|puffs?|drops?)\s+(?:a|per|each)\s+day\b"
    r"|\b(?:once|twice|three times|four times)\s+(?:a|per)\s+day\b",
    re.IGNORECASE,
)


def _load(name: str) -> list[dict]:
    return json.loads((STARTER / name).read_text(encoding="utf-8"))


def _words(document: dict) -> int:
    return sum(len(f"{s['heading']} {s['text']}".split()) for s in document["sections"])


TOPICS = _load("health_topics.json")
GUIDANCE = _load("guidance.json")
DOCUMENTS = TOPICS + GUIDANCE
QUERIES = [
    json.loads(line)
    for line in (STARTER / "retrieval_queries.jsonl").read_text(encoding="utf-8").splitlines()
    if line.strip()
]


def _topic(slug: str) -> dict:
    return next(t for t in TOPICS if t["external_id"] == f"topic:{slug}")


def _emergency_sections(document: dict) -> list[dict]:
    return [s for s in document["sections"] if "emergency" in s["heading"].lower()]


def test_there_are_at_least_forty_health_topics_and_thirty_guidance_summaries():
    assert len(TOPICS) >= 40
    assert len(GUIDANCE) >= 30


def test_external_ids_are_unique_across_both_files():
    ids = [d["external_id"] for d in DOCUMENTS]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda d: d["external_id"])
def test_every_document_has_the_required_keys_and_valid_values(document):
    assert set(document) >= REQUIRED_KEYS
    assert document["title"].strip()
    assert len(document["title"]) <= 500
    assert document["region"] in REGIONS
    assert document["url"].startswith("https://")
    if document["published"] is not None:
        date.fromisoformat(document["published"])
    for reference in document["references"]:
        assert reference["title"].strip()
        assert reference["url"].startswith("https://")


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda d: d["external_id"])
def test_every_document_has_non_empty_sections_with_headings(document):
    assert document["sections"]
    headings = [s["heading"] for s in document["sections"]]
    assert all(h.strip() and len(h) <= 300 for h in headings)
    assert len(headings) == len(set(headings))
    assert all(s["text"].strip() for s in document["sections"])


def test_health_topics_are_health_topics_from_patient_information_bodies():
    for topic in TOPICS:
        assert topic["external_id"].startswith("topic:")
        assert topic["doc_type"] == "health_topic"
        assert topic["authority"] in TOPIC_AUTHORITIES


def test_guidance_documents_are_guidance_from_known_authorities():
    for document in GUIDANCE:
        assert document["external_id"].startswith("guidance:")
        assert document["doc_type"] == "guidance"
        assert document["authority"] in GUIDANCE_AUTHORITIES


def test_eu_gmp_guide_texts_are_attributed_to_the_european_commission():
    eu_gmp = [g for g in GUIDANCE if g["title"].startswith("EU GMP")]
    assert eu_gmp
    assert {g["authority"] for g in eu_gmp} == {"EC"}


@pytest.mark.parametrize("topic", TOPICS, ids=lambda d: d["external_id"])
def test_health_topics_are_between_150_and_450_words(topic):
    assert 150 <= _words(topic) <= 450


@pytest.mark.parametrize("document", GUIDANCE, ids=lambda d: d["external_id"])
def test_guidance_summaries_are_between_250_and_700_words(document):
    assert 250 <= _words(document) <= 700


@pytest.mark.parametrize(
    "slug", ["heart-attack", "stroke", "anaphylaxis", "suicide-and-crisis-support"]
)
def test_emergency_topics_say_when_to_call_an_emergency_number(slug):
    topic = _topic(slug)
    text = " ".join(s["text"] for s in topic["sections"])
    assert EMERGENCY_NUMBER.search(text)
    first = topic["sections"][0]["heading"].lower()
    assert _emergency_sections(topic) or "help now" in first


def test_crisis_topic_lists_the_crisis_lines():
    text = " ".join(s["text"] for s in _topic("suicide-and-crisis-support")["sections"])
    for number in ("988", "116 123", "911", "999", "112"):
        assert number in text


@pytest.mark.parametrize("topic", TOPICS, ids=lambda d: d["external_id"])
def test_every_emergency_section_names_an_emergency_number(topic):
    for section in _emergency_sections(topic):
        assert EMERGENCY_NUMBER.search(section["text"]), section["heading"]


def test_most_health_topics_have_an_emergency_section():
    with_emergency = [t for t in TOPICS if _emergency_sections(t)]
    assert len(with_emergency) >= 0.6 * len(TOPICS)


@pytest.mark.parametrize("topic", TOPICS, ids=lambda d: d["external_id"])
def test_patient_topics_contain_no_prescription_dosing(topic):
    for section in topic["sections"]:
        match = DOSING.search(section["text"])
        assert match is None, f"{section['heading']}: {match.group(0) if match else ''}"


def test_there_are_at_least_sixty_labelled_queries_for_patients_and_pharma():
    assert len(QUERIES) >= 60
    patient = [q for q in QUERIES if all(r.startswith("topic:") for r in q["relevant"])]
    pharma = [q for q in QUERIES if all(r.startswith("guidance:") for r in q["relevant"])]
    assert len(patient) >= 35
    assert len(pharma) >= 25
    assert sum(len(q["relevant"]) > 1 for q in QUERIES) >= 5


def test_every_labelled_query_points_at_documents_that_exist():
    ids = {d["external_id"] for d in DOCUMENTS}
    for query in QUERIES:
        assert query["query"].strip()
        assert 1 <= len(query["relevant"]) <= 3
        assert set(query["relevant"]) <= ids, query["query"]


def test_labelled_queries_do_not_copy_document_titles():
    titles = {d["title"].lower() for d in DOCUMENTS}
    assert not [q["query"] for q in QUERIES if q["query"].lower() in titles]


REQUIRED_GUIDANCE = {
    "21 CFR 211": r"21 CFR Part 211",
    "21 CFR Part 11": r"21 CFR Part 11\b",
    "FDA Part 11 scope and application": r"Part 11.*Scope and Application",
    "EU GMP Annex 1": r"Annex 1\b",
    "EU GMP Annex 11": r"Annex 11\b",
    "EU GMP Annex 15": r"Annex 15\b",
    "EU GMP Chapter 4": r"Chapter 4\b",
    "EU GMP Chapter 5": r"Chapter 5\b",
    "EMA HBEL guideline": r"health-based exposure limits",
    "ICH Q7": r"ICH Q7\b",
    "ICH Q8": r"ICH Q8",
    "ICH Q9": r"ICH Q9",
    "ICH Q10": r"ICH Q10\b",
    "ICH Q1A": r"ICH Q1A",
    "ICH Q2/Q14": r"ICH Q2|ICH Q14",
    "PIC/S PI 006": r"PIC/S PI 006",
    "PIC/S PI 041": r"PIC/S PI 041",
    "USP <1231>": r"USP <1231>",
    "MHRA data integrity": r"MHRA.*Data Integrity",
    "WHO GMP": r"WHO good manufacturing practices",
    "WHO validation": r"WHO TRS 937",
    "FDA cleaning validation": r"FDA Guide to Inspections: Validation of Cleaning Processes",
    "FDA process validation": r"FDA guidance: Process Validation",
    "FDA data integrity": r"FDA guidance: Data Integrity",
    "ISO 14644-1": r"ISO 14644-1",
}


@pytest.mark.parametrize("label", sorted(REQUIRED_GUIDANCE))
def test_the_guidance_set_covers_the_required_documents(label):
    pattern = re.compile(REQUIRED_GUIDANCE[label], re.IGNORECASE)
    assert any(pattern.search(f"{g['external_id']} {g['title']}") for g in GUIDANCE), label


def test_guidance_sections_are_keyed_by_source_numbering_where_it_exists():
    numbered = re.compile(r"§|\bAnnex\b|\bChapter\b|\bStage\b|\bPart\b|<\d+>|ISO 14644|ICH Q")
    share = sum(any(numbered.search(s["heading"]) for s in g["sections"]) for g in GUIDANCE) / len(
        GUIDANCE
    )
    assert share >= 0.7
