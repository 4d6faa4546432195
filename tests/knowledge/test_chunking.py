from itertools import pairwise

from knowledge.chunking import MAX_CHARS, chunk_sections, split_sentences
from knowledge.sources.base import Section, sections_from_text, sections_to_text


def test_sentences_break_at_full_stops_but_not_after_abbreviations():
    text = "Take it with food, e.g. toast. Dr. Lee agrees. Stop if rash occurs! Why? Ask."
    assert split_sentences(text) == [
        "Take it with food, e.g. toast.",
        "Dr. Lee agrees.",
        "Stop if rash occurs!",
        "Why?",
        "Ask.",
    ]


def test_list_items_and_paragraphs_are_separate_sentences():
    text = "Ask a doctor if you have:\n- liver disease\n- kidney disease\n\nKeep out of reach."
    assert split_sentences(text) == [
        "Ask a doctor if you have:",
        "- liver disease",
        "- kidney disease",
        "Keep out of reach.",
    ]


def test_chunks_stay_within_their_section_and_size_and_overlap_by_one_sentence():
    long = " ".join(f"Sentence number {i} says something useful." for i in range(60))
    chunks = chunk_sections([Section("Warnings", long), Section("Storage", "Keep dry.")])
    warnings = [c for c in chunks if c.section == "Warnings"]
    assert len(warnings) > 2
    assert all(len(c.text) <= MAX_CHARS for c in chunks)
    for before, after in pairwise(warnings):
        last_sentence = before.text.rsplit(". ", 1)[-1]
        assert after.text.startswith(last_sentence.rstrip("."))
    assert chunks[-1].section == "Storage" and chunks[-1].text == "Keep dry."
    # Every sentence is somewhere.
    joined = " ".join(c.text for c in warnings)
    assert all(f"number {i} " in joined for i in range(60))


def test_an_overlong_sentence_is_wrapped_rather_than_dropped():
    row = "cell " * 600  # a flattened table row with no full stop
    chunks = chunk_sections([Section("Table", row)])
    assert all(len(c.text) <= MAX_CHARS for c in chunks)
    assert sum(c.text.count("cell") for c in chunks) >= 600


def test_stored_text_round_trips_to_the_same_sections():
    sections = [Section("Uses", "Pain.\n\nFever."), Section("Warnings", "Liver damage.")]
    assert sections_from_text(sections_to_text(sections)) == sections


def test_empty_sections_make_no_chunks():
    assert chunk_sections([Section("Empty", "   "), Section("", "")]) == []
