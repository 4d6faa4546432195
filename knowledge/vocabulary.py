"""Lumen's drug vocabulary: the minimal records (name, class, brands, synonyms, reference) for
the medicines people commonly take, combination products mapped to their ingredients, and the
VA NDF-RT interaction pairs, all shipped in knowledge/starter/ and bulk-loaded so that a fresh
`make run` (and every test module) has them in well under a second of queries.

A name already in drugs.json only gains the vocabulary's synonyms, brands and class tags: its
written monograph stays as it is."""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, quote_plus

from knowledge.models import Drug, DrugInteraction, Severity
from knowledge.names import normalise

STARTER_DIR = Path(__file__).resolve().parent / "starter"

VOCABULARY_FILE = STARTER_DIR / "vocabulary.psv"
COMBINATIONS_FILE = STARTER_DIR / "combinations.psv"
NDFRT_DRUGS_FILE = STARTER_DIR / "ndfrt_drugs.tsv"
NDFRT_PAIRS_FILE = STARTER_DIR / "ndfrt_interactions.tsv"

NDFRT_SOURCE = "VA NDF-RT (2014)"
NDFRT_URL = "https://evs.nci.nih.gov/ftp1/NDF-RT/"
NDFRT_SEVERITY = {"Critical": Severity.MAJOR, "Significant": Severity.MODERATE}
NDFRT_MANAGEMENT = (
    "The US Department of Veterans Affairs drug file (NDF-RT) rates this pair as {level}; it "
    "gives no mechanism or advice, and Lumen has not written its own rule yet. Ask your "
    "pharmacist or prescriber before taking them together."
)
NOT_YET_KNOWN = (
    "Lumen has only a minimal record for this medicine so far (its names, class, interaction "
    "rules and source). Read the official label linked below."
)


@dataclass
class VocabularyEntry:
    name: str
    drug_class: str = ""
    classes: list[str] = field(default_factory=list)
    synonyms: list[str] = field(default_factory=list)
    brand_names: list[str] = field(default_factory=list)
    active_ingredients: list[str] = field(default_factory=list)
    references: list[dict] = field(default_factory=list)


def _items(column: str) -> list[str]:
    return [item.strip() for item in column.split(";") if item.strip()]


def reference_for(code: str, name: str) -> dict:
    """The citation a vocabulary `reference` column stands for (see the file's header)."""
    code = code.strip()
    if code.startswith("https://"):
        return {"title": f"Official information: {name}", "url": code}
    if code == "emc":
        return {
            "title": f"eMC (UK SmPC and leaflet): {name}",
            "url": f"https://www.medicines.org.uk/emc/search?q={quote_plus(name)}",
        }
    kind, _, slug = code.partition(":")
    if kind == "nhs":
        return {"title": f"NHS: {name}", "url": f"https://www.nhs.uk/medicines/{slug}/"}
    if kind == "ods":
        return {
            "title": f"NIH Office of Dietary Supplements: {name}",
            "url": f"https://ods.od.nih.gov/factsheets/{slug}/",
        }
    if kind == "nccih":
        return {"title": f"NIH NCCIH: {name}", "url": f"https://www.nccih.nih.gov/health/{slug}"}
    if kind == "fda":
        return {"title": f"FDA: {name}", "url": f"https://www.fda.gov/{slug}"}
    return {
        "title": f"DailyMed: official US labels for {name}",
        "url": "https://dailymed.nlm.nih.gov/dailymed/search.cfm?labeltype=all&query="
        + quote(name),
    }


def _rows(path, width: int) -> list[list[str]]:
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        columns = [c.strip() for c in line.split("|")]
        if not width - 1 <= len(columns) <= width:
            raise ValueError(f"{path.name} line {number}: expected {width} columns")
        rows.append(columns + [""] * (width - len(columns)))
    return rows


def vocabulary_entries() -> list[VocabularyEntry]:
    entries = []
    for name, drug_class, tags, synonyms, brands, reference in _rows(VOCABULARY_FILE, 6):
        name = normalise(name)
        entries.append(
            VocabularyEntry(
                name=name,
                drug_class=drug_class,
                classes=tags.split(),
                synonyms=_items(synonyms),
                brand_names=_items(brands),
                active_ingredients=[name],
                references=[reference_for(reference, name)],
            )
        )
    return entries


def combination_entries() -> list[VocabularyEntry]:
    """Combination products; each also answers to its ingredients joined with "/", " and ",
    "-" or " + " (either order for two), as people and labels write them."""
    entries = []
    for name, ingredients, names, reference in _rows(COMBINATIONS_FILE, 4):
        parts = [normalise(p) for p in _items(ingredients)]
        joined = [sep.join(parts) for sep in ("/", " and ", " + ", " with ")]
        if len(parts) == 2:
            joined += [sep.join(reversed(parts)) for sep in ("/", "-", " and ", " + ")]
        others = _items(names)
        brands = [n for n in others if not n[0].islower()]
        cited = brands[0] if brands and reference == "emc" else name
        entries.append(
            VocabularyEntry(
                name=normalise(name),
                drug_class="Combination product: " + " + ".join(parts),
                synonyms=[n for n in others if n[0].islower()] + joined,
                brand_names=brands,
                active_ingredients=parts,
                references=[reference_for(reference, cited)],
            )
        )
    return entries


def ndfrt_drug_entries() -> list[VocabularyEntry]:
    """Ingredients that only NDF-RT names (derived by `manage.py import_ndfrt`)."""
    if not NDFRT_DRUGS_FILE.exists():
        return []
    with NDFRT_DRUGS_FILE.open(encoding="utf-8") as f:
        return [
            VocabularyEntry(
                name=row["name"],
                drug_class=row["drug_class"] or "Medicine (class not yet recorded)",
                classes=row["classes"].split(),
                active_ingredients=[row["name"]],
                references=[
                    reference_for("", row["name"]),
                    {"title": f"{NDFRT_SOURCE}: {row['name']}", "url": row["ndfrt_uri"]},
                ],
            )
            for row in csv.DictReader(f, delimiter="\t")
        ]


def _union(existing: list[str], new: list[str]) -> list[str]:
    seen = {v.lower() for v in existing}
    merged = list(existing)
    for value in new:
        if value.lower() not in seen:
            seen.add(value.lower())
            merged.append(value)
    return merged


def load_vocabulary() -> Counter:
    """Create or extend every vocabulary, combination and NDF-RT-only drug in a handful of
    bulk queries; idempotent. Raises ValueError on a combination whose
    ingredient is not a known drug."""
    counts: Counter = Counter()
    drugs = {d.name: d for d in Drug.objects.all()}
    by_synonym = {s.lower(): d for d in drugs.values() for s in d.synonyms}
    new: dict[str, Drug] = {}
    changed: dict[str, Drug] = {}
    plain = vocabulary_entries() + ndfrt_drug_entries()
    for entry in [*plain, *combination_entries()]:
        drug = drugs.get(entry.name) or new.get(entry.name) or by_synonym.get(entry.name)
        if drug is None:
            if not entry.drug_class:
                raise ValueError(f"vocabulary: new drug {entry.name!r} needs a class")
            drug = Drug(
                name=entry.name,
                drug_class=entry.drug_class,
                classes=entry.classes,
                synonyms=_union([], entry.synonyms),
                brand_names=_union([], entry.brand_names),
                active_ingredients=entry.active_ingredients,
                references=entry.references,
                label_warnings="",
            )
            new[entry.name] = drug
            continue
        before = (list(drug.synonyms), list(drug.brand_names), list(drug.classes))
        drug.synonyms = _union(drug.synonyms, [s for s in entry.synonyms if s != drug.name])
        drug.brand_names = _union(drug.brand_names, entry.brand_names)
        drug.classes = _union(drug.classes, entry.classes)
        if (drug.synonyms, drug.brand_names, drug.classes) != before and drug.pk:
            changed[drug.name] = drug
    known = set(drugs) | set(new)
    for entry in combination_entries():
        missing = [p for p in entry.active_ingredients if p not in known]
        if missing:
            raise ValueError(f"combination {entry.name!r}: unknown ingredients {missing}")
    Drug.objects.bulk_create(new.values())
    Drug.objects.bulk_update(changed.values(), ["synonyms", "brand_names", "classes"])
    counts["vocabulary_new"] = len(new)
    counts["vocabulary_updated"] = len(changed)
    return counts


def load_ndfrt_rules() -> int:
    """NDF-RT pairs as drug-drug rules with provenance and no invented mechanism. A pair
    Lumen already has a rule for keeps Lumen's rule (the insert is skipped on conflict)."""
    if not NDFRT_PAIRS_FILE.exists():
        return 0
    ids = dict(Drug.objects.values_list("name", "id"))
    rules = []
    with NDFRT_PAIRS_FILE.open(encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            a, b = sorted((row["a"], row["b"]))
            if a not in ids or b not in ids:
                continue
            severity = NDFRT_SEVERITY[row["severity"]]
            rules.append(
                DrugInteraction(
                    drug_a_id=ids[a],
                    drug_b_id=ids[b],
                    severity=severity,
                    mechanism="",
                    management=NDFRT_MANAGEMENT.format(level=f"{row['severity']} ({severity})"),
                    source=f"{NDFRT_SOURCE}: {row['va_label']}"[:300],
                    source_url=row["ndfrt_uri"][:500],
                )
            )
    before = DrugInteraction.objects.count()
    DrugInteraction.objects.bulk_create(rules, ignore_conflicts=True)
    return DrugInteraction.objects.count() - before


def is_ndfrt(rule: DrugInteraction) -> bool:
    return rule.source.startswith(NDFRT_SOURCE)
