"""Manufacturing, storage and handling considerations picked out of a drug's label text.

The label sentences are quoted, not rewritten: each sentence of the storage text and of the
label warnings that speaks to temperature, light and moisture, packaging, dosage-form
integrity, exposure and disposal, or flammability, tagged with those topics. Pure: text in,
tagged sentences out."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Topic -> pattern; order is the order shown. "light" must not match "light-headed".
TOPICS: tuple[tuple[str, re.Pattern], ...] = tuple(
    (topic, re.compile(pattern, re.IGNORECASE))
    for topic, pattern in (
        ("Temperature", r"\b(refrigerat\w*|fridge|freez\w*|frozen|room temperature|°[CF]|heat)\b"),
        ("Light and moisture", r"\b(light(?!-)|sunlight|moisture|humid\w*|damp|desiccant)\b"),
        ("Container and packaging", r"\b(original (container|pack\w*)|container|blister|"
                                    r"child-resistant|tightly closed)\b"),
        ("Dosage-form integrity", r"\b(crush\w*|chew\w*|split\w*|swallow\w* whole|"
                                  r"dissolv\w*|coating)\b"),
        ("Exposure, children and disposal", r"\b(accidental exposure|dispos\w*|take-back|"
                                            r"reach (and sight )?of children|used patch\w*|"
                                            r"handl\w*|discard\w*)\b"),
        ("Flammability", r"\b(flammab\w*|fire|flame\w*|naked flames?)\b"),
    )
)  # fmt: skip

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(])")


@dataclass(frozen=True)
class Consideration:
    text: str
    topics: tuple[str, ...]
    origin: str  # "Storage" or "Label warnings"


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(text or "") if s.strip()]


def handling_considerations(*, storage: str, label_warnings: str) -> list[Consideration]:
    """Label sentences that bear on storage, handling or manufacture, storage text first, in
    label order, each with every topic it touches. Sentences matching no topic are left out
    (the full label text is shown elsewhere)."""
    found = []
    for origin, text in (("Storage", storage), ("Label warnings", label_warnings)):
        for sentence in sentences(text):
            topics = tuple(topic for topic, pattern in TOPICS if pattern.search(sentence))
            if topics:
                found.append(Consideration(sentence, topics, origin))
    return found
