"""Find the drugs a piece of text mentions, by generic name, synonym or brand."""

from __future__ import annotations

import difflib
import re
from contextvars import ContextVar
from functools import lru_cache

from django.core.signals import request_finished, request_started
from django.db.models import Count, Max
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from knowledge.models import Drug


@lru_cache(maxsize=2)
def _matcher(version: tuple) -> tuple[re.Pattern, dict[str, int]]:
    rows = list(
        Drug.objects.values_list("id", "name", "synonyms", "brand_names", "active_ingredients")
    )
    # Every generic name is claimed first, then combination products' other names, then the
    # rest: "codeine" is codeine, but "Tylenol with Codeine" is the combination product even
    # if codeine's record lists it as a brand too.
    names = {name.lower().strip(): drug_id for drug_id, name, *_ in rows if len(name) >= 3}
    rows.sort(key=lambda row: len(row[4]) < 2)
    for drug_id, _, synonyms, brands, _ in rows:
        for term in (*synonyms, *brands):
            term = term.lower().strip()
            if len(term) >= 3:
                names.setdefault(term, drug_id)
    if not names:
        return re.compile(r"(?!x)x"), names
    # Longest first, so "ethinyl estradiol-levonorgestrel" wins over a shorter overlap.
    alternatives = "|".join(re.escape(t) for t in sorted(names, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])", re.IGNORECASE), names


# Within a request the vocabulary's version is read once (a drug page matched each allergy
# twice, each time asking the database; issue 20): request_started opens a memo for the
# request, request_finished drops it, and a drug saved or deleted in this process clears it.
# Outside requests (commands, tasks) every lookup asks, as a long-lived process must.
_request_memo: ContextVar[dict | None] = ContextVar("drug_vocabulary_memo", default=None)


def _version() -> tuple:
    memo = _request_memo.get()
    if memo is not None and "version" in memo:
        return memo["version"]
    version = tuple(Drug.objects.aggregate(n=Count("id"), t=Max("updated_at")).values())
    if memo is not None:
        memo["version"] = version
    return version


@receiver(request_started)
def _open_request_memo(**kwargs) -> None:
    _request_memo.set({})


@receiver(request_finished)
@receiver(post_save, sender=Drug)
@receiver(post_delete, sender=Drug)
def _drop_request_memo(**kwargs) -> None:
    memo = _request_memo.get()
    if memo is not None:
        memo.clear()
    if kwargs.get("signal") is request_finished:
        _request_memo.set(None)


def mentioned_drugs(text: str) -> list[Drug]:
    """Drugs named in `text`, in order of first mention."""
    pattern, names = _matcher(_version())
    ids: list[int] = []
    for match in pattern.finditer(text):
        drug_id = names[match.group(0).lower()]
        if drug_id not in ids:
            ids.append(drug_id)
    by_id = Drug.objects.in_bulk(ids)
    return [by_id[i] for i in ids if i in by_id]


def match(name: str, *, fuzzy: bool = True) -> Drug | None:
    """The drug one free-text name means: generic name, synonym, brand, salt ("sertraline
    hydrochloride"), combination product or RxCUI; with `fuzzy` (the default), also the closest
    known name to a misspelling ("ibuprofin"), never a guess below 0.8
    similarity or for names shorter than four letters."""
    name = name.strip()
    if not name:
        return None
    if name.isdigit():
        return Drug.objects.filter(rxcui=name).first()
    drugs = mentioned_drugs(name)
    if drugs:
        return drugs[0]
    if not fuzzy or len(name) < 4:
        return None
    _, names = _matcher(_version())
    close = difflib.get_close_matches(name.lower(), names, n=1, cutoff=0.8)
    return Drug.objects.filter(id=names[close[0]]).first() if close else None


def resolve(names: list[str], *, fuzzy: bool = True) -> tuple[list[Drug], list[str]]:
    """Drugs for free-text names (exact name, synonym, brand or RxCUI, any case; with `fuzzy`,
    the default everywhere, also misspellings), and the names that matched nothing. This is
    the one lookup every entry point uses: profile, checker, drug pages, answers, triage."""
    found, unknown = [], []
    for name in names:
        drug = match(name, fuzzy=fuzzy)
        if drug is not None:
            found.append(drug)
        else:
            unknown.append(name)
    return found, unknown


def suggest(prefix: str, *, limit: int = 8) -> list[tuple[Drug, str]]:
    """Drugs whose name, brand or synonym starts with (or, failing that, contains) `prefix`,
    each with the term that matched: the autocomplete list."""
    prefix = " ".join(prefix.lower().split())
    if len(prefix) < 2:
        return []
    _, names = _matcher(_version())
    starts = sorted(t for t in names if t.startswith(prefix))
    contains = sorted(t for t in names if prefix in t and not t.startswith(prefix))
    if not starts and not contains and len(prefix) >= 4:
        # Nothing starts with or contains it: offer the closest names (a misspelling).
        contains = difflib.get_close_matches(prefix, names, n=limit, cutoff=0.8)
    picked: dict[int, str] = {}
    for term in [*starts, *contains]:
        picked.setdefault(names[term], term)
        if len(picked) == limit:
            break
    by_id = Drug.objects.in_bulk(list(picked))
    return [(by_id[i], term) for i, term in picked.items() if i in by_id]


def near_misses(name: str, *, limit: int = 3) -> list[str]:
    """Known names close to an unrecognised one ("sertralin" -> "sertraline"), for a "did you
    mean" line; looser than `match`'s fuzzy cut-off, so these are offered, never assumed."""
    name = " ".join(name.lower().split())
    if len(name) < 3:
        return []
    _, names = _matcher(_version())
    return difflib.get_close_matches(name, names, n=limit, cutoff=0.6)
