"""Find the drugs a piece of text mentions, by generic name, synonym or brand."""

from __future__ import annotations

import re
from functools import lru_cache

from django.db.models import Count, Max

from knowledge.models import Drug


@lru_cache(maxsize=2)
def _matcher(version: tuple) -> tuple[re.Pattern, dict[str, int]]:
    names: dict[str, int] = {}
    for drug_id, name, synonyms, brands in Drug.objects.values_list(
        "id", "name", "synonyms", "brand_names"
    ):
        for term in (name, *synonyms, *brands):
            term = term.lower().strip()
            if len(term) >= 3:
                names.setdefault(term, drug_id)
    if not names:
        return re.compile(r"(?!x)x"), names
    # Longest first, so "ethinyl estradiol-levonorgestrel" wins over a shorter overlap.
    alternatives = "|".join(re.escape(t) for t in sorted(names, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])", re.IGNORECASE), names


def mentioned_drugs(text: str) -> list[Drug]:
    """Drugs named in `text`, in order of first mention."""
    version = tuple(Drug.objects.aggregate(n=Count("id"), t=Max("updated_at")).values())
    pattern, names = _matcher(version)
    ids: list[int] = []
    for match in pattern.finditer(text):
        drug_id = names[match.group(0).lower()]
        if drug_id not in ids:
            ids.append(drug_id)
    by_id = Drug.objects.in_bulk(ids)
    return [by_id[i] for i in ids if i in by_id]


def resolve(names: list[str]) -> tuple[list[Drug], list[str]]:
    """Drugs for free-text names (exact name, synonym or brand, any case), and the names that
    matched nothing."""
    found, unknown = [], []
    for name in names:
        drugs = mentioned_drugs(name)
        if drugs:
            found.append(drugs[0])
        else:
            unknown.append(name)
    return found, unknown
