"""Retrieval quality: recall@k and mean reciprocal rank over labelled queries."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from knowledge.retrieval import Filters, search

PASSAGES_PER_QUERY = 40  # enough passages to fill 10 distinct documents


@dataclass(frozen=True)
class LabelledQuery:
    query: str
    relevant: frozenset[str]
    filters: dict = field(default_factory=dict)


@dataclass(frozen=True)
class QueryOutcome:
    query: str
    relevant: frozenset[str]
    ranked: list[str]  # external ids, best first, distinct

    def recall_at(self, k: int) -> float:
        return len(self.relevant & set(self.ranked[:k])) / len(self.relevant)

    @property
    def reciprocal_rank(self) -> float:
        for rank, external_id in enumerate(self.ranked, start=1):
            if external_id in self.relevant:
                return 1.0 / rank
        return 0.0


class LabelsError(ValueError):
    """The labelled file cannot be used; the message says which line and why."""


def read_labels(path: Path) -> list[LabelledQuery]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise LabelsError(f"cannot read {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise LabelsError(f"{path} is not UTF-8 text (byte {exc.start}: {exc.reason})") from None
    queries = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            query, relevant = item["query"], item["relevant"]
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise LabelsError(f"line {number}: expected {{'query', 'relevant'}} ({exc})") from None
        if not isinstance(query, str) or not query.strip() or not relevant:
            raise LabelsError(f"line {number}: empty query or no relevant ids")
        queries.append(LabelledQuery(query, frozenset(map(str, relevant)), item.get("filters", {})))
    if not queries:
        raise LabelsError(f"{path} holds no queries")
    return queries


def run_query(labelled: LabelledQuery) -> QueryOutcome:
    result = search(labelled.query, k=PASSAGES_PER_QUERY, filters=Filters.of(labelled.filters))
    ranked: list[str] = []
    for passage in result.passages:
        if passage.citation.external_id not in ranked:
            ranked.append(passage.citation.external_id)
    return QueryOutcome(labelled.query, labelled.relevant, ranked)


def summarise(outcomes: list[QueryOutcome]) -> dict[str, float]:
    n = len(outcomes)
    return {
        "queries": n,
        "recall@5": sum(o.recall_at(5) for o in outcomes) / n,
        "recall@10": sum(o.recall_at(10) for o in outcomes) / n,
        "mrr": sum(o.reciprocal_rank for o in outcomes) / n,
    }
