"""The embedded default: an answer composed from the retrieved passages, no language model.

It picks the sentences that best answer the question (word overlap with the question,
weighted by how well the passage ranked), keeps them in reading order (by source, then by
position in the source), cites each with its source number, and says what it is.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator

from lumen.generation.base import Generation, Health, Params
from lumen.generation.prompt import Prompt
from lumen.lib.text import split_sentences

LABEL = "Composed from sources; no language model configured."
MAX_SENTENCES = 4
MAX_CHARS = 900

_WORD = re.compile(r"[a-z0-9]+")
_STOP = frozenset(
    "a an and are as at be been but by can could did do does for from had has have how i if "
    "in into is it its me my of on or our should so than that the their them then there these "
    "they this to was we were what when where which who why will with would you your about "
    "any after also before being both each few more most other same some such only own very "
    "just get got take taking tell know".split()
)


def _terms(text: str) -> set[str]:
    # A crude stem (drop a plural/verb "s") is enough to match "warnings" with "warning".
    return {w.rstrip("s") if len(w) > 3 else w for w in _WORD.findall(text.lower())} - _STOP


class ExtractiveGenerator:
    name = "extractive"

    def generate(self, prompt: Prompt, *, params: Params | None = None) -> Generation:
        return Generation(text=self.compose(prompt), backend=self.name, model="extractive")

    def stream(self, prompt: Prompt, *, params: Params | None = None) -> Iterator[str]:
        yield self.compose(prompt)

    def health(self) -> Health:
        return Health(True, f"extractive ({LABEL[0].lower()}{LABEL[1:-1]})")

    def compose(self, prompt: Prompt) -> str:
        question = _terms(prompt.question)
        candidates = []  # (score, source number, position, sentence)
        for rank, passage in enumerate(prompt.passages):
            prior = 1.0 / (1 + rank)  # better-ranked passages are more likely on topic
            for position, sentence in enumerate(split_sentences(passage.text)):
                words = _terms(sentence)
                if len(words) < 3:
                    continue  # headings, fragments
                overlap = len(question & words) + len(question & _terms(passage.section)) * 0.5
                score = overlap / math.sqrt(len(words)) + 0.6 * prior
                candidates.append((score, passage.number, position, sentence))
        chosen, size = [], 0
        for candidate in sorted(candidates, key=lambda c: -c[0]):
            if len(chosen) == MAX_SENTENCES or size + len(candidate[3]) > MAX_CHARS:
                continue
            chosen.append(candidate)
            size += len(candidate[3])
        if not chosen:
            return ""
        chosen.sort(key=lambda c: (c[1], c[2]))
        body = " ".join(f"{sentence} [{number}]" for _, number, _, sentence in chosen)
        return f"{body}\n\n{LABEL}"
