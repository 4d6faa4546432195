"""Derive Lumen's NDF-RT files (knowledge/starter/ndfrt_*.tsv) from the VA NDF-RT extract, so
the product ships the data and never reads the shared folder at run time. Run it again only
when the extract or the vocabulary changes; it writes no database rows."""

from __future__ import annotations

import csv
import json
import os
import re
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from knowledge.names import ingredient_name, normalise
from knowledge.vocabulary import (
    NDFRT_DRUGS_FILE,
    NDFRT_PAIRS_FILE,
    STARTER_DIR,
    combination_entries,
    vocabulary_entries,
)

# The shared data folder beside the checkout (a worktree may sit one level deeper).
_ROOT = Path(__file__).resolve().parents[3]
DEFAULT_SOURCE = (
    Path(os.environ["LUMEN_SHARED_DATA"]) / "ddi/ndfrt"
    if "LUMEN_SHARED_DATA" in os.environ
    else next(
        (
            p / "shared/data/ddi/ndfrt"
            for p in (_ROOT.parent, _ROOT.parent.parent)
            if (p / "shared").is_dir()
        ),
        _ROOT.parent / "shared/data/ddi/ndfrt",
    )
)
# NDF-RT spellings whose Lumen name differs in more than case or salt.
NDFRT_NAMES = {
    "acetylsalicylic acid": "aspirin",
    "valproic acid": "valproate",
    "divalproex sodium": "valproate",
    "lithium carbonate": "lithium",
    "cyclosporine": "cyclosporine",
    "levothyroxine sodium": "levothyroxine",
    "sulfamethoxazole": "sulfamethoxazole",
    "hypericum perforatum": "st john's wort",
    "4-({6-amino-5-bromo-2-[(4-cyanophenyl)amino]pyrimidin-4-yl}oxy)-3,5-dimethylbenzonitrile": (
        "etravirine"
    ),
    "cdb-2914": "ulipristal",
    "tak-390mr": "dexlansoprazole",
    "salicylate-sodium": "sodium salicylate",
    "somatropin recombinant": "somatropin",
    "tris(hydroxymethyl)aminomethane": "tromethamine",
    "lidocaine patch": "lidocaine",
    "fluticasone propionate": "fluticasone",
    "mycophenolate mofetil": "mycophenolate",
    "megestrol acetate": "megestrol",
    "azilsartan medoxomil": "azilsartan",
    "vitamin c": "ascorbic acid",
    "phylloquinone": "phytonadione",
    "aluminum hydroxide": "aluminium hydroxide",
    "magnesium oxide": "magnesium",
    "potassium": "potassium chloride",
}
# NDF-RT's established pharmacologic classes that carry one of Lumen's class tags, so the
# class rules apply to ingredients only NDF-RT names.
CLASS_TAGS = {
    "Benzodiazepines": "benzodiazepine cns_depressant",
    "Opioid agonist": "opioid cns_depressant",
    "Partial opioid agonists": "opioid cns_depressant",
    "Nonsteroidal anti-inflammatory drug": "nsaid bleeding_risk nephrotoxic",
    "Tricyclic antidepressant": "tca serotonergic anticholinergic cns_depressant",
    "Sulfonylurea compounds": "sulfonylurea",
    "Thiazides": "thiazide_diuretic",
    "Penicillins": "antibiotic",
    "Aminoglycosides": "antibiotic nephrotoxic",
    "Sulfonamides": "antibiotic",
    "Typical antipsychotic": "antipsychotic cns_depressant",
    "Platelet aggregation inhibitor": "antiplatelet bleeding_risk",
    "Cholinergic muscarinic antagonists": "anticholinergic",
    "Cholinergic antagonists": "anticholinergic",
    "Sympathomimetic amine anorectic": "decongestant",
}


def _lumen_names() -> dict[str, str]:
    """Every name and synonym Lumen knows (without the database) -> canonical name."""
    names: dict[str, str] = {}
    drugs = json.loads((STARTER_DIR / "drugs.json").read_text())
    for entry in drugs:
        for term in (entry["name"], *entry["synonyms"]):
            names.setdefault(normalise(term), entry["name"])
    for entry in vocabulary_entries():
        for term in (entry.name, *entry.synonyms):
            names.setdefault(normalise(term), entry.name)
    for entry in combination_entries():
        names.setdefault(entry.name, entry.name)
    return names


def _class_text(ndfrt_class: str) -> str:
    text = re.sub(r"\s*\[[^\]]*\]\s*$", "", ndfrt_class).strip()
    return text[:1].upper() + text[1:].lower() if text else ""


class Command(BaseCommand):
    help = "Write knowledge/starter/ndfrt_drugs.tsv and ndfrt_interactions.tsv from NDF-RT."

    def add_arguments(self, parser):
        parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)

    def handle(self, *args, source: Path, **options):
        path = source / "ndfrt_interactions.tsv"
        if not path.exists():
            raise CommandError(f"No NDF-RT extract at {path}")
        known = _lumen_names()
        extra: dict[str, dict] = {}

        def lumen(name: str, ndfrt_class: str, drugbank: str) -> str:
            name = normalise(name.replace("_", " "))
            name = NDFRT_NAMES.get(name, name)
            for candidate in (name, ingredient_name(name)):
                if candidate in known:
                    return known[candidate]
            name = ingredient_name(name)
            text = _class_text(ndfrt_class)
            extra.setdefault(
                name,
                {
                    "name": name,
                    "drug_class": "" if text == "None" else text,
                    "classes": CLASS_TAGS.get(text, ""),
                    "drugbank": drugbank,
                },
            )
            return name

        pairs: dict[frozenset, dict] = {}
        with path.open(encoding="utf-8") as f:
            for row in csv.DictReader(f, delimiter="\t"):
                a = lumen(row["drug_a"], row["class_a"], row["drugbank_a"])
                b = lumen(row["drug_b"], row["class_b"], row["drugbank_b"])
                if a == b:
                    continue
                key = frozenset((a, b))
                # A pair listed twice keeps its most severe rating.
                if key not in pairs or row["severity"] == "Critical":
                    a, b = sorted(key)
                    pairs[key] = {
                        "a": a,
                        "b": b,
                        "severity": row["severity"],
                        "va_label": row["va_label"],
                        "ndfrt_uri": row["ndfrt_uri"],
                    }
        with NDFRT_PAIRS_FILE.open("w", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(
                f, ["a", "b", "severity", "va_label", "ndfrt_uri"], delimiter="\t"
            )
            writer.writeheader()
            writer.writerows(sorted(pairs.values(), key=lambda r: (r["a"], r["b"])))
        with NDFRT_DRUGS_FILE.open("w", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(
                f, ["name", "drug_class", "classes", "drugbank", "ndfrt_uri"], delimiter="\t"
            )
            writer.writeheader()
            for name in sorted(extra):
                writer.writerow(
                    {
                        **extra[name],
                        "ndfrt_uri": "https://bioportal.bioontology.org/ontologies/NDFRT",
                    }
                )
        self.stdout.write(
            f"{len(pairs)} pairs, {len(extra)} ingredients known only to NDF-RT "
            f"(of {len({n for p in pairs for n in p})} drugs)"
        )
