"""Scrapers for public medical and regulatory sources, one module each.

`get(slug)` returns the module's `SOURCE` adapter (see `base.SourceAdapter`). Modules are
imported on demand so one broken optional dependency cannot take down the others.
"""

from __future__ import annotations

from importlib import import_module

from knowledge.sources.base import SourceAdapter

MODULES: dict[str, str] = {
    "openfda-label": "knowledge.sources.openfda_label",
    "openfda-events": "knowledge.sources.openfda_events",
    "dailymed": "knowledge.sources.dailymed",
    "pubmed": "knowledge.sources.pubmed",
    "rxnorm": "knowledge.sources.rxnorm",
    "clinicaltrials": "knowledge.sources.clinicaltrials",
    "medlineplus": "knowledge.sources.medlineplus",
    "fda-guidance": "knowledge.sources.fda_guidance",
    "drugbank": "knowledge.sources.drugbank",
    "medquad": "knowledge.sources.medquad",
}


def get(slug: str) -> SourceAdapter:
    try:
        module = import_module(MODULES[slug])
    except KeyError:
        raise KeyError(f"unknown source {slug!r}; choose one of {', '.join(MODULES)}") from None
    return module.SOURCE
