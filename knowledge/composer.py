"""The extractive answer: sentences from the retrieved passages, arranged like a health page.

It names the subject first ("Metformin: side effects"), then groups the chosen sentences
under their sections ("Common side effects", "Get help straight away if…"), each sentence
cited with its source number. Sentences from a document about something else are used only
when they themselves name the asked subject, so another subject's facts are never presented
as the asked one's. No sentence appears twice; sentences with numbers are kept for questions
about limits and amounts. The label says it was composed from sources.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from knowledge.understanding import SECTION_HINTS
from lumen.generation.extractive import LABEL
from lumen.lib.text import split_sentences

MAX_SENTENCES = 8
MAX_CHARS = 1500
URGENT_HEADING = "Get help straight away if…"

TYPE_LABELS = {
    "uses": "uses",
    "side_effects": "side effects",
    "dose": "dosing",
    "interactions": "interactions",
    "pregnancy": "pregnancy and breastfeeding",
    "storage": "storage",
    "warnings": "warnings",
    "symptoms": "symptoms",
    "causes": "causes",
    "treatment": "treatment",
    "prevention": "prevention",
    "outlook": "outlook",
    "tests": "tests and diagnosis",
    "see_doctor": "when to get help",
    "limit": "limits",
    "requirement": "requirements",
    "procedure": "procedure",
    "definition": "what it is",
}
_URGENT = re.compile(r"emergency|get help|urgent|call 911|when to get", re.IGNORECASE)
_WORD = re.compile(r"[a-z0-9]+")
_NUMBER = re.compile(r"\d")
_STOP = frozenset(
    "a an and are as at be been but by can could did do does for from had has have how i if in "
    "into is it its me my of on or our should so than that the their them then there these they "
    "this to was we were what when where which who why will with would you your about any after "
    "also before being both each more most other some such only very just get take taking tell "
    "know okay ok".split()
)


@dataclass(frozen=True)
class SourcePassage:
    number: int
    title: str
    section: str
    text: str
    about: str = ""  # the asked subject this passage's document is about
    mentions: str = ""  # the asked subject its text names (document about another subject)
    names: tuple[str, ...] = ()  # names of the subject in `mentions`, to check sentences


def _terms(text: str) -> set[str]:
    return {w.rstrip("s") if len(w) > 3 else w for w in _WORD.findall(text.lower())} - _STOP


def heading(subjects: list[str], question_type: str) -> str:
    """The opening line: the subject's name and what was asked about it."""
    if not subjects:
        return ""
    names = " and ".join(subjects[:3])
    label = TYPE_LABELS.get(question_type)
    return f"{names}: {label}" if label else names


def compose(
    *,
    question: str,
    subjects: list[str],
    question_type: str,
    passages: list[SourcePassage],
    lead: list[str] = (),
) -> str:
    """The composed answer, or "" when no passage has a usable sentence. `lead` holds
    already-cited paragraphs that come first (an interaction between two named medicines)."""
    asked = _terms(question) - {t for s in subjects for t in _terms(s)}
    want_numbers = question_type in ("limit", "requirement", "dose")
    hints = SECTION_HINTS.get(question_type, ())
    candidates = []  # (score, passage index, position, sentence)
    for rank, passage in enumerate(passages):
        prior = 1.0 / (1 + rank)
        for position, sentence in enumerate(split_sentences(passage.text)):
            words = _terms(sentence)
            if len(words) < 3:
                continue
            if passage.mentions and not _names_subject(sentence, passage.names):
                continue  # about another subject: only what it says about the asked one
            overlap = len(asked & words) + 0.5 * len(asked & _terms(passage.section))
            score = overlap / math.sqrt(len(words)) + 0.8 * prior - 0.05 * position
            if any(h in passage.section.lower() for h in hints):
                score += 0.3  # the section that answers this kind of question
            if want_numbers and _NUMBER.search(sentence):
                score += 0.5
            candidates.append((score, rank, position, sentence))
    chosen, seen, size = [], set(), sum(len(p) for p in lead)
    for candidate in sorted(candidates, key=lambda c: -c[0]):
        key = " ".join(_WORD.findall(candidate[3].lower()))
        if key in seen:
            continue
        if len(chosen) == MAX_SENTENCES or size + len(candidate[3]) > MAX_CHARS:
            continue
        seen.add(key)
        chosen.append(candidate)
        size += len(candidate[3])
    if not chosen and not lead:
        return ""
    # Sections in the order of their best passage; sentences in reading order within each.
    groups: dict[str, list[tuple[int, int, str]]] = {}
    for _, rank, position, sentence in sorted(chosen, key=lambda c: (c[1], c[2])):
        passage = passages[rank]
        groups.setdefault(_group_label(passage), []).append((rank, position, sentence))
    blocks = [heading(subjects, question_type)] if subjects else []
    blocks += list(lead)
    for label, sentences in groups.items():
        body = " ".join(f"{s} [{passages[r].number}]" for r, _, s in sentences)
        blocks.append(f"{label}\n{body}" if label else body)
    blocks.append(LABEL)
    return "\n\n".join(b for b in blocks if b)


def _group_label(passage: SourcePassage) -> str:
    section = passage.section.strip()
    if passage.mentions:
        return f"Mentioned in {passage.title}"
    if _URGENT.search(section):
        return URGENT_HEADING
    return section


def _names_subject(sentence: str, names: tuple[str, ...]) -> bool:
    lowered = sentence.lower()
    return any(re.search(rf"(?<![\w-]){re.escape(n)}(?![\w-])", lowered) for n in names)
