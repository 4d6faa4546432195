"""Who published a cited document, as a reader should see it: "MedlinePlus (NIH)", "FDA drug
label (DailyMed)", "NHS", "Lumen editorial, based on MedlinePlus (NIH)".

A source is how Lumen got a document (a scraper, an import, the starter corpus); the
publisher is whose page it is. MedQuAD, one source, holds pages of nine NIH sites and says
whose in each document's metadata; scraped sources publish their own pages; Lumen's starter
documents are Lumen's own summaries and say so, naming whose page they summarise (their URL).
This module is the one place that derives it: retrieval puts it in `Citation.source`, and
pages and `manage.py ask --json` show that.
"""

from __future__ import annotations

from typing import Protocol
from urllib.parse import urlsplit

EDITORIAL = "Lumen editorial"
# The starter corpus's source name before citations named publishers; answers stored then
# still carry it, and it is Lumen's own writing.
LEGACY_EDITORIAL_NAMES = frozenset({"Lumen starter corpus"})
EDITORIAL_SOURCE_SLUG = "lumen-starter"

# Scraped sources whose documents are all one publisher's pages (keyed by Source.slug).
SOURCE_PUBLISHERS = {
    "medlineplus": "MedlinePlus (NIH)",
    "dailymed": "FDA drug label (DailyMed)",
    "openfda-label": "FDA drug label (openFDA)",
    "openfda-events": "FDA adverse event reports (openFDA)",
    "fda-guidance": "FDA guidance",
    "pubmed": "PubMed (NIH)",
    "clinicaltrials": "ClinicalTrials.gov (NIH)",
    "rxnorm": "RxNorm (NIH)",
}

# Names in a document's metadata["publisher"] (MedQuAD's nine NIH sites) as a reader knows them.
PUBLISHER_NAMES = {
    "National Cancer Institute": "National Cancer Institute (NIH)",
    "GARD": "GARD, Genetic and Rare Diseases (NIH)",
    "Genetics Home Reference": "Genetics Home Reference (NIH)",
    "NIH MedlinePlus": "MedlinePlus (NIH)",
    "NIDDK": "NIDDK (NIH)",
    "NINDS": "NINDS (NIH)",
    "NIHSeniorHealth": "NIHSeniorHealth (NIH)",
    "NHLBI": "NHLBI (NIH)",
    "CDC": "CDC",
}

# Web hosts of pages Lumen's editorial documents summarise; a subdomain matches its parent.
HOST_PUBLISHERS = {
    "medlineplus.gov": "MedlinePlus (NIH)",
    "dailymed.nlm.nih.gov": "FDA drug label (DailyMed)",
    "accessdata.fda.gov": "FDA drug label",
    "fda.gov": "FDA",
    "nhs.uk": "NHS",
    "cancer.gov": "National Cancer Institute (NIH)",
    "rarediseases.info.nih.gov": "GARD, Genetic and Rare Diseases (NIH)",
    "niddk.nih.gov": "NIDDK (NIH)",
    "ninds.nih.gov": "NINDS (NIH)",
    "nhlbi.nih.gov": "NHLBI (NIH)",
    "nlm.nih.gov": "National Library of Medicine (NIH)",
    "nih.gov": "NIH",
    "cdc.gov": "CDC",
    "pubmed.ncbi.nlm.nih.gov": "PubMed (NIH)",
    "who.int": "WHO",
    "ema.europa.eu": "EMA",
    "ec.europa.eu": "European Commission",
    "health.ec.europa.eu": "European Commission",
    "gov.uk": "GOV.UK (MHRA)",
    "ich.org": "ICH",
    "database.ich.org": "ICH",
    "ecfr.gov": "US Code of Federal Regulations (eCFR)",
    "picscheme.org": "PIC/S",
    "usp.org": "USP",
    "iso.org": "ISO",
}


class Publishable(Protocol):
    """What a knowledge.Document offers (duck-typed so tests and imports need no model)."""

    url: str
    authority: str
    metadata: dict


def document_publisher(document: Publishable, *, source_slug: str, source_name: str) -> str:
    """The publisher to cite for `document`, from what it says about itself."""
    metadata = document.metadata if isinstance(document.metadata, dict) else {}
    if source_slug == EDITORIAL_SOURCE_SLUG or metadata.get("written_by") == "Lumen":
        based_on = host_publisher(document.url)
        return f"{EDITORIAL}, based on {based_on}" if based_on else EDITORIAL
    named = str(metadata.get("publisher") or "").strip()
    if named:
        return PUBLISHER_NAMES.get(named, named)
    return (
        SOURCE_PUBLISHERS.get(source_slug)
        or host_publisher(document.url)
        or source_name
        or document.authority
    )


def host_publisher(url: str) -> str:
    """The publisher of a web page by its host ("www.nhs.uk" -> "NHS"); "" when unknown."""
    try:
        host = (urlsplit(str(url or "")).hostname or "").lower()
    except ValueError:
        return ""
    host = host.removeprefix("www.")
    while host:
        if host in HOST_PUBLISHERS:
            return HOST_PUBLISHERS[host]
        _, _, host = host.partition(".")
    return ""


def shown_publisher(source: str) -> str:
    """A stored citation's source as pages show it: answers stored before publishers were
    named say "Lumen starter corpus", which is Lumen's own editorial content."""
    return EDITORIAL if source in LEGACY_EDITORIAL_NAMES else source
