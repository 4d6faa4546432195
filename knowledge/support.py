"""Generated answers are held to the composer's rule: every sentence backed by a passage.

Each sentence of a model's draft is compared with the passages it cites (all passages when it
cites none): it is supported when an embedding of it is close to one of theirs (cosine at
least SUPPORT_SIMILARITY) or when most of its content words appear in them. Unsupported
sentences are dropped; when too little is left, the caller falls back to the composer.
Only counts are logged, never the text.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from lumen.lib.text import split_sentences

logger = logging.getLogger(__name__)

SUPPORT_SIMILARITY = 0.6
LEXICAL_SHARE = 0.6  # of a sentence's content words found in the cited passages
MIN_KEPT_SHARE = 0.5  # below this share of sentences kept, the composer answers instead
_MARKER = re.compile(r"\s*\[(\d+(?:\s*[,\u2013-]\s*\d+)*)\]")
_WORD = re.compile(r"[a-z0-9]+")
_STOP = frozenset(
    "a an and are as at be been but by can could do does for from has have how i if in into "
    "is it its may might of on or should so such than that the their them then there these "
    "they this to was we were what when which who will with would you your also more most "
    "other some any not no".split()
)


@dataclass(frozen=True)
class SupportCheck:
    text: str  # the draft without its unsupported sentences
    kept: int
    dropped: int

    @property
    def dropped_share(self) -> float:
        total = self.kept + self.dropped
        return self.dropped / total if total else 0.0

    @property
    def enough(self) -> bool:
        return self.kept > 0 and (1 - self.dropped_share) >= MIN_KEPT_SHARE


def _terms(text: str) -> set[str]:
    return {w.rstrip("s") if len(w) > 3 else w for w in _WORD.findall(text.lower())} - _STOP


def _cited(sentence: str) -> set[int]:
    numbers: set[int] = set()
    for group in _MARKER.findall(sentence):
        numbers |= {int(n) for n in re.findall(r"\d+", group)}
    return numbers


def check_support(draft: str, passages: dict[int, str]) -> SupportCheck:
    """Keep the sentences of `draft` that `passages` (number -> text) support."""
    from knowledge.embeddings import embed

    paragraphs = [p for p in draft.split("\n\n") if p.strip()]
    pieces = [(i, s) for i, p in enumerate(paragraphs) for s in split_sentences(p)]
    claims = [(i, s) for i, s in pieces if len(_terms(_MARKER.sub("", s))) >= 3]
    if not claims or not passages:
        return SupportCheck(draft.strip(), len(claims), 0)
    passage_sentences = {n: split_sentences(t) or [t] for n, t in passages.items()}
    flat = [(n, s) for n, ss in passage_sentences.items() for s in ss]
    vectors = embed([_MARKER.sub("", s) for _, s in claims] + [s for _, s in flat])
    claim_vectors, passage_vectors = vectors[: len(claims)], vectors[len(claims) :]
    supported: set[str] = set()
    for k, (_, sentence) in enumerate(claims):
        cited = _cited(sentence) & set(passages) or set(passages)
        columns = [j for j, (n, _) in enumerate(flat) if n in cited]
        close = float((passage_vectors[columns] @ claim_vectors[k]).max()) if columns else 0.0
        words = _terms(_MARKER.sub("", sentence))
        source_words = set().union(*(_terms(passages[n]) for n in cited))
        if close >= SUPPORT_SIMILARITY or len(words & source_words) / len(words) >= LEXICAL_SHARE:
            supported.add(sentence)
    claim_set = {s for _, s in claims}
    kept_by_paragraph: dict[int, list[str]] = {}
    for i, sentence in pieces:
        if sentence not in claim_set or sentence in supported:
            kept_by_paragraph.setdefault(i, []).append(sentence)
    text = "\n\n".join(" ".join(kept_by_paragraph[i]) for i in sorted(kept_by_paragraph))
    check = SupportCheck(text.strip(), len(supported), len(claims) - len(supported))
    logger.info("support check: %d of %d generated sentences dropped", check.dropped, len(claims))
    return check
