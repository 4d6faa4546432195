"""Reference DDI sets for evaluating Lumen's interaction rules: the ONC high-priority list
(Phansalkar 2012) and DDInter 1.x (ddinter.scbdd.com). Both are read from the shared data
folder beside the checkout and never shipped; DDInter is licensed for non-commercial use, so
it is for evaluation only and none of its rows may be copied into knowledge/starter/."""

from __future__ import annotations

import csv
from collections import Counter
from itertools import combinations
from pathlib import Path

from knowledge.interactions import find_interactions
from knowledge.models import Drug
from tests.conftest import SHARED_DATA

DDI = SHARED_DATA / "ddi"
SEVERITIES = ("major", "moderate", "minor")

# DDInter names for Lumen drugs whose names differ; a combination maps to each component and
# takes the most severe component interaction as the reference.
DDINTER_NAMES = {
    "aspirin": ["acetylsalicylic acid"],
    "albuterol": ["salbutamol"],
    "rifampin": ["rifampicin"],
    "valproate": ["valproic acid"],
    "lithium": ["lithium carbonate"],
    "st john's wort": ["st. john's wort"],
    "polyethylene glycol 3350": ["polyethylene glycol (3350)"],
    "sulfamethoxazole-trimethoprim": ["sulfamethoxazole", "trimethoprim"],
    "ethinyl estradiol-levonorgestrel": ["ethinylestradiol", "levonorgestrel"],
}


def onc_pairs(names: set[str]) -> set[frozenset[str]]:
    """ONC high-priority pairs whose two drugs Lumen knows (reuses the data test's parser)."""
    from tests.knowledge.test_starter_interactions_data import ONC_SYNONYMS

    found = set()
    for line in (DDI / "onc" / "ONC_High_Priority_Mapped.csv").read_text("utf-8-sig").splitlines():
        parts = line.strip().split("$")
        if len(parts) < 4:
            continue
        a, b = (
            ONC_SYNONYMS.get(p.strip().lower(), p.strip().lower()) for p in (parts[0], parts[2])
        )
        if a != b and a in names and b in names:
            found.add(frozenset((a, b)))
    return found


def ddinter_levels() -> dict[frozenset[str], str]:
    """DDInter level per unordered pair of lower-cased DDInter names (all files)."""
    levels: dict[frozenset[str], str] = {}
    for path in sorted((DDI / "ddinter").glob("*.csv")):
        with path.open(encoding="utf-8") as f:
            for row in csv.DictReader(f):
                pair = frozenset((row["Drug_A"].strip().lower(), row["Drug_B"].strip().lower()))
                levels[pair] = row["Level"].strip().lower()
    return levels


def ddinter_reference(names: list[str]) -> dict[frozenset[str], str]:
    """DDInter's severity for every pair of Lumen drugs it rates (Unknown excluded)."""
    levels = ddinter_levels()
    rank = {s: i for i, s in enumerate(SEVERITIES)}
    out = {}
    for x, y in combinations(sorted(names), 2):
        found = [
            levels[frozenset((a, b))]
            for a in DDINTER_NAMES.get(x, [x])
            for b in DDINTER_NAMES.get(y, [y])
            if frozenset((a, b)) in levels and levels[frozenset((a, b))] in rank
        ]
        if found:
            out[frozenset((x, y))] = min(found, key=rank.__getitem__)
    return out


def lumen_severity(drugs: dict[str, Drug], x: str, y: str) -> str | None:
    found = find_interactions([drugs[x], drugs[y]])
    return found[0].severity if found else None


def onc_figures(drugs: dict[str, Drug]) -> dict:
    pairs = onc_pairs(set(drugs))
    got = {tuple(sorted(p)): lumen_severity(drugs, *sorted(p)) for p in pairs}
    missed = sorted((pair, sev) for pair, sev in got.items() if sev != "major")
    return {
        "pairs": len(pairs),
        "flagged_major": len(pairs) - len(missed),
        "share_major": round((len(pairs) - len(missed)) / len(pairs), 4) if pairs else None,
        "not_major": missed,
    }


def ddinter_figures(drugs: dict[str, Drug]) -> dict:
    reference = ddinter_reference(list(drugs))
    confusion: Counter = Counter()
    disagreements = []
    lumen_only = 0
    for x, y in combinations(sorted(drugs), 2):
        ours = lumen_severity(drugs, x, y)
        theirs = reference.get(frozenset((x, y)))
        if theirs is None:
            lumen_only += ours is not None
            continue
        confusion[(theirs, ours or "none")] += 1
        if ours != theirs:
            disagreements.append((x, y, theirs, ours))
    total = sum(confusion.values())
    flagged = sum(n for (_, ours), n in confusion.items() if ours != "none")
    exact = sum(n for (theirs, ours), n in confusion.items() if theirs == ours)
    return {
        "ddinter_pairs": total,
        "coverage": round(flagged / total, 4),
        "exact_agreement": round(exact / total, 4),
        "exact_agreement_of_flagged": round(exact / flagged, 4) if flagged else None,
        "lumen_pairs_ddinter_lacks": lumen_only,
        "confusion": {
            f"ddinter_{theirs}": {ours: confusion[(theirs, ours)] for ours in (*SEVERITIES, "none")}
            for theirs in SEVERITIES
        },
        "disagreements": disagreements,
    }


def write_disagreements(path: Path, disagreements: list) -> None:
    path.write_text("\n".join(f"{x}\t{y}\tddinter={t}\tlumen={o}" for x, y, t, o in disagreements))
