"""Split documents into passages small enough to embed and to cite.

Chunks never cross a section boundary (a citation names one section), break between
sentences, and repeat the last sentence of the previous chunk so a fact that straddles the
cut is still found. all-MiniLM-L6-v2 reads at most 256 word pieces (roughly 1,000 characters
of English), hence the sizes.
"""

from __future__ import annotations

from dataclasses import dataclass

from knowledge.sources.base import Section
from lumen.lib.text import split_sentences

TARGET_CHARS = 700
MAX_CHARS = 1000
OVERLAP_SENTENCES = 1


@dataclass(frozen=True)
class ChunkDraft:
    section: str
    text: str


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
