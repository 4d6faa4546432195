"""Sentence splitting shared by chunking (knowledge) and extractive answers (generation)."""

from __future__ import annotations

import re

# Abbreviations whose full stop does not end a sentence.
_ABBREVIATIONS = (
    "e.g", "i.e", "etc", "vs", "dr", "mr", "mrs", "ms", "no", "fig", "approx", "incl",
    "min", "max", "sec", "ref", "vol", "st", "u.s", "u.k", "e.u", "ph", "al",
)  # fmt: skip
# A sentence ends at . ! ? followed by a capital, a digit, a bullet, or markup (so a planted
# "<script>" or "[INST]" is a sentence of its own that the safety layer can drop).
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9§•\-]|[<\[])")
_PARAGRAPH = re.compile(r"\n\s*\n")


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
