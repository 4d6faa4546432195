"""Label-derived handling notes: storage and warning sentences tagged by topic, quoted as
written, with unrelated sentences (and "light-headed") left out."""

from __future__ import annotations

from pharma.handling import handling_considerations


def test_storage_sentences_are_tagged_with_every_topic_they_touch():
    (note, children) = handling_considerations(
        storage="Store at room temperature, away from moisture and direct light, in the original "
        "container. Keep out of the reach and sight of children.",
        label_warnings="",
    )
    assert note.topics == ("Temperature", "Light and moisture", "Container and packaging")
    assert note.origin == "Storage"
    assert children.topics == ("Exposure, children and disposal",)


def test_label_warnings_on_crushing_and_disposal_are_kept_and_others_dropped():
    notes = handling_considerations(
        storage="",
        label_warnings="Can cause light-headedness. Extended-release tablets must be swallowed "
        "whole; crushing releases a fatal amount. Fold used patches and dispose of them safely.",
    )
    assert [n.topics for n in notes] == [
        ("Dosage-form integrity",),
        ("Exposure, children and disposal",),
    ]
    assert all(n.origin == "Label warnings" for n in notes)
    assert notes[0].text.startswith("Extended-release tablets must be swallowed whole")


def test_empty_label_text_gives_nothing():
    assert handling_considerations(storage="", label_warnings="") == []
