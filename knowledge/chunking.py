"""Split documents into passages small enough to embed and to cite.

Chunks never cross a section boundary (a citation names one section), break between
sentences, and repeat the last sentence of the previous chunk so a fact that straddles the
cut is still found. all-MiniLM-L6-v2 reads at most 256 word pieces (roughly 1,000 characters
of English), hence the sizes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from knowledge.sources.base import Section

TARGET_CHARS = 700
MAX_CHARS = 1000
OVERLAP_SENTENCES = 1

# Abbreviations whose full stop does not end a sentence.
_ABBREVIATIONS = (
    "e.g", "i.e", "etc", "vs", "dr", "mr", "mrs", "ms", "no", "fig", "approx", "incl",
    "min", "max", "sec", "ref", "vol", "st", "u.s", "u.k", "e.u", "ph", "al",
)  # fmt: skip
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9§•\-])")
_PARAGRAPH = re.compile(r"\n\s*\n")


@dataclass(frozen=True)
class ChunkDraft:
    section: str
    text: str


def split_sentences(text: str) -> list[str]:
    """Sentences of `text`; paragraph and list-item breaks always end a sentence."""
    sentences: list[str] = []
    for paragraph in _PARAGRAPH.split(text):
        for line in paragraph.split("\n") if _looks_like_list(paragraph) else [paragraph]:
            line = " ".join(line.split())
            if line:
                sentences.extend(_split_line(line))
    return sentences


def _looks_like_list(paragraph: str) -> bool:
    lines = [ln.strip() for ln in paragraph.split("\n") if ln.strip()]
    return (
        len(lines) > 1 and sum(ln[:1] in "-•*" or ln[:2].rstrip(".").isdigit() for ln in lines) >= 2
    )


def _split_line(line: str) -> list[str]:
    pieces, start = [], 0
    for match in _SENTENCE_END.finditer(line):
        candidate = line[start : match.start()].rstrip()
        last_word = candidate.rsplit(" ", 1)[-1].rstrip(".!?\"')]").lower()
        if last_word in _ABBREVIATIONS or (len(last_word) == 1 and last_word.isalpha()):
            continue  # "e.g. Aspirin", "J. Smith": not a sentence end
        pieces.append(line[start : match.end()].strip())
        start = match.end()
    pieces.append(line[start:].strip())
    return [p for p in pieces if p]


def _hard_wrap(sentence: str) -> list[str]:
    """A 'sentence' longer than MAX_CHARS (a table row, a run-on list) split on spaces."""
    words, out, current = sentence.split(" "), [], ""
    for word in words:
        if current and len(current) + 1 + len(word) > MAX_CHARS:
            out.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    if current:
        out.append(current)
    return out


def chunk_section(section: Section) -> list[ChunkDraft]:
    sentences = [piece for s in split_sentences(section.text) for piece in _hard_wrap(s)]
    chunks: list[ChunkDraft] = []
    current: list[str] = []
    size = 0
    fresh = 0  # sentences in `current` that are not just the overlap of the previous chunk
    for sentence in sentences:
        if (current and size + len(sentence) > MAX_CHARS) or size >= TARGET_CHARS:
            chunks.append(ChunkDraft(section.heading, " ".join(current)))
            current = current[-OVERLAP_SENTENCES:] if OVERLAP_SENTENCES else []
            size = sum(len(s) + 1 for s in current)
            if size + len(sentence) > MAX_CHARS:  # the overlap itself would overflow
                current, size = [], 0
            fresh = 0
        current.append(sentence)
        size += len(sentence) + 1
        fresh += 1
    if fresh:
        chunks.append(ChunkDraft(section.heading, " ".join(current)))
    return chunks


def chunk_sections(sections: list[Section]) -> list[ChunkDraft]:
    return [chunk for section in sections for chunk in chunk_section(section)]
