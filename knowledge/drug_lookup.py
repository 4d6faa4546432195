"""Find drug-database entries for pages: one drug by its URL key, and the search behind the
patient and pharma drug lists (name, brand, synonym, class, active ingredient)."""

from __future__ import annotations

import json
import uuid
from functools import lru_cache

from django.db.models import Case, CharField, F, Func, IntegerField, Q, QuerySet, Value, When

from knowledge.models import Drug
from knowledge.starter import STARTER_DIR

QUERY_MAX_LENGTH = 100


def drug_for_key(key: str, queryset: QuerySet[Drug] | None = None) -> Drug | None:
    """A drug by its UUID, or by the slug of its generic name ("st-johns-wort", `Drug.slug`);
    None else. `queryset` narrows or prefetches (the default is every drug)."""
    queryset = Drug.objects.all() if queryset is None else queryset
    try:
        return queryset.filter(uid=uuid.UUID(key)).first()
    except ValueError:
        pass
    if "\x00" in key:  # no slug holds NUL, and PostgreSQL text cannot: a query would fail
        return None
    # Two names with one slug ("st johns wort", "st. john's wort"): the first A-Z, as ever.
    return queryset.filter(slug=key).order_by("name").first()


@lru_cache(maxsize=1)
def class_labels() -> dict[str, str]:
    """Display labels of the class tags in `Drug.classes` ("nsaid" -> "NSAID"), from the
    starter vocabulary; a tag missing there shows as itself."""
    data = json.loads((STARTER_DIR / "classes.json").read_text())
    return {key: entry.get("label", key) for key, entry in data.items()}


def class_label(tag: str) -> str:
    return class_labels().get(tag, tag.replace("_", " "))


def _joined(field: str) -> Func:
    return Func(F(field), Value(" | "), function="array_to_string", output_field=CharField())


def search_drugs(query: str) -> QuerySet[Drug]:
    """Drugs whose generic name, brand, synonym, active ingredient, class (free-text class or
    class tag, by tag or label) or RxCUI contains `query`, any case, in one query: generic-name
    matches first, then brands and synonyms, then the rest, A-Z within each. An empty query
    lists every drug A-Z. `query` is cut to QUERY_MAX_LENGTH characters."""
    # NUL can never match (PostgreSQL text cannot hold it) and would make the query fail.
    words = " ".join(query.replace("\x00", " ").lower().split())[:QUERY_MAX_LENGTH]
    drugs = Drug.objects.order_by("name")
    if not words:
        return drugs
    tags = [
        tag
        for tag, label in class_labels().items()
        if words in tag.replace("_", " ") or words in label.lower()
    ]
    drugs = drugs.alias(
        brands=_joined("brand_names"),
        other_names=_joined("synonyms"),
        ingredients=_joined("active_ingredients"),
        tags=_joined("classes"),
    )
    by_name = Q(brands__icontains=words) | Q(other_names__icontains=words)
    matches = (
        Q(name__icontains=words)
        | by_name
        | Q(ingredients__icontains=words)
        | Q(drug_class__icontains=words)
        | Q(tags__icontains=words)
        | Q(classes__overlap=tags)
        | Q(rxcui=words)
    )
    rank = Case(
        When(name__istartswith=words, then=0),
        When(name__icontains=words, then=1),
        When(by_name, then=2),
        default=3,
        output_field=IntegerField(),
    )
    return drugs.filter(matches).alias(rank=rank).order_by("rank", "name")
